/**
 * One node of the revision graph: a revision, a collapsed segment or a missing reference, with its
 * environment markers. Below the detail zoom it is a plain box with coloured markers.
 */
import { memo, type KeyboardEvent } from "react";
import type { RevisionLintBadge } from "@/lib/lint/summarize-revision-lint";
import type { GraphEnvironment, GraphProblem, GraphRevision, ModelNode } from "@/lib/graph-view/graph-model";
import { NODE_WIDTH, markerWidth, type SignOffMark } from "@/lib/graph-view/graph-model";
import { STATE_COLOR, shortId, truncate } from "@/components/graph/graph-style";
import { RevisionTags } from "@/components/graph/revision-tags";

export interface GraphNodeProps {
  node: ModelNode;
  pos: [number, number, number, number];
  detail: boolean;
  rev: GraphRevision | undefined;
  envs: string[] | undefined;
  environments: readonly GraphEnvironment[];
  problems: GraphProblem[] | undefined;
  signOffs: SignOffMark[] | undefined;
  /** This revision's lint badge (findings against its parent); undefined until loaded or without a finding. */
  lint?: RevisionLintBadge | undefined;
  isHead: boolean;
  highlight: "pending" | "between" | "extra" | undefined;
  selected: boolean;
  searchHit: boolean;
  selectedEnvs: readonly string[];
  tabIndex: number;
  onFocus(): void;
  onActivate(): void;
  onKeyDown(e: KeyboardEvent<SVGGElement>): void;
  onToggleEnv(name: string): void;
}

const HIGHLIGHT_FILL = { pending: "#fef3c7", between: "#e0f2fe", extra: "#fae8ff" } as const;
const HIGHLIGHT_STROKE = { pending: "#d97706", between: "#0284c7", extra: "#a21caf" } as const;

export const GraphNode = memo(function GraphNode(p: GraphNodeProps) {
  const { node, pos, rev } = p;
  const [x, y, , h] = pos;
  const hasError = p.problems?.some((q) => q.severity === "error") ?? false;
  const isMissing = node.kind === "missing";
  const fill = isMissing ? "#fef2f2" : p.highlight ? HIGHLIGHT_FILL[p.highlight] : node.kind === "segment" ? "#f5f5f4" : "#ffffff";
  const stroke = isMissing || hasError ? "#dc2626" : p.highlight ? HIGHLIGHT_STROKE[p.highlight] : p.isHead ? "#1c1917" : "#a8a29e";
  const label =
    node.kind === "segment"
      ? `${node.members.length} revisions collapsed, ${node.members[node.members.length - 1]} to ${node.members[0]}. Press Enter to expand.`
      : isMissing
        ? `Missing revision ${node.reference}${node.suggestion ? `, did you mean ${node.suggestion}` : ""}`
        : `Revision ${node.id}: ${rev?.message ?? ""}${p.isHead ? ", head" : ""}${p.envs?.length ? `, environments ${p.envs.join(", ")}` : ""}${p.problems?.length ? `, ${p.problems.length} problem(s)` : ""}${p.highlight ? `, highlighted (${p.highlight})` : ""}`;
  const common = {
    "data-node-id": node.id,
    "data-testid": "graph-node",
    "data-kind": node.kind,
    ...(p.highlight ? { "data-highlight": p.highlight } : {}),
    ...(p.searchHit ? { "data-search-hit": "true" } : {}),
    ...(p.selected ? { "data-selected": "true" } : {}),
  };
  const body = (
    <rect
      width={NODE_WIDTH}
      height={h}
      rx={node.kind === "segment" ? h / 2 : 6}
      fill={fill}
      stroke={p.searchHit ? "#7c3aed" : stroke}
      strokeWidth={p.selected || p.searchHit ? 3 : isMissing || hasError || p.isHead ? 2 : 1}
      strokeDasharray={isMissing ? "5 3" : node.kind === "segment" ? "3 3" : undefined}
    />
  );
  if (!p.detail) {
    return (
      <g
        transform={`translate(${x} ${y})`}
        {...common}
        {...(rev ? { "data-revision": rev.id, ...(p.isHead ? { "data-head": "true" } : {}) } : {})}
        tabIndex={p.tabIndex}
        role="button"
        aria-label={label}
        onFocus={p.onFocus}
        onClick={p.onActivate}
        onKeyDown={p.onKeyDown}
        className="cursor-pointer outline-none [&:focus-visible>rect:first-child]:stroke-sky-600"
      >
        {body}
        {(p.envs ?? []).map((name, i) => {
          const state = p.environments.find((e) => e.name === name)?.state ?? "unreachable";
          return (
            <g
              key={name}
              data-env={name}
              data-state={state}
              onClick={(e) => {
                e.stopPropagation();
                p.onToggleEnv(name);
              }}
            >
              <rect x={NODE_WIDTH + 4 + i * 34} y={h / 2 - 12} width={30} height={24} rx={12} fill={STATE_COLOR[state]} stroke={p.selectedEnvs.includes(name) ? "#0c4a6e" : "none"} strokeWidth={4} />
              <title>{`${name}: ${state} — click to select`}</title>
            </g>
          );
        })}
      </g>
    );
  }
  const markerOffsets = (p.envs ?? []).reduce<number[]>((acc, name, k) => [...acc, k === 0 ? NODE_WIDTH + 6 : acc[k - 1]! + markerWidth((p.envs ?? [])[k - 1]!) + 4], []);
  return (
    <g
      transform={`translate(${x} ${y})`}
      {...common}
      {...(rev ? { "data-revision": rev.id, ...(p.isHead ? { "data-head": "true" } : {}) } : {})}
      {...(isMissing ? { "data-missing": node.reference } : {})}
      tabIndex={p.tabIndex}
      role="button"
      aria-label={label}
      onFocus={p.onFocus}
      onClick={p.onActivate}
      onKeyDown={p.onKeyDown}
      className="cursor-pointer outline-none [&:focus-visible>rect:first-child]:stroke-sky-600 [&:focus-visible>rect:first-child]:[stroke-width:4]"
    >
      {body}
      {node.kind === "segment" ? (
        <text x={NODE_WIDTH / 2} y={h / 2 + 4} textAnchor="middle" className="fill-stone-700 text-[12px]">
          ⋯ {node.members.length} revisions ({shortId(node.members[node.members.length - 1]!, 8)} → {shortId(node.members[0]!, 8)}) · expand
        </text>
      ) : isMissing ? (
        <>
          <text x={8} y={18} className="fill-red-800 font-mono text-[12px] font-semibold">
            missing: {shortId(node.reference ?? "", 20)}
          </text>
          <text x={8} y={36} className="fill-red-800 text-[11px]">
            {node.suggestion ? `did you mean ${shortId(node.suggestion, 18)}?` : "no such revision"}
          </text>
        </>
      ) : rev ? (
        <>
          <text x={8} y={18} className="fill-stone-900 font-mono text-[12px] font-semibold">
            {shortId(rev.id, 16)}
          </text>
          <RevisionTags rev={rev} isHead={p.isHead} problems={p.problems} signOffs={p.signOffs} lint={p.lint} />
          <text x={8} y={36} className="fill-stone-600 text-[11px]">
            {truncate(rev.message || "(no message)", 34)}
          </text>
        </>
      ) : null}
      {(p.envs ?? []).map((name, k) => {
        const env = p.environments.find((e) => e.name === name);
        const w = markerWidth(name);
        const at = markerOffsets[k]!;
        const pressed = p.selectedEnvs.includes(name);
        return (
          <g
            key={name}
            transform={`translate(${at} ${h / 2 - 10})`}
            data-env={name}
            data-state={env?.state}
            onClick={(e) => {
              e.stopPropagation();
              p.onToggleEnv(name);
            }}
          >
            <rect width={w} height={20} rx={10} fill={STATE_COLOR[env?.state ?? "unreachable"]} stroke={pressed ? "#0c4a6e" : "none"} strokeWidth={pressed ? 3 : 0} />
            <text x={w / 2} y={14} textAnchor="middle" className="fill-white text-[11px] font-semibold">
              {truncate(name, 14)}
            </text>
            <title>{`${name}: ${env?.state ?? "unknown"} — click to select`}</title>
          </g>
        );
      })}
    </g>
  );
});
