import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError, isAppError } from "@/lib/errors";
import { describeRunFailure, dialectOfUrl } from "@/lib/runner/describe-run-failure";
import { DEFAULT_STALE_MS, heartbeatEnvironmentLock, lockedError, releaseEnvironmentLock, tryInsertEnvironmentLock } from "@/lib/runner/environment-lock";
import { createProgressTracker, parseProgressLine, type Progress } from "@/lib/runner/parse-progress";
import { recordAudit } from "@/lib/audit/record-audit";
import { probeDatabaseLock } from "@/lib/runner/probe-database-lock";
import { recoverInterruptedRuns } from "@/lib/runner/recover-interrupted-runs";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { resolveRunnerPython } from "@/lib/runner/resolve-runner-python";
import { runAlembic, type RunAlembicResult } from "@/lib/runner/run-alembic";
import { createRunLogWriter, nextRunLogSeq } from "@/lib/runner/run-log-writer";
import { removeRunnerFiles, runnerLogDir } from "@/lib/runner/runner-files";
import { asStrings, sameSet, revisionsText, storedRevisions } from "@/lib/revision-lists";
import { describeReviewedFilesChange, type Replanned } from "@/lib/runner/reviewed-files";
import { hashRevisionFiles, recordRunAppliedFiles } from "@/lib/applied-files/record-applied-files";
import { runBackup, type RunBackupResult } from "@/lib/backups/run-backup";
import { asBeforeRun } from "@/lib/backups/types";
import { serverEnv } from "@/lib/config/server-env";
import { emitRunEvent } from "@/lib/webhooks/emit-run-event";

/** Lines kept as a failed run's errorTail. */
export const ERROR_TAIL_LINES = 40;

export interface ExecuteRunOptions {
  db: PrismaClient;
  /** A run in status `queued` (approved, or needing no approval). */
  runId: string;
  /** This Cairn process (recorded on the run; recovery does not depend on it). */
  instanceId: string;
  /** Who starts it (lock holder and audit actor). */
  actor: { id?: string | null; email: string };
  alembic: { command?: string[]; cwd: string; configFile?: string; urlEnvVar?: string; xArgs?: string[] };
  /** The Python that runs the project's Alembic (default: derived from the command, see resolveRunnerPython). */
  python?: string[];
  /** The environment's decrypted URL: only ever placed in the child's environment. */
  databaseUrl: string;
  /** Reads the version table after the run (the caller's reader, e.g. lib/targets). */
  readRevisions: () => Promise<string[]>;
  /** The heads the version table must hold afterwards (MigrationPath.resultHeads). */
  expectedHeads: string[];
  /**
   * Re-plans from the revisions read under the database lock, with the migration files as they are
   * now; the run starts only if that path equals the reviewed one (Run.path) and its files hash as
   * they did when the SQL was reviewed (Run.reviewedFiles).
   */
  replan?: (from: string[]) => Promise<Replanned>;
  /** A migration's file relative to the project root, for the failure headline. */
  fileOf?: (revision: string) => string | undefined;
  /** Where the runner keeps its own copy of the log (default: the OS temp dir). */
  logDir?: string;
  /** How often the runner checks that it still holds the database lock (default 5 s). */
  watchdogSeconds?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  heartbeatMs?: number;
  staleMs?: number;
  onLine?: (line: string) => void;
  onProgress?: (p: Progress) => void;
  onSpawn?: (pid: number) => void;
  /** CAIRN_BACKUP_DIR, for an environment whose beforeRun asks for a backup (default: the server's environment). */
  backupDir?: string | null;
  /** Called once the locks are held and the run is `running` (tests use it to race a second attempt). */
  onStarted?: () => void | Promise<void>;
}

export interface RunOutcome {
  runId: string;
  /** `stale`: the database was not where the run was reviewed, so nothing ran. */
  status: "succeeded" | "failed" | "interrupted" | "cancelled" | "stale";
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** What the version table holds afterwards; null when it could not be read. */
  resultRevisions: string[] | null;
  expectedHeads: string[];
  /** The version table when the run began, read under the database lock. */
  executedFrom: string[] | null;
  /** The migrations Alembic started, in order (the last one may be the one that failed). */
  executedSteps: string[];
  /** Headline, then the last lines of output (redacted); null on success. */
  errorTail: string | null;
  /** One-sentence outcome for the UI and the CLI. */
  summary: string;
  /** The environment's beforeRun, when it ran: the backup file, its size and restore command, or the command. */
  backup: { file: string | null; bytes: number | null; restoreCommand: string | null; command: string | null } | null;
}

/**
 * Executes an approved run:
 * 1. takes the environment's lock row in the store (every Cairn instance sharing it contends);
 * 2. starts Cairn's guarded runner with the project's Python: it takes the target DATABASE's lock
 *    (keyed by the database itself, not by names) and reads the version table under it;
 * 3. lets Alembic start only if the database stands exactly where the run was reviewed and the path
 *    from there is still the reviewed one — otherwise the run becomes `stale` and nothing runs; then,
 *    still under the lock, makes the environment's beforeRun backup — if it fails, the run fails and
 *    Alembic never starts;
 * 4. streams the redacted output to RunLog, heartbeats, and watches for a cancel request;
 * 5. records the outcome (what actually ran, where the database stands, the failure in plain words)
 *    and releases the store lock; the runner releases the database lock when its Alembic ends.
 * If Cairn dies meanwhile, the runner keeps the database lock until Alembic ends, and recovery
 * (recoverInterruptedRuns) waits for that before recording the real outcome.
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
  // Who and what every audit row of this run names.
  const auditRun = { actor: { userId: o.actor.id, email: o.actor.email }, projectId: run.projectId, environmentId: env.id, environment: env.name, runId };
  const subcommand = run.kind === "downgrade" ? "downgrade" : "upgrade";
  const reviewedFrom = run.fromRevisions;
  // The reviewed path as stored with the run: what the requester (and approver) saw.
  const plannedSteps = run.path;
  // A stamp (target: its revisions, comma-separated) runs no migration. --purge whenever the table holds
  // rows: the result is exactly the chosen revisions, even over several heads, unrelated branches or
  // rows naming revisions whose files are gone (a plain stamp keeps unrelated heads or refuses those).
  const stampTo = run.kind === "stamp" ? run.target.split(",").filter(Boolean) : null;
  const alembicArgs = stampTo ? ["stamp", ...(reviewedFrom.length > 0 ? ["--purge"] : []), ...stampTo] : [subcommand, run.target];
  const python = o.python ?? resolveRunnerPython(o.alembic.command ?? ["alembic"], o.alembic.cwd);
  const staleMs = o.staleMs ?? DEFAULT_STALE_MS;
  // A stamp changes no schema: nothing to back up before it.
  const beforeRun = stampTo ? null : asBeforeRun(env.beforeRun);
  const backupDir = o.backupDir !== undefined ? o.backupDir : (serverEnv().CAIRN_BACKUP_DIR ?? null);

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
        ...auditRun,
        action: "run.started",
        fromRevision: reviewedFrom.join(",") || null,
        toRevision: run.target,
        details: { kind: run.kind, instanceId },
      });
      return true;
    });
  let started = await start();
  if (!started) {
    const lock = await db.environmentLock.findUnique({ where: { environmentId: env.id } });
    if (lock && Date.now() - lock.heartbeatAt.getTime() > staleMs) {
      // The holder stopped heartbeating: recover it — but only once its Alembic has let go of the database.
      await recoverInterruptedRuns(db, instanceId, {
        environmentId: env.id,
        staleMs,
        includeOwn: false,
        inspect: async () => ({
          lock: await probeDatabaseLock({ python, cwd: o.alembic.cwd, databaseUrl: o.databaseUrl, urlEnvVar: o.alembic.urlEnvVar }),
          revisions: await o.readRevisions().catch(() => null),
          expectedHeads: null,
        }),
      });
      started = await start();
    }
    if (!started) throw await lockedError(db, env.id, env.name);
  }

  // Back to `queued` when the runner could not take the database lock or reach the database: nothing ran.
  const undoStart = async (action: string, code: string, reason: string) =>
    db.$transaction(async (tx) => {
      await tx.run.updateMany({ where: { id: runId, status: "running" }, data: { status: "queued", instanceId: null, startedAt: null, heartbeatAt: null } });
      await releaseEnvironmentLock(tx, runId);
      await recordAudit(tx, {
        ...auditRun,
        action,
        toRevision: run.target,
        outcome: code,
        details: { reason },
      });
    });

  const startedAt = Date.now();
  const writer = createRunLogWriter(db, runId, { startSeq: await nextRunLogSeq(db, runId) });
  const lines: string[] = [];
  const alembicLines: string[] = [];
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
  // A cancel may be asked for on any instance: it lands in the store, the heartbeat sees it.
  const cancel = new AbortController();
  let cancelledBy: { by: string | null; reason: string | null } | null = null;
  let alembicEnded = false;
  const beat = async () => {
    await heartbeatEnvironmentLock(db, runId, instanceId);
    if (alembicEnded) return;
    const c = await db.run.findUnique({ where: { id: runId }, select: { cancelRequestedAt: true, cancelRequestedBy: true, cancelReason: true } });
    if (c?.cancelRequestedAt && !cancel.signal.aborted) {
      cancelledBy = { by: c.cancelRequestedBy, reason: c.cancelReason };
      log(`Cairn: cancel requested by ${c.cancelRequestedBy ?? "someone"}${c.cancelReason ? ` (${c.cancelReason})` : ""}; stopping Alembic.`);
      cancel.abort();
    }
  };
  const heartbeat = setInterval(() => void beat().catch(() => {}), o.heartbeatMs ?? 5000);
  heartbeat.unref?.();
  const track = createProgressTracker(plannedSteps);
  const executedSteps: string[] = [];
  const logDir = o.logDir ?? runnerLogDir();
  fs.mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(logDir, `${runId}.log`);

  let result: RunAlembicResult | null = null;
  let spawnError: string | null = null;
  let refusal: string | null = null;
  let executedFrom: string[] | null = null;
  let resultRevisions: string[] | null = null;
  let readError: string | null = null;
  let backup: RunBackupResult | null = null;
  try {
    await o.onStarted?.();
    log(
      `Cairn: ${stampTo ? `stamp (${alembicArgs.join(" ")}, no migration runs)` : subcommand} ${env.name} to ${run.target}, reviewed from ${revisionsText(reviewedFrom)}: ${plannedSteps.join(" → ") || "no steps"} (run ${runId}, instance ${instanceId})`,
    );
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
        args: alembicArgs,
        audit: { db, actor: { userId: o.actor.id ?? null, email: o.actor.email }, purpose: "run", projectId: run.projectId, environmentId: env.id, environment: env.name, runId },
        signal: o.signal ? AbortSignal.any([o.signal, cancel.signal]) : cancel.signal,
        timeoutMs: o.timeoutMs,
        onSpawn: o.onSpawn,
        guard: {
          python,
          logFile,
          watchdogSeconds: o.watchdogSeconds,
          // The runner holds the lock while the backup runs: give it the backup's whole time to answer.
          ...(beforeRun ? { handshakeSeconds: Math.ceil(beforeRun.timeoutMs / 1000) + 120 } : {}),
          onLocked: async (locked) => {
            executedFrom = locked.revisions;
            if (!sameSet(locked.revisions, reviewedFrom)) {
              refusal = `${env.name} moved from ${revisionsText(reviewedFrom)} to ${revisionsText(locked.revisions)} after this run was reviewed, so the reviewed path is not what would run. Nothing was run; review it again.`;
              return false;
            }
            const now = await o.replan?.(locked.revisions);
            if (now && "error" in now) {
              refusal = `${now.error} Nothing was run; review it again.`;
              return false;
            }
            if (now && now.steps.join(",") !== plannedSteps.join(",")) {
              refusal = `The migration files changed after this run was reviewed: from ${revisionsText(locked.revisions)} the path is now ${now.steps.join(" → ") || "empty"} instead of the reviewed ${plannedSteps.join(" → ") || "empty"}. Nothing was run; review it again.`;
              return false;
            }
            // The same steps, but their bytes: a file edited keeping its revision ids would run SQL nobody previewed.
            const edited = now && describeReviewedFilesChange(run.reviewedFiles, now.reviewedFiles, "this run was reviewed", "Nothing was run; review it again.");
            if (edited) {
              refusal = edited;
              return false;
            }
            if (beforeRun) {
              // After the last check, under the database lock, before Alembic: the backup is of exactly the state reviewed.
              backup = await runBackup({
                beforeRun,
                runId,
                project: run.project.name,
                environment: env.name,
                databaseUrl: o.databaseUrl,
                backupDir,
                cwd: o.alembic.cwd,
                urlEnvVar: o.alembic.urlEnvVar,
                onLine: log,
                signal: cancel.signal,
                audit: { db, actor: { userId: o.actor.id ?? null, email: o.actor.email }, projectId: run.projectId, environmentId: env.id, environment: env.name, runId },
              });
              if (!backup.ok) return false;
              await db.run.update({
                where: { id: runId },
                data: { backupFile: backup.file, backupBytes: backup.bytes === null ? null : BigInt(backup.bytes), backupRestoreCommand: backup.restoreCommand, backupCommand: backup.command },
              });
            }
            await db.run.update({ where: { id: runId }, data: { executedFrom: locked.revisions, runnerPid: locked.pid, runnerHost: os.hostname(), runnerLogFile: logFile } });
            log(`Cairn: holding the database lock (${locked.identity}); ${env.name} is at ${revisionsText(locked.revisions)} as reviewed.`);
            return true;
          },
        },
        onLine: (line) => {
          log(line);
          alembicLines.push(redact(line));
          const step = parseProgressLine(line);
          if (step) executedSteps.push((step.direction === "upgrade" ? step.to[0] : step.from[0]) ?? "");
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
    const report = result?.runner;
    if (report?.done?.revisions) resultRevisions = report.done.revisions;
    else if (report?.locked || !report) {
      try {
        resultRevisions = await o.readRevisions();
      } catch (e) {
        readError = redact(isAppError(e) ? e.userMessage : e instanceof Error ? e.message : String(e));
      }
    }
  } finally {
    // The heartbeat goes on until the outcome is recorded: hashing, redacting and writing it can take seconds on a
    // busy server, and a run that went quiet meanwhile would be settled by another instance without its result.
    alembicEnded = true;
  }
  const recordOutcome = async (): Promise<RunOutcome> => {
    // 2. Nothing ran: the database lock is held elsewhere, or the database could not be reached.
    const report = result?.runner;
    if (report && !report.locked && (report.busy || report.error)) {
      await writer.close();
      removeRunnerFiles(logFile);
      if (report.busy) {
        const who = report.busy.holder ? ` by ${report.busy.holder}` : "";
        const reason = `${env.name} is being migrated from elsewhere: its database lock is held${who}. Another Cairn (or a run of this one under another name) is migrating this database; wait for it to finish.`;
        await undoStart("run.start-refused", "locked", reason);
        throw new AppError("locked", `database lock of ${env.name} held`, reason, { identity: report.busy.identity });
      }
      const said = report.error!.message || report.error!.reason;
      const reason =
        report.error!.reason === "read"
          ? `Cairn could not read ${env.name}'s version table under the database lock (${said}). Check that the environment's user may read it.`
          : `Cairn could not connect to ${env.name} to lock it (${said}). Check that the database is reachable and the URL is right.`;
      await undoStart("run.start-refused", "unreachable", reason);
      throw new AppError("unreachable", `runner could not lock ${env.name}`, reason);
    }

    // 3. Decide the outcome.
    const now = resultRevisions ? revisionsText(resultRevisions) : "unknown";
    let status: RunOutcome["status"];
    let why: string;
    const failure = () => describeRunFailure({ lines: alembicLines, direction: subcommand, plannedSteps, fileOf: o.fileOf, environment: env.name, dialect: dialectOfUrl(o.databaseUrl), resultRevisions });
    const headsMatch = resultRevisions !== null && sameSet(resultRevisions, o.expectedHeads);
    // Assigned inside onLocked, which TypeScript cannot follow: read once here with its declared type.
    const made = backup as RunBackupResult | null;
    const backupFailure = made && !made.ok ? made.message : null;
    if (refusal) {
      status = "stale";
      why = refusal;
    } else if (cancelledBy) {
      const c = cancelledBy as { by: string | null; reason: string | null };
      status = "cancelled";
      why = backupFailure
        ? `Cancelled by ${c.by ?? "someone"}${c.reason ? ` (${c.reason})` : ""} during the backup before the run; Alembic did not start. ${env.name} is still at ${now}.`
        : `Cancelled by ${c.by ?? "someone"}${c.reason ? ` (${c.reason})` : ""} while Alembic was running. ${failure().headline}`;
    } else if (backupFailure) {
      status = "failed";
      why = `${backupFailure} Alembic did not start: ${env.name} is still at ${now}. The backup's output is in this run's log.`;
    } else if (result && (result.aborted || (result.signal && !result.timedOut))) {
      status = "interrupted";
      why = result.aborted ? `The run was stopped before Alembic finished. ${env.name} is now at ${now}.` : `Alembic was killed (${result.signal}) before it finished. ${env.name} is now at ${now}.`;
    } else if (result?.timedOut) {
      status = "failed";
      why = `Alembic did not finish within ${o.timeoutMs} ms and was stopped. ${failure().headline}`;
    } else if (result?.exitCode === 77) {
      status = "failed";
      why = `The connection holding ${env.name}'s database lock dropped and another session took the lock, so Cairn stopped Alembic rather than migrate unguarded. ${env.name} is now at ${now}.`;
    } else if (spawnError || !result || result.exitCode !== 0) {
      status = "failed";
      why = spawnError ?? `${failure().headline} (Alembic exited with code ${result?.exitCode}; expected ${revisionsText(o.expectedHeads)}.)`;
    } else if (!headsMatch) {
      status = "failed";
      why = readError ? `Alembic finished, but Cairn could not re-read ${env.name}'s version table: ${readError}` : `Alembic finished, but ${env.name}'s version table holds ${now} instead of ${revisionsText(o.expectedHeads)}.`;
    } else {
      status = "succeeded";
      why = `${env.name} is now at ${now}.`;
    }
    if (readError && status !== "failed") why += ` (Cairn could not re-read the version table: ${readError})`;
    log(`Cairn: ${status} — ${why}`);
    await writer.close();

    const durationMs = Date.now() - startedAt;
    const errorTail = status === "succeeded" ? null : redact(`${why}\n\nAlembic output (last ${ERROR_TAIL_LINES} lines):\n${lines.slice(-ERROR_TAIL_LINES).join("\n")}`);

    // The files of the migrations that completed, hashed now: a later edit of one is flagged (lib/applied-files).
    const completed = status === "succeeded" ? executedSteps : status === "stale" ? [] : executedSteps.slice(0, -1);
    const downgrade = subcommand === "downgrade" && !stampTo;
    const appliedFiles =
      downgrade || stampTo
        ? []
        : await hashRevisionFiles(
            o.alembic.cwd,
            completed.map((r) => ({ revision: r, path: o.fileOf?.(r) && path.resolve(o.alembic.cwd, o.fileOf(r)!) })),
          ).catch(() => []);

    // What the webhooks are told: who ended it (the one who started it, the one who cancelled it; Cairn for a refusal) and why.
    const c = cancelledBy as { by: string | null; reason: string | null } | null;
    const told =
      status === "cancelled"
        ? { actor: c?.by ?? null, reason: c?.reason ?? null }
        : status === "stale"
          ? { actor: null, reason: redact(why) }
          : { actor: o.actor.email, failedStep: status === "failed" && !backupFailure && result && result.exitCode !== 0 ? (executedSteps.at(-1) ?? null) : null };

    // 4. Outcome, lock release, audit row and webhook event in one transaction (the runner already let go of the database) —
    // unless another instance settled the run meanwhile (this one went quiet longer than the stale threshold while its
    // Alembic ended): then that outcome stands, told once, and what this instance saw is audited beside it.
    const settledElsewhere = await db.$transaction(async (tx) => {
      await recordRunAppliedFiles(tx, { environmentId: env.id, runId, applied: appliedFiles, removed: downgrade ? completed : [] });
      const ended = await tx.run.updateMany({
        where: { id: runId, status: "running", instanceId },
        data: {
          status,
          finishedAt: new Date(),
          durationMs,
          errorTail,
          resultRevisions: resultRevisions ?? undefined,
          executedFrom: executedFrom ?? undefined,
          executedSteps,
          heartbeatAt: new Date(),
        },
      });
      if (ended.count === 0) {
        const stored = await tx.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
        await recordAudit(tx, {
          ...auditRun,
          action: "run.outcome-after-settled",
          toRevision: run.target,
          outcome: stored.status,
          details: { instanceId, sawStatus: status, saw: redact(why), resultRevisions, executedSteps, durationMs },
        });
        return stored.status;
      }
      await releaseEnvironmentLock(tx, runId);
      await recordAudit(tx, {
        ...auditRun,
        action: status === "stale" ? "run.refused-moved" : `run.${status}`,
        fromRevision: (executedFrom ?? reviewedFrom).join(",") || null,
        toRevision: run.target,
        outcome: status,
        details: {
          durationMs,
          exitCode: result?.exitCode ?? null,
          signal: result?.signal ?? null,
          resultRevisions,
          executedFrom,
          executedSteps,
          plannedSteps,
          // Redacted like the summary: an audit row can never be changed, so nothing secret may enter one (a dump tool's stderr line).
          ...(status === "stale" || backupFailure ? { reason: redact(why) } : {}),
          ...(made ? { backup: backupRecord(made, redact) } : {}),
        },
      });
      await emitRunEvent(tx, `run.${status}`, runId, told);
      return null;
    });
    removeRunnerFiles(logFile);
    if (settledElsewhere) return outcomeSettledElsewhere(db, { runId, instanceId, saw: status, why: redact(why), expectedHeads: o.expectedHeads });

    return {
      runId,
      status,
      exitCode: result?.exitCode ?? null,
      signal: result?.signal ?? null,
      durationMs,
      resultRevisions,
      expectedHeads: o.expectedHeads,
      executedFrom,
      executedSteps,
      errorTail,
      summary: redact(why),
      backup: made?.ok ? backupRecord(made, redact) : null,
    };
  };
  try {
    return await recordOutcome();
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * The run ended here after another instance had settled it (this one was quiet past the stale threshold): that
 * outcome stands. The log's last line says so, after whatever this instance still wrote (a fresh sequence: lines
 * numbered like the settler's would be dropped as duplicates), and the caller gets the stored run, not what this
 * instance saw — which is in the audit row run.outcome-after-settled.
 */
async function outcomeSettledElsewhere(db: PrismaClient, o: { runId: string; instanceId: string; saw: RunOutcome["status"]; why: string; expectedHeads: string[] }): Promise<RunOutcome> {
  const stored = await db.run.findUniqueOrThrow({ where: { id: o.runId } });
  const summary = `Cairn instance ${o.instanceId} saw this run end ${o.saw} (${o.why}), but another instance had already recorded it as ${stored.status} while this one was not answering; that outcome stands.`;
  console.warn(`[cairn] run ${o.runId}: ${summary}`);
  const writer = createRunLogWriter(db, o.runId, { startSeq: await nextRunLogSeq(db, o.runId) });
  writer.append(`Cairn: ${summary}`);
  await writer.close();
  return {
    runId: o.runId,
    status: stored.status as RunOutcome["status"],
    exitCode: null,
    signal: null,
    durationMs: stored.durationMs ?? 0,
    resultRevisions: storedRevisions(stored.resultRevisions),
    expectedHeads: o.expectedHeads,
    executedFrom: storedRevisions(stored.executedFrom),
    executedSteps: asStrings(stored.executedSteps),
    errorTail: stored.errorTail,
    summary,
    backup: null,
  };
}

/** What a run records about its backup (the audit row and the outcome): never the URL, only where the file went. */
function backupRecord(b: RunBackupResult, redact: (s: string) => string): Record<string, unknown> & RunOutcome["backup"] {
  if (!b.ok) return { file: null, bytes: null, restoreCommand: null, command: null, failed: redact(b.message) };
  return { file: b.file, bytes: b.bytes, restoreCommand: b.restoreCommand, command: b.command, durationMs: b.durationMs, deleted: b.deleted };
}
