/** Colours and words shared by the graph's canvas, legend, panel and list. Pure. */
import type { GraphEnvironment } from "@/lib/graph-view/graph-model";
import type { Landmark, LandmarkKind } from "@/lib/graph-view/landmarks";
import type { EnvironmentState } from "@/lib/targets/types";

export const STATE_COLOR: Record<EnvironmentState, string> = {
  current: "#15803d",
  behind: "#b45309",
  "unknown-revision": "#b91c1c",
  uninitialized: "#475569",
  empty: "#475569",
  unreachable: "#6b7280",
};

export const STATE_LABEL: Record<EnvironmentState, string> = {
  current: "current",
  behind: "behind",
  "unknown-revision": "unknown revision",
  uninitialized: "no version table",
  empty: "empty version table",
  unreachable: "unreachable",
};

/** A landmark's dot, by its first kind other than environment: heads black, missing revisions red, merges blue, branch points violet. */
const LANDMARK_DOT: Record<Exclude<LandmarkKind, "environment">, string> = { head: "#1c1917", missing: "#dc2626", merge: "#0369a1", branch: "#7c3aed" };

/**
 * The colour of a landmark's dot on the canvas's labels and in the minimap: its first environment's
 * state colour, otherwise by its kind. (Its environments come from the same list as `environments`,
 * so the first is always found; if it were not, the kind decides rather than no colour.)
 */
export function landmarkColour(l: Landmark, environments: readonly GraphEnvironment[]): string {
  const env = l.envs.length ? environments.find((e) => e.name === l.envs[0]) : undefined;
  return env ? STATE_COLOR[env.state] : LANDMARK_DOT[l.kinds.find((k): k is Exclude<LandmarkKind, "environment"> => k !== "environment") ?? "head"];
}

export function shortId(id: string, max = 14): string {
  return id.length <= max ? id : `${id.slice(0, max - 2)}…`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
