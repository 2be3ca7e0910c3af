import type { Problem } from "@/lib/graph/types";
import { listOf } from "@/lib/gates/revision-ancestry";
import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Migration graph";

/**
 * Error-level problems stop every run of the project, wherever they are in the graph: Alembic
 * builds its whole revision map before any command (`upgrade`, `downgrade`, `current`, `--sql`), so
 * one of them anywhere fails them all. Each code was tried against real Alembic 1.8.1:
 *
 * - Alembic fails to load the script directory: dangling down_revision / depends_on (KeyError),
 *   cycles and self-loops (CycleDetected, DependencyCycleDetected, LoopDetected), a branch label used
 *   twice or equal to a revision id, '@', '-' or '+' in an id (RevisionError), a Python syntax error
 *   (SyntaxError on import), no `revision` and no hex file name (CommandError), no `down_revision`
 *   (AttributeError), a non-string revision, down_revision, depends_on entry or branch label
 *   (TypeError/KeyError), an empty id in a down_revision tuple (KeyError ''), a missing default
 *   versions/ directory or an unreadable one, an unreadable file.
 * - Alembic loads, but not a graph Cairn can vouch for: a value Cairn cannot evaluate without
 *   running the file (non-literal; configure `constants`), a revision id that is empty or blank
 *   (Cairn skips the file Alembic keeps), a listing Cairn stopped (too many files, too deep), and a
 *   revision id present twice — Alembic only warns and keeps whichever file os.listdir() returns
 *   last, silently never running the other one.
 *
 * An error code not known here is treated the same (refusing is the safe side) until shown otherwise.
 */
/** Alembic loads the project with these; they refuse only a run whose path they touch. */
const PATH_LOCAL = new Set([
  // Only `alembic upgrade head` fails; Cairn's runs name a revision or "heads".
  "multiple-heads",
]);

/** Judged by the version-width gate against the environment's real version_num column. */
const JUDGED_ELSEWHERE = new Set(["revision-too-long"]);

/** Every revision id a problem names: its own, and any in its data (heads, cycle members, duplicates). */
function revisionsOf(p: Problem): string[] {
  const out = p.revision ? [p.revision] : [];
  for (const v of Object.values(p.data ?? {})) {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === "string"));
  }
  return out;
}

/**
 * `file` relative to `root` (both absolute, "/"-separated), so messages never show where the server
 * keeps the project. Without a root, only the file name.
 */
export function relativePath(file: string, root: string | undefined): string {
  if (!root) return file.slice(file.lastIndexOf("/") + 1);
  const from = root.replace(/\/+$/, "").split("/");
  const to = file.split("/");
  let i = 0;
  while (i < from.length && i < to.length && from[i] === to[i]) i++;
  return [...from.slice(i).map(() => ".."), ...to.slice(i)].join("/") || ".";
}

/** The problem's text with every absolute path under the project root made relative. */
function relativeText(text: string, root: string | undefined): string {
  if (!root) return text;
  const prefix = `${root.replace(/\/+$/, "")}/`;
  return text.split(prefix).join("");
}

interface Shown {
  code: string;
  revision?: string;
  path?: string;
  line?: number;
  message: string;
}

function show(p: Problem, root: string | undefined): Shown {
  const file = p.path ? relativePath(p.path, root) : undefined;
  const where = file ? `${file}${p.line ? `:${p.line}` : ""}` : undefined;
  let message = relativeText(p.message, root);
  // Reader problems already start with "file:line: "; say where once.
  if (where && message.startsWith(`${where}: `)) message = message.slice(where.length + 2);
  else if (file && message.startsWith(`${file}: `)) message = message.slice(file.length + 2);
  return { code: p.code, revision: p.revision, path: file, line: p.line, message: where ? `${where} — ${message}` : message };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Refuses every run while the project holds a problem that stops Alembic from loading its migrations
 * (or leaves Cairn unable to know what it loads), naming file, line and fix. Other error-level
 * problems refuse a run whose path they touch and are a warning elsewhere. Warnings pass.
 */
export function checkGraphSoundness(f: GateFacts): GateResult {
  const root = f.projectRoot;
  const errors = f.graph.problems.filter((p) => p.severity === "error" && !JUDGED_ELSEWHERE.has(p.code));
  const everyRun = errors.filter((p) => !PATH_LOCAL.has(p.code));
  if (everyRun.length) {
    const shown = everyRun.map((p) => show(p, root));
    return {
      id: "graph-soundness",
      label: LABEL,
      verdict: "block",
      reason: `Alembic cannot load this project's migrations as they are, so every run fails before migrating anything — this one too, whatever its path. ${plural(shown.length, "problem")}: ${shown.map((s) => s.message).join(" ")}`,
      unblock: "Fix these migration files as each message says, deploy the fix where Cairn reads the project, and plan the run again.",
      details: { scope: "project", problems: shown },
    };
  }

  const onPath = new Set([...f.path.steps, ...f.path.resultHeads, f.target]);
  // Only path-local errors are left here.
  const blocking = errors.filter((p) => revisionsOf(p).some((r) => onPath.has(r)));
  const elsewhere = errors.filter((p) => !blocking.includes(p));
  if (blocking.length) {
    const shown = blocking.map((p) => show(p, root));
    return {
      id: "graph-soundness",
      label: LABEL,
      verdict: "block",
      reason: `The migration graph has ${plural(shown.length, "error")} on the path of this run — ${shown.map((s) => `${s.code}${s.revision ? ` (${s.revision})` : ""}: ${s.message}`).join(" ")}`,
      unblock: "Fix these migration files (each message says where and how), commit, and request the run again.",
      details: { scope: "path", problems: shown },
    };
  }
  if (elsewhere.length) {
    const codes = [...new Set(elsewhere.map((p) => p.code))];
    return {
      id: "graph-soundness",
      label: LABEL,
      verdict: "warn",
      reason: `The graph has ${elsewhere.length} error-level problem${elsewhere.length > 1 ? "s" : ""} (${listOf(codes)}) outside this run's path. Alembic still loads the project, so this run is not affected.`,
      details: { scope: "elsewhere", problems: elsewhere.map((p) => show(p, root)) },
    };
  }
  return { id: "graph-soundness", label: LABEL, verdict: "pass", reason: "No error-level problems in the migration graph." };
}
