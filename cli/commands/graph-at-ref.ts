// cairn graph --ref REF — the migrations at a git ref, and what they change against the working tree or --base.
import path from "node:path";
import type { ConstantsTable } from "@/lib/alembic/read-migration-file";
import { compareGraphSides, readRefSide, readWorkingTreeSide } from "@/lib/git/read-graph-at-ref";

const list = (ids: string[]) => (ids.length ? ids.join(", ") : "none");

/** Prints the comparison; exit 1 when the graph at the ref has error-level problems, else 0. */
export async function runGraphAtRef(target: string, o: { ref: string; base?: string; json: boolean; constants?: ConstantsTable }, io: { stdout: (t: string) => void }): Promise<number> {
  const opts = o.constants ? { constants: o.constants } : {};
  const at = await readRefSide(target, o.ref, opts);
  const base = o.base !== undefined ? await readRefSide(target, o.base, opts) : readWorkingTreeSide(target, opts);
  const cmp = compareGraphSides(base, at);
  // Paths relative to the project, as cairn graph shows them.
  const rel = (m: string) => m.split(`${at.rootDir}${path.sep}`).join("");
  const errors = at.graph.problems.filter((p) => p.severity === "error").map((p) => rel(p.message));
  if (o.json) {
    io.stdout(
      `${JSON.stringify({ ref: o.ref, commit: at.commit, base: cmp.base, ...(base.commit ? { baseCommit: base.commit } : {}), revisions: at.graph.revisions.size, heads: at.graph.heads, comparison: cmp, errors }, null, 2)}\n`,
    );
    return errors.length ? 1 : 0;
  }
  const lines = [
    `${o.ref} (${at.commit!.slice(0, 12)}) against ${cmp.base}${base.commit ? ` (${base.commit.slice(0, 12)})` : ""}:`,
    `  revisions at ${o.ref}: ${at.graph.revisions.size}`,
    `  heads at ${o.ref}: ${list(cmp.heads.target)}`,
    `  added (${cmp.added.length}): ${list(cmp.added)}`,
    `  removed (${cmp.removed.length}): ${list(cmp.removed)}`,
    `  edited (${cmp.edited.length}): ${list(cmp.edited)}`,
    `  new heads (${cmp.newHeads.length}): ${list(cmp.newHeads)}`,
  ];
  if (errors.length) lines.push(`  ${errors.length} error(s) at ${o.ref}:`, ...errors.slice(0, 20).map((m) => `    - ${m}`));
  io.stdout(`${lines.join("\n")}\n`);
  return errors.length ? 1 : 0;
}
