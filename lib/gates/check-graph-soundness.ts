import type { Problem } from "@/lib/alembic/types";
import { listOf } from "@/lib/gates/revision-ancestry";
import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Migration graph";

/** Every revision id a problem names: its own, and any in its data (heads, cycle members, duplicates). */
function revisionsOf(p: Problem): string[] {
  const out = p.revision ? [p.revision] : [];
  for (const v of Object.values(p.data ?? {})) {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === "string"));
  }
  return out;
}

function describe(p: Problem): string {
  return `${p.code}${p.revision ? ` (${p.revision})` : ""}: ${p.message}`;
}

/** Refuses when an error-level problem touches the path being applied; elsewhere it only warns. */
export function checkGraphSoundness(f: GateFacts): GateResult {
  const onPath = new Set([...f.path.steps, ...f.path.resultHeads, f.target]);
  // Over-long ids are judged by the version-width gate against the environment's real column.
  const errors = f.graph.problems.filter((p) => p.severity === "error" && p.code !== "revision-too-long");
  const blocking = errors.filter((p) => revisionsOf(p).some((r) => onPath.has(r)));
  const elsewhere = errors.filter((p) => !blocking.includes(p));
  if (blocking.length) {
    return {
      id: "graph-soundness",
      label: LABEL,
      verdict: "block",
      reason: `The migration graph has ${blocking.length} error${blocking.length > 1 ? "s" : ""} on the path of this run — ${blocking.map(describe).join(" ")}`,
      unblock: "Fix these migration files (each message says where and how), commit, and request the run again.",
      details: { problems: blocking.map((p) => ({ code: p.code, revision: p.revision, path: p.path, line: p.line })) },
    };
  }
  if (elsewhere.length) {
    const codes = [...new Set(elsewhere.map((p) => p.code))];
    return {
      id: "graph-soundness",
      label: LABEL,
      verdict: "warn",
      reason: `The graph has ${elsewhere.length} error-level problem${elsewhere.length > 1 ? "s" : ""} (${listOf(codes)}) outside this run's path; this run is not affected.`,
      details: { problems: elsewhere.map((p) => ({ code: p.code, revision: p.revision })) },
    };
  }
  return { id: "graph-soundness", label: LABEL, verdict: "pass", reason: "No error-level problems in the migration graph." };
}
