// cairn graph — read a project's migrations statically and print heads, bases, problems and history.
import fs from "node:fs";
import path from "node:path";
import type { ConstantsTable } from "@/lib/alembic/read-migration-file";
import { readProjectGraph } from "@/lib/alembic/read-project-graph";
import type { Problem } from "@/lib/alembic/types";
import { formatAlembicHeads, formatAlembicHistory } from "@/lib/graph/format-alembic-lines";
import type { RevisionGraph } from "@/lib/graph/types";
import { isAppError } from "@/lib/errors";

const USAGE = `Usage: cairn graph [PATH] [--json] [--constants FILE]

Reads an Alembic project without running Python and shows its revision graph.
  PATH             an alembic.ini, a pyproject.toml, a directory holding one, or a
                   versions directory (default: the current directory)
  --json           print {"revisions","heads","bases","history","problems"} as JSON
  --constants FILE a JSON object giving values for non-literal names in migrations,
                   e.g. {"cli.EXPAND_BRANCH": "expand", "DEPS": ["a1", "b2"], "X": null}

Exit status: 0 sound; 1 the project has error-level problems; 2 bad usage or unreadable PATH.
`;

interface Io {
  stdout: (t: string) => void;
  stderr: (t: string) => void;
}

const defaultIo: Io = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };

function usageError(io: Io, message: string): number {
  io.stderr(`cairn graph: ${message}\n\n${USAGE}`);
  return 2;
}

/** Validates a constants file: an object whose values are a string, a list of strings or null. */
function readConstants(file: string): ConstantsTable | string {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return `cannot read the constants file ${path.resolve(file)}: ${(e as Error).message.split("\n")[0]}`;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return `${path.resolve(file)} must hold a JSON object such as {"cli.EXPAND_BRANCH": "expand"}`;
  }
  for (const [k, v] of Object.entries(data)) {
    const ok = v === null || typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string"));
    if (!ok) return `${path.resolve(file)}: the value of "${k}" must be a string, a list of strings or null`;
  }
  return data as ConstantsTable;
}

function problemJson(p: Problem): Record<string, unknown> {
  const o: Record<string, unknown> = { code: p.code, severity: p.severity };
  if (p.revision !== undefined) o.revision = p.revision;
  if (p.path !== undefined) o.path = p.path;
  if (p.line !== undefined) o.line = p.line;
  o.message = p.message;
  return o;
}

function toJson(graph: RevisionGraph): string {
  const revisions: unknown[] = [];
  for (const n of graph.revisions.values()) {
    revisions.push({ revision: n.revision, downRevisions: n.downRevisions, branchLabels: n.branchLabels, dependsOn: n.dependsOn, path: n.path, message: n.message });
  }
  // Compact and built once: for 5,000 revisions indentation alone would add a third to the output.
  return JSON.stringify({ revisions, heads: graph.heads, bases: graph.bases, history: graph.history, problems: graph.problems.map(problemJson) }) + "\n";
}

/**
 * The human report. The heads block and the history block are exactly what `alembic heads` and
 * `alembic history` print for the same project (same order, same markers), so they can be diffed.
 */
function toText(graph: RevisionGraph, where: string, files: number): string {
  const out: string[] = [];
  out.push(`Project: ${where} (${graph.revisions.size} revisions from ${files} files)`);
  out.push(`Bases (${graph.bases.length}): ${graph.bases.join(", ") || "none"}`);
  if (graph.problems.length === 0) out.push("Problems: none");
  else {
    out.push(`Problems (${graph.problems.length}):`);
    for (const p of graph.problems) out.push(`  ${p.severity.padEnd(7)} ${p.code}: ${p.message}`);
  }
  out.push("", `Heads (${graph.heads.length}):`);
  return out.join("\n") + "\n" + formatAlembicHeads(graph) + "\nHistory:\n" + formatAlembicHistory(graph);
}

/** Entry point for `cairn graph`; returns the exit code. */
export async function run(argv: string[], io: Io = defaultIo): Promise<number> {
  let target: string | undefined;
  let json = false;
  let constantsFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") {
      io.stdout(USAGE);
      return 0;
    } else if (a === "--json") json = true;
    else if (a === "--constants" || a.startsWith("--constants=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (!v) return usageError(io, "--constants needs a file path");
      constantsFile = v;
    } else if (a.startsWith("-")) return usageError(io, `unknown option "${a}"`);
    else if (target === undefined) target = a;
    else return usageError(io, `only one PATH is accepted, got "${target}" and "${a}"`);
  }
  let constants: ConstantsTable | undefined;
  if (constantsFile !== undefined) {
    const c = readConstants(constantsFile);
    if (typeof c === "string") return usageError(io, c);
    constants = c;
  }
  const resolved = path.resolve(target ?? ".");
  try {
    const { project, graph } = readProjectGraph(resolved, constants ? { constants } : {});
    io.stdout(json ? toJson(graph) : toText(graph, project.location.configFile ?? project.location.rootDir, project.stats.files));
    return graph.problems.some((p) => p.severity === "error") ? 1 : 0;
  } catch (e) {
    if (isAppError(e)) {
      io.stderr(`cairn graph: ${e.userMessage}\n`);
      return 2;
    }
    throw e;
  }
}
