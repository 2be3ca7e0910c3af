import "server-only";
import { randomBytes } from "node:crypto";
import { AppError, isAppError } from "@/lib/errors";
import type { SchemaSnapshot } from "@/lib/drift/types";
import { readEnvironmentSnapshot } from "@/lib/drift-service/read-environment-snapshot";
import type { RevisionGraph } from "@/lib/graph/types";
import { describeSchemaChanges } from "@/lib/rehearsal/describe-schema-changes";
import { planRehearsal, type PlannedRehearsalStep } from "@/lib/rehearsal/plan-rehearsal-steps";
import { createScratchDatabase, type ScratchDatabase } from "@/lib/rehearsal/scratch-database";
import type { RehearsalDirection, RehearsalProgress, RehearsalResult, RehearsalStep } from "@/lib/rehearsal/types";
import path from "node:path";
import { readVersionTable } from "@/lib/targets/read-version-table";
import { findErrorLine } from "@/lib/runner/describe-run-failure";
import { argvForAudit, recordCommandRun, type CommandAudit } from "@/lib/runner/record-command-run";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { resolveRunnerPython } from "@/lib/runner/resolve-runner-python";
import { buildAlembicArgv, runAlembic } from "@/lib/runner/run-alembic";

/** Runs each step's Alembic and refuses any connection that is not the copy (lib/runner/python/cairn_rehearse.py). */
export const REHEARSAL_STEP_SCRIPT = path.join(process.cwd(), "lib", "runner", "python", "cairn_rehearse.py");

/** cairn_rehearse.py's exit code when env.py connected to anything but the copy. */
const EXIT_WRONG_DATABASE = 79;

export interface RehearsePathInput {
  /** Names the scratch copy (`cairn_rehearsal_<id>`); random when absent. */
  id?: string;
  /** The target's resolved URL: read, never written. */
  targetUrl: string;
  /** PostgreSQL server for the scratch copy (project `rehearsal.url`); default the target's own. */
  serverUrl?: string | null;
  /** The project's directory (alembic.ini's): Alembic runs there, relative SQLite paths resolve there. */
  projectDir: string;
  alembic: { command: string[]; configFile?: string; urlEnvVar?: string; xArgs?: string[] };
  versionTable: string;
  versionTableSchema?: string | null;
  graph: RevisionGraph;
  /** Where the target stands (its version table). */
  from: string[];
  direction: RehearsalDirection;
  /** The run's path, in execution order. */
  steps: string[];
  withData?: { maxBytes: number } | null;
  /** Per Alembic invocation; default 10 min. */
  stepTimeoutMs?: number;
  onProgress?: (p: RehearsalProgress) => void;
  /** Called once the scratch copy exists (tests use it to crash mid-rehearsal). */
  onScratch?: (scratch: { name: string; dialect: string }) => void;
  /** Each step's Alembic is audited as `command.run` (purpose rehearsal) before it starts. */
  audit?: Omit<CommandAudit, "purpose">;
}

function sameRevisions(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, n) => x === [...b].sort()[n]);
}

/** The headline when env.py connected elsewhere: cairn_rehearse.py's report line, in plain words. */
function wrongDatabaseMessage(output: string, urlEnvVar: string): string {
  const line = output.split("\n").find((l) => l.includes("CAIRN_WRONG_DATABASE "));
  let report: { connected?: string | null; expected?: string; reason?: string } = {};
  try {
    report = JSON.parse(line?.slice(line.indexOf("CAIRN_WRONG_DATABASE ") + "CAIRN_WRONG_DATABASE ".length) ?? "{}") as typeof report;
  } catch {
    // the report was cut off: the plain message below still says what happened
  }
  const where = report.connected ? `${report.connected}${report.reason ? ` (${report.reason})` : ""}` : `another database${report.reason ? ` (${report.reason})` : ""}`;
  return (
    `env.py connected to ${where} instead of the rehearsal copy${report.expected ? ` ${report.expected}` : ""}. ` +
    `Cairn stopped it before any statement of the migration ran. A rehearsal hands the copy's URL to env.py only in ${urlEnvVar}: make env.py read the URL from ${urlEnvVar} (not alembic.ini's sqlalchemy.url, another variable or -x), or set the project's urlEnvVar to the variable it reads.`
  );
}

/** The step runner's report of a statement that named the target's own database (MySQL), as the step's error; null for any other stop. */
function namedTargetMessage(output: string): string | null {
  const line = output.split("\n").find((l) => l.includes("CAIRN_WRONG_DATABASE "));
  let report: { event?: string; target?: string; statement?: string } = {};
  try {
    report = JSON.parse(line?.slice(line.indexOf("CAIRN_WRONG_DATABASE ") + "CAIRN_WRONG_DATABASE ".length) ?? "{}") as typeof report;
  } catch {
    return null;
  }
  if (report.event !== "names-target") return null;
  return (
    `The migration names the target's database ${report.target ?? ""} (${report.statement ?? "a statement"}): on the copy it would change the real database, so Cairn stopped it before that statement ran. ` +
    `Leave the database out (no schema= / USE / "${report.target ?? "db"}." qualifier): Alembic's connection already points at the right one.`
  );
}

function label(s: PlannedRehearsalStep, i: number, total: number): string {
  const verb = s.direction === "upgrade" ? "Applying" : "Reverting";
  const where = s.phase === "path" ? "on the copy" : s.phase === "back" ? "(round trip: back)" : "(round trip: again)";
  return `${verb} ${s.revision} (${i + 1} of ${total}) ${where}`;
}

/**
 * Rehearses a run on a throwaway copy of its target: copies the target (schema and version rows),
 * runs the path there with the project's real Alembic one migration at a time, then round-trips —
 * back to the starting revision(s), compared with the starting schema, and the path again, compared
 * with the first result. The copy is dropped afterwards, also on failure. Expected failures (a
 * migration that fails, an irreversible downgrade) are in the result; a copy that cannot be made throws.
 */
export async function rehearsePath(i: RehearsePathInput): Promise<RehearsalResult> {
  const plan = planRehearsal(i.graph, i.from, i.direction, i.steps);
  const steps: RehearsalStep[] = [];
  const progress = (stage: RehearsalProgress["stage"], text: string) => {
    try {
      i.onProgress?.({ stage, steps: [...steps], label: text });
    } catch {
      // a watcher's failure does not affect the rehearsal
    }
  };
  const redactTarget = createRedactor([i.targetUrl, ...(i.serverUrl ? [i.serverUrl] : [])]);
  progress("copying", "Copying the target's schema");
  const scratch: ScratchDatabase = await createScratchDatabase({
    id: i.id ?? randomBytes(8).toString("hex"),
    targetUrl: i.targetUrl,
    serverUrl: i.serverUrl,
    baseDir: i.projectDir,
    versionTable: i.versionTable,
    versionTableSchema: i.versionTableSchema,
    withData: i.withData ?? null,
  });
  try {
    i.onScratch?.({ name: scratch.name, dialect: scratch.dialect });
    // MySQL: the copy is of the URL's own database (another one is refused when the copy is made), so its version table is the copy's own; naming the target's would reach the real one.
    const versionTableSchema = scratch.dialect === "mysql" ? null : i.versionTableSchema;
    // The copy must start where the plan did: the environment may have moved between planning and copying.
    const copied = await readVersionTable({ url: scratch.url, baseDir: i.projectDir, versionTable: i.versionTable, versionTableSchema, timeoutMs: 10_000 });
    if (!copied.ok || !sameRevisions(copied.revisions, i.from)) {
      const stands = copied.ok ? copied.revisions.join(", ") || "base (no revision)" : `unreadable (${copied.message})`;
      throw new AppError(
        "conflict",
        "rehearsal: copy not at plan's from",
        `The copy of the target stands at ${stands}, but the rehearsal was planned from ${i.from.join(", ") || "base"}: the environment moved between planning and copying. Nothing was run; rehearse again.`,
      );
    }
    const python = resolveRunnerPython(i.alembic.command, i.projectDir);
    const stepCommand = [
      ...python,
      REHEARSAL_STEP_SCRIPT,
      "--dialect",
      scratch.dialect,
      "--expect",
      scratch.name,
      ...(scratch.server ? ["--server", scratch.server] : []),
      ...(scratch.targetDatabase ? ["--target-database", scratch.targetDatabase] : []),
      "--",
    ];
    const snapshot = async (): Promise<SchemaSnapshot | string> => {
      const r = await readEnvironmentSnapshot({ url: scratch.url, baseDir: i.projectDir, versionTable: i.versionTable, versionTableSchema, timeoutMs: 10_000 });
      return r.ok ? r.snapshot : r.message;
    };
    const runStep = async (s: PlannedRehearsalStep, index: number, total: number): Promise<boolean> => {
      progress(s.phase, label(s, index, total));
      const started = Date.now();
      let output = "";
      let ok = false;
      let error: string | undefined;
      try {
        const alembicArgs = { configFile: i.alembic.configFile, xArgs: i.alembic.xArgs, versionTable: i.versionTable, versionTableSchema, args: [s.direction, s.alembicTarget] };
        // The project's own command line as audited; it runs through the step runner, which refuses any database but the copy.
        if (i.audit) await recordCommandRun({ ...i.audit, purpose: "rehearsal" }, argvForAudit(buildAlembicArgv({ ...alembicArgs, command: i.alembic.command }), redactTarget));
        const r = await runAlembic({
          command: stepCommand,
          cwd: i.projectDir,
          configFile: i.alembic.configFile,
          urlEnvVar: i.alembic.urlEnvVar,
          xArgs: i.alembic.xArgs,
          versionTable: i.versionTable,
          versionTableSchema,
          databaseUrl: scratch.url,
          extraSecrets: [i.targetUrl, ...(i.serverUrl ? [i.serverUrl] : [])],
          args: [s.direction, s.alembicTarget],
          timeoutMs: i.stepTimeoutMs ?? 600_000,
        });
        const namedTarget = r.exitCode === EXIT_WRONG_DATABASE ? namedTargetMessage(r.output) : null;
        if (namedTarget) throw new AppError("validation", "rehearsal: statement named the target", namedTarget);
        if (r.exitCode === EXIT_WRONG_DATABASE) {
          throw new AppError("conflict", "rehearsal: env.py connected elsewhere", redactTarget(wrongDatabaseMessage(r.output, i.alembic.urlEnvVar || "DATABASE_URL")));
        }
        output = r.output;
        ok = r.exitCode === 0 && !r.timedOut && !r.aborted;
        if (!ok) {
          error = r.timedOut ? `did not finish within ${Math.round((i.stepTimeoutMs ?? 600_000) / 1000)} s` : (findErrorLine(r.output.split("\n")) ?? `Alembic exited with ${r.exitCode ?? r.signal}`);
        }
      } catch (e) {
        if (isAppError(e) && e.code === "conflict") throw e;
        error = isAppError(e) ? e.userMessage : "Alembic could not be started";
      }
      steps.push({ revision: s.revision, direction: s.direction, phase: s.phase, ok, ms: Date.now() - started, ...(error ? { error: redactTarget(error) } : {}), log: redactTarget(output) });
      return ok;
    };
    const runPhase = async (phase: PlannedRehearsalStep[]): Promise<boolean> => {
      for (const [n, s] of phase.entries()) if (!(await runStep(s, n, phase.length))) return false;
      return true;
    };

    const before = await snapshot();
    const pathOk = await runPhase(plan.path);
    const roundTrip = { checked: false, reversible: false, differences: [] as string[] };
    let unchecked: string | null = pathOk ? null : "the path failed";
    // A round-trip step that fails means the path cannot be undone (or redone) as written: irreversible, not a failed path.
    const stepFailure = (phase: "back" | "again") => {
      const f = steps.find((s) => s.phase === phase && !s.ok);
      if (!f) return;
      roundTrip.checked = true;
      roundTrip.differences.push(
        phase === "back"
          ? `${f.revision} could not be ${f.direction === "downgrade" ? "reverted" : "re-applied"}${f.error ? `: ${f.error}` : ""}`
          : `${f.revision} failed to ${f.direction === "upgrade" ? "apply" : "revert"} again after the round trip${f.error ? `: ${f.error}` : ""}`,
      );
    };
    if (pathOk && plan.path.length > 0) {
      const first = await snapshot();
      const backWhen = i.direction === "upgrade" ? "after downgrade" : "after upgrading back";
      const againWhen = i.direction === "upgrade" ? "after upgrading again" : "after downgrading again";
      const unreadable = (...xs: Array<SchemaSnapshot | string>) => xs.find((x): x is string => typeof x === "string");
      if (!(await runPhase(plan.back))) stepFailure("back");
      else {
        // Compared before the path runs again: a downgrade that leaves the schema different often makes the repeat fail.
        const back = await snapshot();
        const bad = unreadable(before, first, back);
        if (bad) unchecked = `a schema could not be read (${bad})`;
        else {
          roundTrip.checked = true;
          roundTrip.differences.push(...describeSchemaChanges(before as SchemaSnapshot, back as SchemaSnapshot, backWhen));
          if (await runPhase(plan.again)) {
            progress("comparing", "Comparing schemas");
            const again = await snapshot();
            if (typeof again === "string") {
              roundTrip.checked = false;
              unchecked = `a schema could not be read (${again})`;
            } else roundTrip.differences.push(...describeSchemaChanges(first as SchemaSnapshot, again, againWhen));
          } else if (roundTrip.differences.length === 0) stepFailure("again"); // otherwise the difference already says why the repeat failed
        }
      }
      roundTrip.reversible = roundTrip.checked && roundTrip.differences.length === 0;
    } else if (pathOk) unchecked = "there is nothing to run";

    const failed = steps.find((s) => s.phase === "path" && !s.ok);
    const ok = !failed && roundTrip.checked && roundTrip.reversible;
    const n = plan.path.length;
    const irreversible = roundTrip.checked && roundTrip.differences.length > 0 ? `the round trip is not reversible: ${roundTrip.differences.join("; ")}` : null;
    const headline = failed
      ? `migration ${failed.revision} failed ${failed.direction === "upgrade" ? "to apply" : "to revert"} on the copy${failed.error ? `: ${failed.error}` : "."}`
      : !roundTrip.checked
        ? `All ${n} migration${n === 1 ? "" : "s"} passed on the copy; the round trip was not checked (${unchecked}).`
        : roundTrip.reversible
          ? `All ${n} migration${n === 1 ? "" : "s"} passed on the copy, and the round trip restored the schema exactly.`
          : `All ${n} migration${n === 1 ? "" : "s"} passed on the copy, but ${irreversible}.`;
    progress("done", headline);
    return { ok: ok || (!failed && n === 0), from: [...i.from], to: plan.to, direction: i.direction, steps, roundTrip, headline };
  } finally {
    // A copy that will not go away must not replace the rehearsal's own result: the start-up sweep drops leftovers.
    await scratch
      .drop()
      .catch((e: unknown) => console.error(`rehearsal: could not drop the scratch copy ${scratch.name}; the start-up sweep will`, isAppError(e) ? e.userMessage : e instanceof Error ? redactTarget(e.message) : e));
  }
}
