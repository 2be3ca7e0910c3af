/**
 * Compares Cairn's graph engine with the oracle's answer for one directory and lists every
 * disagreement as a readable line (an empty list means Cairn equals Alembic).
 */
import type { MigrationScript, RevisionGraph } from "@/lib/graph/types";
import { isAppError } from "@/lib/errors";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";
import { downgradePath, upgradePath } from "@/lib/graph/migration-path";
import { formatHeadLine, formatHistoryLine } from "@/lib/graph/format-alembic-lines";
import { resolveRevisions } from "@/lib/graph/resolve-revisions";
import type { OracleAnswer, OracleOutcome, Query } from "@/tests/alembic-agreement/run-oracle";

export interface Comparison {
  graph: RevisionGraph;
  disagreements: string[];
  /** Alembic's order is itself hash-seed dependent here (a revision with 2+ normalized depends_on). */
  orderIsAmbiguous: boolean;
  compared: { queries: number; errorsMatched: number; pathsMatched: number };
}

/** Newest-first order in which every revision comes before everything it needs. */
function isTopological(graph: RevisionGraph, order: string[]): boolean {
  const pos = new Map(order.map((id, i) => [id, i]));
  return order.every((id) => {
    const n = graph.revisions.get(id);
    return [...(n?.parents ?? []), ...(n?.resolvedDependsOn ?? [])].every((p) => !pos.has(p) || pos.get(p)! > pos.get(id)!);
  });
}

const eq = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function alembicText(e: unknown): string {
  if (isAppError(e)) {
    const details = e.details as { alembicMessage?: string } | undefined;
    return details?.alembicMessage ?? e.message;
  }
  return `NOT AN AppError: ${String(e)}`;
}

function compareOutcome(
  label: string,
  oracle: OracleOutcome,
  run: () => { steps?: string[]; resultHeads?: string[]; ids?: string[]; versionTableError?: string },
  out: string[],
  counts: { errorsMatched: number; pathsMatched: number },
  ambiguousOrder: boolean,
) {
  let mine: ReturnType<typeof run> | undefined;
  let error: unknown;
  try {
    mine = run();
  } catch (e) {
    error = e;
  }
  if (oracle.error !== undefined) {
    if (error === undefined) {
      out.push(`${label}: Alembic fails (${oracle.type}: ${oracle.error}) but Cairn answered ${JSON.stringify(mine)}`);
      return;
    }
    // Alembic's CLI text is compared exactly for its own errors; an AssertionError/KeyError escaping
    // Alembic has no text to match, Cairn only has to refuse with a clear AppError.
    if (oracle.type === "CommandError" && alembicText(error) !== oracle.error) {
      out.push(`${label}: message differs\n    alembic: ${oracle.error}\n    cairn:   ${alembicText(error)}`);
    } else if (!isAppError(error)) {
      out.push(`${label}: Cairn threw a non-AppError: ${String(error)}`);
    } else counts.errorsMatched++;
    return;
  }
  if (error !== undefined) {
    out.push(`${label}: Cairn fails (${alembicText(error)}) but Alembic answered ${JSON.stringify(oracle)}`);
    return;
  }
  if (oracle.ids !== undefined) {
    const ids = oracle.ids.filter((x): x is string => typeof x === "string" && x !== "base");
    if (!eq(mine!.ids, ids)) out.push(`${label}: alembic ${JSON.stringify(ids)} cairn ${JSON.stringify(mine!.ids)}`);
    return;
  }
  const sameSteps = ambiguousOrder ? eq([...(mine!.steps ?? [])].sort(), [...(oracle.steps ?? [])].sort()) : eq(mine!.steps, oracle.steps);
  if (sameSteps) counts.pathsMatched++;
  if (!sameSteps) out.push(`${label}: steps\n    alembic ${JSON.stringify(oracle.steps)}\n    cairn   ${JSON.stringify(mine!.steps)}`);
  if (oracle.result_error !== undefined || mine!.versionTableError !== undefined) {
    if (oracle.result_error === undefined || mine!.versionTableError === undefined) {
      out.push(`${label}: version table bookkeeping: alembic ${oracle.result_error ?? "ok"}, cairn ${mine!.versionTableError ?? "ok"}`);
    }
  } else if (!eq([...(mine!.resultHeads ?? [])].sort(), oracle.result_heads)) {
    out.push(`${label}: version rows after\n    alembic ${JSON.stringify(oracle.result_heads)}\n    cairn   ${JSON.stringify(mine!.resultHeads)}`);
  }
}

export function compareWithOracle(scripts: MigrationScript[], oracle: OracleAnswer, queries: Query[]): Comparison {
  const out: string[] = [];
  const counts = { errorsMatched: 0, pathsMatched: 0 };
  if (oracle.error !== undefined) {
    // Alembic cannot load this directory: Cairn must not crash and must say why.
    let graph: RevisionGraph;
    try {
      graph = buildRevisionGraph(scripts);
    } catch (e) {
      return {
        graph: { revisions: new Map(), heads: [], bases: [], history: [], problems: [] },
        disagreements: [`buildRevisionGraph threw on input Alembic rejects (${oracle.error}): ${String(e)}`],
        orderIsAmbiguous: false,
        compared: { queries: 0, errorsMatched: 0, pathsMatched: 0 },
      };
    }
    if (!graph.problems.some((p) => p.severity === "error")) {
      out.push(`Alembic fails to load (${oracle.error}) but Cairn reports no error problem`);
    }
    return { graph, disagreements: out, orderIsAmbiguous: false, compared: { queries: 0, errorsMatched: 0, pathsMatched: 0 } };
  }

  // The scripts come straight from Cairn's reader, in the order it listed the directory: no help
  // from the oracle, so a wrong load order shows up as a disagreement here.
  const graph = buildRevisionGraph(scripts);
  const nodes = [...graph.revisions.values()];
  const ambiguous = nodes.some((n) => (n.normalizedDependsOn?.length ?? 0) > 1);
  if (graph.problems.some((p) => p.severity === "error" && p.code !== "multiple-heads" && p.code !== "revision-too-long")) {
    out.push(`Alembic loads it but Cairn reports ${graph.problems.map((p) => p.code).join(", ")}`);
  }
  if (!eq([...graph.revisions.keys()], oracle.load_order)) {
    out.push(`revision map (load) order differs:\n    alembic ${oracle.load_order.join(" ")}\n    cairn   ${[...graph.revisions.keys()].join(" ")}`);
  }
  if (!eq(graph.heads, oracle.heads)) out.push(`heads: alembic ${JSON.stringify(oracle.heads)} cairn ${JSON.stringify(graph.heads)}`);
  if (!eq(graph.realHeads, oracle.real_heads)) {
    out.push(`real heads: alembic ${JSON.stringify(oracle.real_heads)} cairn ${JSON.stringify(graph.realHeads)}`);
  }
  if (!eq(graph.bases, oracle.bases)) out.push(`bases: alembic ${JSON.stringify(oracle.bases)} cairn ${JSON.stringify(graph.bases)}`);
  const historyMatches = ambiguous ? eq([...graph.history].sort(), [...oracle.history].sort()) && isTopological(graph, graph.history) : eq(graph.history, oracle.history);
  if (!historyMatches) out.push(`history:\n    alembic ${oracle.history.join(" ")}\n    cairn   ${graph.history.join(" ")}`);
  // `alembic history` / `alembic heads` text, line for line. 2+ labels print as a Python set (hash
  // order), Cairn prints them sorted: normalise Alembic's side for those.
  const printed = (line: string, id: string | undefined): string => {
    const o = id === undefined ? undefined : oracle.revisions[id];
    if (!o || o.branch_labels.length < 2) return line;
    return line.replace(` (${o.branch_labels_printed})`, ` (${o.branch_labels.join(", ")})`);
  };
  const historyText = oracle.history_text.map((l, i) => printed(l, oracle.history[i]));
  const ourHistoryText = graph.history.map((id) => formatHistoryLine(graph.revisions.get(id)!));
  if (!(ambiguous ? eq([...ourHistoryText].sort(), [...historyText].sort()) : eq(ourHistoryText, historyText))) {
    const diff = historyText
      .map((l, i) => [l, ourHistoryText[i]])
      .filter(([a, b]) => a !== b)
      .slice(0, 3);
    out.push(`alembic history text differs, e.g.\n${diff.map(([a, b]) => `    alembic ${a}\n    cairn   ${b}`).join("\n")}`);
  }
  const headsText = oracle.heads_text.map((l, i) => printed(l, oracle.heads[i]));
  const ourHeadsText = graph.heads.map((id) => formatHeadLine(graph.revisions.get(id)!));
  if (!eq(ourHeadsText, headsText)) out.push(`alembic heads text:\n    alembic ${headsText.join(" | ")}\n    cairn   ${ourHeadsText.join(" | ")}`);
  for (const [id, o] of Object.entries(oracle.revisions)) {
    const n = graph.revisions.get(id);
    if (!n) {
      out.push(`revision ${id} missing in Cairn`);
      continue;
    }
    const mine = {
      down_revisions: n.parents,
      dependencies: [...new Set(n.resolvedDependsOn)].sort(),
      normalized_dependencies: [...(n.normalizedDependsOn ?? [])].sort(),
      branch_labels: n.effectiveBranchLabels,
      branch_labels_printed: o.branch_labels_printed,
      is_merge_point: n.isMergePoint,
      is_branch_point: n.isBranchPoint,
    };
    if (!eq(mine, o)) out.push(`revision ${id}:\n    alembic ${JSON.stringify(o)}\n    cairn   ${JSON.stringify(mine)}`);
  }

  queries.forEach((q, i) => {
    const answer = oracle.queries[i]!;
    if ("resolve" in q) {
      compareOutcome(`resolve '${q.resolve}'`, answer as OracleOutcome, () => ({ ids: resolveRevisions(graph, q.resolve) }), out, counts, ambiguous);
      return;
    }
    const both = answer as { upgrade: OracleOutcome; downgrade: OracleOutcome };
    const where = `[${q.current.join(",")}] → '${q.target}'`;
    compareOutcome(`upgrade ${where}`, both.upgrade, () => upgradePath(graph, q.current, q.target), out, counts, ambiguous);
    compareOutcome(`downgrade ${where}`, both.downgrade, () => downgradePath(graph, q.current, q.target), out, counts, ambiguous);
  });
  return { graph, disagreements: out, orderIsAmbiguous: ambiguous, compared: { queries: queries.length, ...counts } };
}
