import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError, isAppError } from "@/lib/errors";
import { acquireTargetAdvisoryLock, type TargetLock } from "@/lib/runner/advisory-lock";
import {
  DEFAULT_STALE_MS,
  heartbeatEnvironmentLock,
  lockedError,
  releaseEnvironmentLock,
  tryInsertEnvironmentLock,
} from "@/lib/runner/environment-lock";
import { createProgressTracker, type Progress } from "@/lib/runner/parse-progress";
import { recordAudit } from "@/lib/audit/record-audit";
import { recoverInterruptedRuns } from "@/lib/runner/recover-interrupted-runs";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { runAlembic, type RunAlembicResult } from "@/lib/runner/run-alembic";
import { createRunLogWriter, nextRunLogSeq } from "@/lib/runner/run-log-writer";

/** Lines kept as a failed run's errorTail. */
export const ERROR_TAIL_LINES = 40;

export interface ExecuteRunOptions {
  db: PrismaClient;
  /** A run in status `queued` (approved, or needing no approval). */
  runId: string;
  /** This Cairn process; dead instances' runs are recovered by id. */
  instanceId: string;
  /** Who starts it (lock holder and audit actor). */
  actor: { id?: string | null; email: string };
  alembic: { command?: string[]; cwd: string; configFile?: string; urlEnvVar?: string; xArgs?: string[] };
  /** The environment's decrypted URL: only ever placed in the child's environment. */
  databaseUrl: string;
  /** Reads the version table after the run (the caller's reader, e.g. lib/environments). */
  readRevisions: () => Promise<string[]>;
  /** The heads the version table must hold afterwards (MigrationPath.resultHeads). */
  expectedHeads: string[];
  /** Revision ids in execution order, for "migration i of n" (defaults to Run.path). */
  plannedSteps?: string[];
  /** Name the target advisory lock key is derived from; default "<projectName>/<environmentName>". */
  lockName?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  heartbeatMs?: number;
  staleMs?: number;
  onLine?: (line: string) => void;
  onProgress?: (p: Progress) => void;
  onSpawn?: (pid: number) => void;
  /** Called once the locks are held and the run is `running` (tests use it to race a second attempt). */
  onStarted?: () => void | Promise<void>;
}

export interface RunOutcome {
  runId: string;
  status: "succeeded" | "failed" | "interrupted";
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** What the version table holds afterwards; null when it could not be read. */
  resultRevisions: string[] | null;
  expectedHeads: string[];
  /** Last lines of output plus Cairn's explanation (redacted); null on success. */
  errorTail: string | null;
  /** One-sentence outcome for the UI and the CLI. */
  summary: string;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/**
 * Executes an approved run: takes the environment lock in the store and, on PostgreSQL targets, an
 * advisory lock on the target; runs Alembic with its output redacted and appended to RunLog; keeps
 * a heartbeat; re-reads the version table; records the outcome and an audit row in one transaction
 * per state change; releases both locks whatever happens.
 */
export async function executeRun(o: ExecuteRunOptions): Promise<RunOutcome> {
  const { db, runId, instanceId } = o;
  const run = await db.run.findUnique({ where: { id: runId }, include: { environment: true, project: true } });
  if (!run) throw new AppError("not-found", `run ${runId} not found`, `Run ${runId} does not exist.`);
  const env = run.environment;
  if (run.status !== "queued") {
    throw new AppError("conflict", `run ${runId} is ${run.status}`, `Run ${runId} is ${run.status.replace("_", " ")}; only an approved, queued run can start.`);
  }
  const redact = createRedactor([o.databaseUrl]);
  const subcommand = run.kind === "downgrade" ? "downgrade" : "upgrade";

  // 1. The store lock, the run's state change and its audit row: all or nothing.
  const start = async () =>
    db.$transaction(async (tx) => {
      if (!(await tryInsertEnvironmentLock(tx, { environmentId: env.id, runId, holder: o.actor.email, instanceId }))) return false;
      const now = new Date();
      const { count } = await tx.run.updateMany({
        where: { id: runId, status: "queued" },
        data: { status: "running", instanceId, heartbeatAt: now, startedAt: now },
      });
      if (count !== 1) throw new AppError("conflict", `run ${runId} started elsewhere`, `Run ${runId} was started by someone else a moment ago.`);
      await recordAudit(tx, {
        actor: { userId: o.actor.id, email: o.actor.email },
        action: "run.started",
        projectId: run.projectId,
        environmentId: env.id,
        environment: env.name,
        runId,
        fromRevision: asStrings(run.fromRevisions).join(",") || null,
        toRevision: run.target,
        details: { kind: run.kind, instanceId },
      });
      return true;
    });
  let started = await start();
  if (!started) {
    const lock = await db.environmentLock.findUnique({ where: { environmentId: env.id } });
    if (lock && Date.now() - lock.heartbeatAt.getTime() > (o.staleMs ?? DEFAULT_STALE_MS)) {
      await recoverInterruptedRuns(db, instanceId, { environmentId: env.id, staleMs: o.staleMs, includeOwn: false });
      started = await start();
    }
    if (!started) throw await lockedError(db, env.id, env.name);
  }

  // 2. The target's advisory lock; if someone else holds it, undo step 1.
  let targetLock: TargetLock | null = null;
  try {
    targetLock = await acquireTargetAdvisoryLock(o.databaseUrl, o.lockName ?? `${run.project.name}/${env.name}`, {
      environmentName: env.name,
      connectTimeoutMs: Math.max(env.timeoutMs, 1000),
    });
  } catch (e) {
    await db.$transaction(async (tx) => {
      await tx.run.updateMany({ where: { id: runId, status: "running" }, data: { status: "queued", instanceId: null, startedAt: null, heartbeatAt: null } });
      await releaseEnvironmentLock(tx, runId);
      await recordAudit(tx, {
        actor: { userId: o.actor.id, email: o.actor.email },
        action: "run.start-refused",
        projectId: run.projectId,
        environmentId: env.id,
        environment: env.name,
        runId,
        toRevision: run.target,
        outcome: isAppError(e) ? e.code : "error",
        details: { reason: isAppError(e) ? e.userMessage : "could not lock the target" },
      });
    });
    throw e;
  }

  const startedAt = Date.now();
  const writer = createRunLogWriter(db, runId, { startSeq: await nextRunLogSeq(db, runId) });
  const lines: string[] = [];
  const log = (line: string) => {
    const safe = redact(line);
    lines.push(safe);
    writer.append(safe);
    try {
      o.onLine?.(safe);
    } catch {
      // A watcher's failure does not affect the run.
    }
  };
  const heartbeat = setInterval(() => void heartbeatEnvironmentLock(db, runId, instanceId).catch(() => {}), o.heartbeatMs ?? 5000);
  heartbeat.unref?.();
  const track = createProgressTracker(o.plannedSteps ?? asStrings(run.path));

  let result: RunAlembicResult | null = null;
  let spawnError: string | null = null;
  let resultRevisions: string[] | null = null;
  let readError: string | null = null;
  try {
    await o.onStarted?.();
    log(`Cairn: ${subcommand} ${env.name} to ${run.target} (run ${runId}, instance ${instanceId})`);
    try {
      result = await runAlembic({
        command: o.alembic.command,
        cwd: o.alembic.cwd,
        configFile: o.alembic.configFile,
        urlEnvVar: o.alembic.urlEnvVar,
        xArgs: o.alembic.xArgs,
        versionTable: env.versionTable,
        versionTableSchema: env.versionTableSchema,
        databaseUrl: o.databaseUrl,
        args: [subcommand, run.target],
        signal: o.signal,
        timeoutMs: o.timeoutMs,
        onSpawn: o.onSpawn,
        onLine: (line) => {
          log(line);
          const p = track(line);
          if (p) {
            log(`Cairn: ${p.label}`);
            try {
              o.onProgress?.(p);
            } catch {
              // ignore watcher errors
            }
          }
        },
      });
    } catch (e) {
      spawnError = isAppError(e) ? e.userMessage : redact(e instanceof Error ? e.message : String(e));
      log(`Cairn: ${spawnError}`);
    }
    try {
      resultRevisions = await o.readRevisions();
    } catch (e) {
      readError = redact(isAppError(e) ? e.userMessage : e instanceof Error ? e.message : String(e));
    }
  } finally {
    clearInterval(heartbeat);
  }

  // 3. Decide the outcome.
  const headsMatch = resultRevisions !== null && sameSet(resultRevisions, o.expectedHeads);
  let status: RunOutcome["status"];
  let why: string;
  const now = resultRevisions ? resultRevisions.join(", ") || "base" : "unknown";
  if (result && (result.aborted || (result.signal && !result.timedOut))) {
    status = "interrupted";
    why = result.aborted
      ? `The run was stopped before Alembic finished. ${env.name} is now at ${now}.`
      : `Alembic was killed (${result.signal}) before it finished. ${env.name} is now at ${now}.`;
  } else if (result?.timedOut) {
    status = "failed";
    why = `Alembic did not finish within ${o.timeoutMs} ms and was stopped. ${env.name} is now at ${now}.`;
  } else if (spawnError || !result || result.exitCode !== 0) {
    status = "failed";
    why = spawnError ?? `Alembic exited with code ${result?.exitCode}. ${env.name} is now at ${now}; expected ${o.expectedHeads.join(", ") || "base"}.`;
  } else if (!headsMatch) {
    status = "failed";
    why = readError
      ? `Alembic finished, but Cairn could not re-read ${env.name}'s version table: ${readError}`
      : `Alembic finished, but ${env.name}'s version table holds ${now} instead of ${o.expectedHeads.join(", ") || "base"}.`;
  } else {
    status = "succeeded";
    why = `${env.name} is now at ${now}.`;
  }
  if (readError && status !== "failed") why += ` (Cairn could not re-read the version table: ${readError})`;
  log(`Cairn: ${status} — ${why}`);
  await writer.close();

  const durationMs = Date.now() - startedAt;
  const errorTail = status === "succeeded" ? null : redact(lines.slice(-ERROR_TAIL_LINES).join("\n"));

  // 4. Outcome, lock release and audit row in one transaction; then the target lock.
  try {
    await db.$transaction(async (tx) => {
      await tx.run.update({
        where: { id: runId },
        data: {
          status,
          finishedAt: new Date(),
          durationMs,
          errorTail,
          resultRevisions: resultRevisions ?? undefined,
          heartbeatAt: new Date(),
        },
      });
      await releaseEnvironmentLock(tx, runId);
      await recordAudit(tx, {
        actor: { userId: o.actor.id, email: o.actor.email },
        action: `run.${status}`,
        projectId: run.projectId,
        environmentId: env.id,
        environment: env.name,
        runId,
        fromRevision: asStrings(run.fromRevisions).join(",") || null,
        toRevision: run.target,
        outcome: status,
        details: { durationMs, exitCode: result?.exitCode ?? null, signal: result?.signal ?? null, resultRevisions },
      });
    });
  } finally {
    await targetLock?.release();
  }

  return {
    runId,
    status,
    exitCode: result?.exitCode ?? null,
    signal: result?.signal ?? null,
    durationMs,
    resultRevisions,
    expectedHeads: o.expectedHeads,
    errorTail,
    summary: redact(why),
  };
}
