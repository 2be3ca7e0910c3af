import "server-only";
import { randomBytes } from "node:crypto";
import { isAppError } from "@/lib/errors";
import type { SchemaSnapshot } from "@/lib/drift/types";
import { readEnvironmentSnapshot } from "@/lib/drift-service/read-environment-snapshot";
import type { RevisionGraph } from "@/lib/graph/types";
import { describeSchemaChanges } from "@/lib/rehearsal/describe-schema-changes";
import { planRehearsal, type PlannedRehearsalStep } from "@/lib/rehearsal/plan-rehearsal-steps";
import { createScratchDatabase, type ScratchDatabase } from "@/lib/rehearsal/scratch-database";
import type { RehearsalDirection, RehearsalProgress, RehearsalResult, RehearsalStep } from "@/lib/rehearsal/types";
import { findErrorLine } from "@/lib/runner/describe-run-failure";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { runAlembic } from "@/lib/runner/run-alembic";

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
    const snapshot = async (): Promise<SchemaSnapshot | string> => {
      const r = await readEnvironmentSnapshot({ url: scratch.url, baseDir: i.projectDir, versionTable: i.versionTable, versionTableSchema: i.versionTableSchema, timeoutMs: 10_000 });
      return r.ok ? r.snapshot : r.message;
    };
    const runStep = async (s: PlannedRehearsalStep, index: number, total: number): Promise<boolean> => {
      progress(s.phase, label(s, index, total));
      const started = Date.now();
      let output = "";
      let ok = false;
      let error: string | undefined;
      try {
        const r = await runAlembic({
          command: i.alembic.command,
          cwd: i.projectDir,
          configFile: i.alembic.configFile,
          urlEnvVar: i.alembic.urlEnvVar,
          xArgs: i.alembic.xArgs,
          versionTable: i.versionTable,
          versionTableSchema: i.versionTableSchema,
          databaseUrl: scratch.url,
          extraSecrets: [i.targetUrl, ...(i.serverUrl ? [i.serverUrl] : [])],
          args: [s.direction, s.alembicTarget],
          timeoutMs: i.stepTimeoutMs ?? 600_000,
        });
        output = r.output;
        ok = r.exitCode === 0 && !r.timedOut && !r.aborted;
        if (!ok) {
          error = r.timedOut
            ? `did not finish within ${Math.round((i.stepTimeoutMs ?? 600_000) / 1000)} s`
            : (findErrorLine(r.output.split("\n")) ?? `Alembic exited with ${r.exitCode ?? r.signal}`);
        }
      } catch (e) {
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
    if (pathOk && plan.path.length > 0) {
      const first = await snapshot();
      const backWhen = i.direction === "upgrade" ? "after downgrade" : "after upgrading back";
      const againWhen = i.direction === "upgrade" ? "after upgrading again" : "after downgrading again";
      const unreadable = (...xs: Array<SchemaSnapshot | string>) => xs.find((x): x is string => typeof x === "string");
      if (!(await runPhase(plan.back))) unchecked = `the round trip's ${i.direction === "upgrade" ? "downgrade" : "upgrade"} failed`;
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
          }
          roundTrip.reversible = roundTrip.checked && roundTrip.differences.length === 0 && steps.every((s) => s.ok);
        }
      }
    } else if (pathOk) unchecked = "there is nothing to run";

    const failed = steps.find((s) => !s.ok);
    const stepsOk = !failed;
    const ok = stepsOk && roundTrip.checked && roundTrip.reversible;
    const n = plan.path.length;
    const irreversible = roundTrip.checked && roundTrip.differences.length > 0 ? `the round trip is not reversible: ${roundTrip.differences.join("; ")}` : null;
    const headline = failed
      ? `${failed.phase === "path" ? "" : "Round trip: "}migration ${failed.revision} failed ${failed.direction === "upgrade" ? "to apply" : "to revert"} on the copy${failed.error ? `: ${failed.error}` : "."}${irreversible ? ` Before that, ${irreversible}.` : ""}`
      : !roundTrip.checked
        ? `All ${n} migration${n === 1 ? "" : "s"} passed on the copy; the round trip was not checked (${unchecked}).`
        : roundTrip.reversible
          ? `All ${n} migration${n === 1 ? "" : "s"} passed on the copy, and the round trip restored the schema exactly.`
          : `All ${n} migration${n === 1 ? "" : "s"} passed on the copy, but ${irreversible}.`;
    progress("done", headline);
    return { ok: ok || (stepsOk && n === 0), from: [...i.from], to: plan.to, direction: i.direction, steps, roundTrip, headline };
  } finally {
    await scratch.drop();
  }
}
