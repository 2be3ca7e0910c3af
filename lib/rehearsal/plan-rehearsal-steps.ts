/**
 * The rehearsal's steps: the run's path cut into one Alembic invocation per migration, so a
 * failure is attributed to its migration, and the round trip's return and repeat. Each step's
 * Alembic target is checked against the graph (Cairn's model of Alembic's own planner): the
 * target must make Alembic run exactly that one migration. Pure.
 */
import { AppError } from "@/lib/errors";
import { downgradePath, upgradePath } from "@/lib/graph/migration-path";
import type { RevisionGraph } from "@/lib/graph/types";
import type { RehearsalDirection, RehearsalPhase } from "@/lib/rehearsal/types";

export interface PlannedRehearsalStep {
  revision: string;
  direction: RehearsalDirection;
  phase: RehearsalPhase;
  /** What Alembic is told: `alembic <direction> <alembicTarget>`. */
  alembicTarget: string;
  /** The version table afterwards. */
  headsAfter: string[];
}

function onlyStep(steps: readonly string[], revision: string): boolean {
  return steps.length === 1 && steps[0] === revision;
}

/** One phase: `revisions` applied (upgrade) or reverted (downgrade) in the given order, starting from `from`. */
export function planPhase(graph: RevisionGraph, from: readonly string[], direction: RehearsalDirection, revisions: readonly string[], phase: RehearsalPhase): PlannedRehearsalStep[] {
  const out: PlannedRehearsalStep[] = [];
  let heads = [...from];
  for (const revision of revisions) {
    const node = graph.revisions.get(revision);
    const candidates = direction === "upgrade" ? [revision] : [...(node?.parents ?? node?.downRevisions ?? []), ...((node?.parents ?? node?.downRevisions ?? []).length === 0 ? ["base"] : []), `${revision}@-1`];
    let chosen: { target: string; heads: string[] } | null = null;
    for (const target of candidates) {
      try {
        const p = direction === "upgrade" ? upgradePath(graph, heads, target) : downgradePath(graph, heads, target);
        if (onlyStep(p.steps, revision)) {
          chosen = { target, heads: p.resultHeads };
          break;
        }
      } catch {
        // not a target Alembic accepts from here; try the next
      }
    }
    if (!chosen) {
      throw new AppError(
        "bad-request",
        `no one-step ${direction} target for ${revision} from ${heads.join(",") || "base"}`,
        `Cairn cannot ${direction === "upgrade" ? "apply" : "revert"} ${revision} on its own from ${heads.join(", ") || "base"} (no Alembic target runs exactly that migration), so it cannot rehearse this path one migration at a time.`,
      );
    }
    out.push({ revision, direction, phase, alembicTarget: chosen.target, headsAfter: chosen.heads });
    heads = chosen.heads;
  }
  return out;
}

export interface RehearsalPlan {
  path: PlannedRehearsalStep[];
  /** Back to where the target stood: the path reverted in reverse order. */
  back: PlannedRehearsalStep[];
  /** The path again, from there. */
  again: PlannedRehearsalStep[];
  /** The version table after the path. */
  to: string[];
}

/** The whole rehearsal for a run from `from` along `steps` (in execution order). */
export function planRehearsal(graph: RevisionGraph, from: readonly string[], direction: RehearsalDirection, steps: readonly string[]): RehearsalPlan {
  const path = planPhase(graph, from, direction, steps, "path");
  const to = path.at(-1)?.headsAfter ?? [...from];
  const reverse: RehearsalDirection = direction === "upgrade" ? "downgrade" : "upgrade";
  const back = planPhase(graph, to, reverse, [...steps].reverse(), "back");
  const again = planPhase(graph, back.at(-1)?.headsAfter ?? [...from], direction, steps, "again");
  return { path, back, again, to };
}
