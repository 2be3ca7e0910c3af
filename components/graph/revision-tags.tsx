/** The tags across a revision node's top right: sign-offs, head, branch labels, merge, open lint findings, problems. */
import type { GraphProblem, GraphRevision } from "@/lib/graph-view/graph-model";
import { NODE_WIDTH, type SignOffMark } from "@/lib/graph-view/graph-model";
import { truncate } from "@/components/graph/graph-style";
import { openLintCount, type RevisionLintBadge } from "@/lib/lint/summarize-revision-lint";

export function RevisionTags({ rev, isHead, problems, signOffs, lint }: { rev: GraphRevision; isHead: boolean; problems: GraphProblem[] | undefined; signOffs: SignOffMark[] | undefined; lint?: RevisionLintBadge | undefined }) {
  const tags: { text: string; fill: string; color: string; title: string }[] = [];
  if (signOffs?.length) {
    const envs = [...new Set(signOffs.map((s) => s.environment))];
    tags.push({ text: `✓ ${envs.join(",")}`, fill: "#dcfce7", color: "#166534", title: signOffs.map((s) => `Signed off on ${s.environment} by ${s.by} (${s.at.slice(0, 10)})${s.note ? `: ${s.note}` : ""}`).join("\n") });
  }
  if (isHead) tags.push({ text: "head", fill: "#1c1917", color: "#ffffff", title: "A head: no revision builds on it" });
  for (const l of rev.branchLabels) tags.push({ text: l, fill: "#ede9fe", color: "#5b21b6", title: `Branch label ${l}` });
  if (rev.isMergePoint) tags.push({ text: "merge", fill: "#e0f2fe", color: "#075985", title: "Merge point" });
  const openLint = lint ? openLintCount(lint) : 0;
  if (lint && openLint) {
    const error = lint.errors > 0;
    tags.push({ text: `lint ${openLint}`, fill: error ? "#fee2e2" : "#fef3c7", color: error ? "#991b1b" : "#92400e", title: lintTitle(lint) });
  }
  if (problems?.length) tags.push({ text: `⚠ ${problems.length}`, fill: "#fee2e2", color: "#991b1b", title: problems.map((q) => q.message).join("\n") });
  let x = NODE_WIDTH - 4;
  return (
    <>
      {tags.map((t) => {
        const w = Math.min(t.text.length, 12) * 6.4 + 8;
        x -= w + 3;
        return (
          <g key={t.text} transform={`translate(${x} 5)`} data-tag={t.text}>
            <rect width={w} height={15} rx={3} fill={t.fill} />
            <text x={w / 2} y={11} textAnchor="middle" fill={t.color} className="text-[10px] font-semibold">
              {truncate(t.text, 12)}
            </text>
            <title>{t.title}</title>
          </g>
        );
      })}
    </>
  );
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** "1 error, 2 warnings: drop-column, preview-unavailable (1 acknowledged)": the side panel lists the findings. */
function lintTitle(b: RevisionLintBadge): string {
  const counts = [b.errors ? plural(b.errors, "error") : "", b.warnings ? plural(b.warnings, "warning") : "", b.infos ? `${b.infos} info` : ""].filter(Boolean).join(", ");
  return `Lint: ${counts}: ${[...new Set(b.openRules)].join(", ")}${b.acknowledged ? ` (${b.acknowledged} acknowledged)` : ""}. Open the revision for the findings.`;
}
