import "server-only";
import fs from "node:fs";
import os from "node:os";
import type { PrismaClient, Run } from "@/lib/generated/prisma/client";
import { asBeforeRun } from "@/lib/backups/types";
import { DEFAULT_STALE_MS } from "@/lib/runner/environment-lock";
import { recordAudit } from "@/lib/audit/record-audit";
import { describeRunFailure } from "@/lib/runner/describe-run-failure";
import { parseProgressLine } from "@/lib/runner/parse-progress";
import type { LockProbe } from "@/lib/runner/probe-database-lock";
import { createRunLogWriter, nextRunLogSeq } from "@/lib/runner/run-log-writer";
import { removeRunnerFiles, runnerResultFile, type RunnerResultFile } from "@/lib/runner/runner-files";
import { sameSet, revisionsText, storedRevisions } from "@/lib/revision-lists";
import { emitRunEvent } from "@/lib/webhooks/emit-run-event";

export interface RecoveredRun {
  runId: string;
  environmentId: string;
  projectId: string;
  instanceId: string | null;
  status: "succeeded" | "failed" | "interrupted";
}

/** What recovery needs to know about a run's target database before touching the run. */
export interface RunInspection {
  /** Whether the database's migration lock is held right now (by the run's Alembic, still going). */
  lock: LockProbe;
  /** The version table now; null when it could not be read. */
  revisions: string[] | null;
  /** Where the run would have left the database; null when it cannot be told. */
  expectedHeads: string[] | null;
  /** Masks the database's credentials in the runner's own log before it is stored. */
  redact?: (text: string) => string;
  dialect?: string;
}

export interface RecoverOptions {
  staleMs?: number;
  environmentId?: string;
  now?: Date;
  /** false when called by a live instance: its own runs are not dead. */
  includeOwn?: boolean;
  /** A line put first in each settled run's errorTail (e.g. who released it and why). */
  note?: string;
  /** Asks the target database; without it nothing is recovered (a lock cannot be judged blind). */
  inspect: (run: Run & { environment: { name: string } }) => Promise<RunInspection>;
}

function readResultFile(logFile: string | null): RunnerResultFile | null {
  if (!logFile) return null;
  try {
    return JSON.parse(fs.readFileSync(runnerResultFile(logFile), "utf8")) as RunnerResultFile;
  } catch {
    return null;
  }
}

/**
 * Runs whose Cairn instance stopped (its heartbeat is older than `staleMs`, or it is this instance
 * restarting with the same id): each is recovered only when its target database's migration lock is
 * FREE — the guarded runner holds that lock for exactly as long as its Alembic runs, so a held lock
 * means Alembic is still going and the run stays `running` (and its environment locked) until it ends.
 * Once free, the run gets its real outcome: the runner's result file (exit code) and its own copy of
 * the log when they are on this host, and the version table re-read — "finished while Cairn was down"
 * when Alembic completed. Safe to call from any instance at any time: each run is settled by one
 * conditional update, which commits with its audit row and its webhook event (run.succeeded,
 * run.failed or run.interrupted) — so the event is sent once however many instances race. Returns
 * the runs it settled.
 */
export async function recoverInterruptedRuns(db: PrismaClient, instanceId: string, o: RecoverOptions): Promise<RecoveredRun[]> {
  const now = o.now ?? new Date();
  const cutoff = new Date(now.getTime() - (o.staleMs ?? DEFAULT_STALE_MS));
  const envFilter = o.environmentId ? { environmentId: o.environmentId } : {};
  const includeOwn = o.includeOwn ?? true;
  const own = includeOwn ? [{ instanceId }] : [];
  const candidates = await db.run.findMany({
    where: { ...envFilter, status: "running", OR: [...own, { heartbeatAt: { lt: cutoff } }, { heartbeatAt: null }] },
    include: { environment: { select: { name: true, beforeRun: true } } },
  });
  const recovered: RecoveredRun[] = [];
  for (const run of candidates) {
    const seen = await o.inspect(run).catch((): RunInspection => ({ lock: "unknown", revisions: null, expectedHeads: null }));
    // Held: its Alembic is alive. Unknown: the database cannot say — never guess that a lock is free.
    if (seen.lock !== "free") continue;
    const settled = await settle(db, instanceId, run, seen, now, cutoff, includeOwn, o.note);
    if (settled) recovered.push(settled);
  }
  // Lock rows whose run is no longer running block the environment for nothing.
  const stale = await db.environmentLock.findMany({ where: { ...envFilter, OR: [...own, { heartbeatAt: { lt: cutoff } }] } });
  for (const lock of stale) {
    const run = await db.run.findUnique({ where: { id: lock.runId }, select: { status: true } });
    if (!run || run.status !== "running") await db.environmentLock.deleteMany({ where: { runId: lock.runId, heartbeatAt: lock.heartbeatAt } });
  }
  return recovered;
}

async function settle(
  db: PrismaClient,
  instanceId: string,
  run: Run & { environment: { name: string; beforeRun?: unknown } },
  seen: RunInspection,
  now: Date,
  cutoff: Date,
  includeOwn: boolean,
  note: string | undefined,
): Promise<RecoveredRun | null> {
  const env = run.environment.name;
  const sameHost = run.runnerHost === os.hostname();
  const result = sameHost ? readResultFile(run.runnerLogFile) : null;
  // The runner's own log: what Alembic printed after Cairn stopped listening (redacted before storing).
  let orphanLines: string[] = [];
  if (sameHost && run.runnerLogFile && seen.redact) {
    try {
      orphanLines = fs.readFileSync(run.runnerLogFile, "utf8").split("\n").filter(Boolean).map(seen.redact);
    } catch {
      orphanLines = [];
    }
  }
  const revisions = seen.revisions ?? result?.after ?? null;
  const expected = seen.expectedHeads;
  const reached = revisions !== null && expected !== null && sameSet(revisions, expected);
  const dead = `Cairn instance ${run.instanceId ?? "(unknown)"} stopped while this run was in progress (last heartbeat ${run.heartbeatAt?.toISOString() ?? "never"}).`;
  const where = revisions === null ? `Cairn could not re-read ${env}'s version table: check where it stands.` : `${env} is now at ${revisionsText(revisions)}.`;
  let status: RecoveredRun["status"];
  let why: string;
  if (result && typeof result.exit === "number") {
    status = result.exit === 0 && (expected === null || reached) ? "succeeded" : "failed";
    why =
      status === "succeeded"
        ? `${dead} Its Alembic went on and finished while Cairn was down. ${where}`
        : `${dead} Its Alembic went on and ended with exit code ${result.exit} while Cairn was down. ${
            orphanLines.length
              ? describeRunFailure({
                  lines: orphanLines,
                  direction: run.kind === "downgrade" ? "downgrade" : "upgrade",
                  plannedSteps: run.path,
                  environment: env,
                  dialect: seen.dialect ?? "",
                  resultRevisions: revisions,
                }).headline
              : where
          }`;
  } else if (run.runnerPid === null) {
    status = "interrupted";
    // The runner's pid is recorded once the backup before the run (if any) is made: either may not have happened.
    const backsUp = run.kind !== "stamp" && asBeforeRun(run.environment.beforeRun) !== null;
    why = `${dead} Alembic had not started (${backsUp ? "Cairn stopped before it took the database lock or while it made the backup before the run" : "the database lock was never taken"}), so nothing ran. ${where}`;
  } else if (reached) {
    status = "succeeded";
    why = `${dead} Its Alembic finished while Cairn was down; the version table shows the run's target. ${where}`;
  } else {
    status = "interrupted";
    why = `${dead} Its Alembic ended while Cairn was down without reaching the target; some migrations may have been applied. ${where}`;
  }

  // What Alembic ran after Cairn stopped listening, from the runner's own log (the last one may be the one that failed).
  const orphanSteps = orphanLines
    .map(parseProgressLine)
    .filter((s) => s !== null)
    .map((s) => (s.direction === "upgrade" ? s.to[0] : s.from[0]) ?? "");

  const done = await db.$transaction(async (tx) => {
    // Conditional update: another instance recovering at the same moment gets count 0.
    const { count } = await tx.run.updateMany({
      where: { id: run.id, status: "running", ...(includeOwn && run.instanceId === instanceId ? {} : { OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null }] }) },
      data: {
        status,
        finishedAt: now,
        durationMs: run.startedAt ? now.getTime() - run.startedAt.getTime() : null,
        errorTail: noted(note, status === "succeeded" ? null : `${why}${orphanLines.length ? `\n\nAlembic output (last 40 lines):\n${orphanLines.slice(-40).join("\n")}` : ""}`),
        resultRevisions: revisions ?? undefined,
        executedSteps: orphanLines.length ? orphanSteps : undefined,
      },
    });
    if (count === 0) return false;
    await tx.environmentLock.deleteMany({ where: { runId: run.id } });
    await recordAudit(tx, {
      actor: { label: `system:${instanceId}` },
      action: status === "interrupted" ? "run.interrupted" : "run.recovered",
      projectId: run.projectId,
      environmentId: run.environmentId,
      environment: env,
      runId: run.id,
      fromRevision: (storedRevisions(run.executedFrom) ?? run.fromRevisions).join(",") || null,
      toRevision: run.target,
      outcome: status,
      details: { deadInstance: run.instanceId, lastHeartbeat: run.heartbeatAt?.toISOString() ?? null, resultRevisions: revisions, runnerExit: result?.exit ?? null, summary: why },
    });
    // Only the instance whose conditional update took gets here: the event is emitted once.
    await emitRunEvent(tx, `run.${status}`, run.id, { actor: null, recovered: true, failedStep: status === "failed" && result?.exit !== 0 ? (orphanSteps.at(-1) ?? null) : null });
    return true;
  });
  if (!done) return null;
  if (orphanLines.length || why) {
    const writer = createRunLogWriter(db, run.id, { startSeq: await nextRunLogSeq(db, run.id) });
    writer.append(`Cairn: what Alembic printed after Cairn stopped (from the runner's own log):`);
    for (const line of orphanLines) writer.append(line);
    writer.append(`Cairn: ${status} — ${why}`);
    await writer.close();
  }
  if (run.runnerLogFile && sameHost) removeRunnerFiles(run.runnerLogFile);
  return { runId: run.id, environmentId: run.environmentId, projectId: run.projectId, instanceId: run.instanceId, status };
}

function noted(note: string | undefined, tail: string | null): string | null {
  return note ? `${note}\n${tail ?? ""}`.trim() : tail;
}
