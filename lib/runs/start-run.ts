import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { isAppError } from "@/lib/errors";
import { executeRun, type RunOutcome } from "@/lib/runner/execute-run";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { instanceId } from "@/lib/runs/instance-id";
import { runStaleMs } from "@/lib/runs/recover-stale-runs";
import type { RunExecution } from "@/lib/runs/plan-run";
import { readSchemaAfterRun, recordBaselineAfterRun } from "@/lib/drift-service/record-baseline-after-run";
import { emitRunEvent } from "@/lib/webhooks/emit-run-event";
import { startFailedEventReason } from "@/lib/runs/start-failed-reason";

const state = globalThis as unknown as { __cairnRunExecutions?: Map<string, Promise<RunOutcome | null>> };
const executions = (state.__cairnRunExecutions ??= new Map());

/**
 * Starts a queued run in this process without waiting for it (the request that queued it returns
 * at once; browsers follow the log). Every failure is captured: a run that could not even start
 * (environment busy, target locked, Alembic missing) is marked `cancelled` with the reason, so it
 * never sits in `queued` forever. Resolves with the outcome, or null when it did not start.
 */
export function startRun(db: PrismaClient, runId: string, actor: { id?: string | null; email: string }, execution: RunExecution): Promise<RunOutcome | null> {
  const redact = createRedactor([execution.databaseUrl]);
  const p = executeRun({
    db,
    runId,
    instanceId: instanceId(),
    actor,
    alembic: execution.alembic,
    databaseUrl: execution.databaseUrl,
    readRevisions: execution.readRevisions,
    expectedHeads: execution.expectedHeads,
    replan: execution.replan,
    fileOf: execution.fileOf,
    staleMs: runStaleMs(),
  })
    .then((outcome) => {
      // The schema it left behind becomes the baseline unless it started drifted (either way it is read and stored for the pages);
      // fire-and-forget, a baseline never fails a run.
      if (outcome.status === "succeeded") {
        recordBaselineAfterRun(db, { id: runId }, execution.preRunDrift).catch((e: unknown) => console.error(`[cairn] could not record a schema baseline after run ${runId}:`, isAppError(e) ? e.userMessage : redact(String(e))));
      } else if (outcome.status !== "stale") {
        // A failed or interrupted run may have changed the schema halfway: what the pages compare is read again.
        readSchemaAfterRun(db, runId).catch((e: unknown) => console.error(`[cairn] could not read the schema after run ${runId}:`, isAppError(e) ? e.userMessage : redact(String(e))));
      }
      return outcome;
    })
    .catch(async (e: unknown) => {
      const why = isAppError(e) ? e.userMessage : redact(e instanceof Error ? e.message : String(e));
      if (!isAppError(e)) console.error(`[cairn] run ${runId} failed to start:`, redact(String(e)));
      try {
        await db.$transaction(async (tx) => {
          const { count } = await tx.run.updateMany({
            where: { id: runId, status: "queued" },
            data: { status: "cancelled", finishedAt: new Date(), errorTail: `Cairn could not start this run: ${why}` },
          });
          if (count !== 1) return;
          const run = await tx.run.findUniqueOrThrow({ where: { id: runId }, include: { environment: { select: { name: true } } } });
          await recordAudit(tx, {
            actor: { userId: actor.id, email: actor.email },
            action: "run.start-failed",
            projectId: run.projectId,
            environmentId: run.environmentId,
            environment: run.environment.name,
            runId,
            toRevision: run.target,
            outcome: "cancelled",
            details: { reason: why },
          });
          await emitRunEvent(tx, "run.cancelled", runId, { actor: null, reason: startFailedEventReason(e) });
        });
      } catch (inner) {
        console.error(`[cairn] could not record that run ${runId} did not start:`, inner);
      }
      return null;
    })
    .finally(() => executions.delete(runId));
  executions.set(runId, p);
  return p;
}

/** The in-flight execution of a run in this process, if any (tests and graceful shutdown wait on it). */
export function runExecution(runId: string): Promise<RunOutcome | null> | undefined {
  return executions.get(runId);
}
