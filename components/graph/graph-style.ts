/** Colours and words shared by the graph's canvas, legend, panel and list. Pure. */
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

export function shortId(id: string, max = 14): string {
  return id.length <= max ? id : `${id.slice(0, max - 2)}…`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
