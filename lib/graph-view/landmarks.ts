/**
 * What stays labelled when the graph is zoomed out: heads, merges, branch points, environment
 * markers and missing revisions ("landmarks"), and which of their labels fit on screen at a zoom
 * without overlapping. Environment markers and heads are always labelled; merges, branch points
 * and missing revisions give way where labels would collide. Pure.
 */
import type { GraphRevision, ModelNode } from "@/lib/graph-view/graph-model";

export type LandmarkKind = "environment" | "head" | "missing" | "merge" | "branch";

export interface Landmark {
  /** The view node it labels. */
  id: string;
  kinds: LandmarkKind[];
  /** Environments at this revision, in promotion order. */
  envs: string[];
  text: string;
  /** Lower is more important; 0 and 1 (environments, heads) are never dropped. */
  priority: number;
}

const PRIORITY: Record<LandmarkKind, number> = { environment: 0, head: 1, missing: 2, merge: 3, branch: 4 };
const WORD: Record<LandmarkKind, string> = { environment: "", head: "head", missing: "missing", merge: "merge", branch: "branch point" };

/** The landmarks among the drawn nodes, in node order. */
export function landmarksOf(nodes: readonly ModelNode[], revisions: ReadonlyMap<string, GraphRevision>, markers: ReadonlyMap<string, string[]>, heads: ReadonlySet<string>): Landmark[] {
  const out: Landmark[] = [];
  for (const n of nodes) {
    if (n.kind === "segment") continue;
    if (n.kind === "missing") {
      out.push({ id: n.id, kinds: ["missing"], envs: [], text: `missing ${short(n.reference ?? "")}`, priority: PRIORITY.missing });
      continue;
    }
    const rev = revisions.get(n.id);
    const envs = markers.get(n.id) ?? [];
    const kinds: LandmarkKind[] = [];
    if (envs.length) kinds.push("environment");
    if (heads.has(n.id) || rev?.isHead) kinds.push("head");
    if (rev?.isMergePoint) kinds.push("merge");
    if (rev?.isBranchPoint) kinds.push("branch");
    if (kinds.length === 0) continue;
    const words = kinds.map((k) => WORD[k]).filter(Boolean);
    const text = [short(n.id), ...(rev?.branchLabels.length ? [`(${rev.branchLabels.join(", ")})`] : []), ...words, ...(envs.length ? [envs.join(", ")] : [])].join(" · ");
    out.push({ id: n.id, kinds, envs, text, priority: Math.min(...kinds.map((k) => PRIORITY[k])) });
  }
  return out;
}

function short(id: string): string {
  return id.length <= 12 ? id : `${id.slice(0, 11)}…`;
}

/** Labels beside one column of nodes go in up to this many slots side by side. */
export const LABEL_SLOTS = 3;

/**
 * The landmarks whose labels to draw at zoom `k`, each with its slot (0: right beside its node, 1
 * and 2: one and two label widths further right). A label is `lineHeight` screen pixels tall;
 * going by priority, each takes the first slot of its column where it overlaps no label already
 * placed, and is dropped when there is none — except environments and heads, which always stay.
 */
export function placeLabels(landmarks: readonly Landmark[], pos: Readonly<Record<string, [number, number, number, number]>>, k: number, lineHeight = 16): (Landmark & { slot: number })[] {
  const h = lineHeight / k;
  const taken = new Map<string, [number, number][]>(); // "column x/slot" → occupied [top, bottom] in graph units
  const placed: (Landmark & { slot: number })[] = [];
  const order = [...landmarks].sort((a, b) => a.priority - b.priority);
  for (const l of order) {
    const p = pos[l.id];
    if (!p) continue;
    const mid = p[1] + p[3] / 2;
    const span: [number, number] = [mid - h / 2, mid + h / 2];
    const free = (slot: number) => !(taken.get(`${p[0]}/${slot}`) ?? []).some(([a, b]) => span[0] < b && a < span[1]);
    let slot = 0;
    while (slot < LABEL_SLOTS && !free(slot)) slot++;
    if (slot === LABEL_SLOTS) {
      if (l.priority > PRIORITY.head) continue;
      slot = 0;
    }
    const key = `${p[0]}/${slot}`;
    taken.set(key, [...(taken.get(key) ?? []), span]);
    placed.push({ ...l, slot });
  }
  return placed;
}
