import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { serverEnv } from "@/lib/config/server-env";
import { storedRevisions } from "@/lib/revision-lists";
import { describeRunEvent, type RunEvent, type RunEventContext } from "@/lib/webhooks/describe-run-event";
import { emitEvent } from "@/lib/webhooks/emit-event";

/**
 * Tells the run's project's webhooks about a change of the run's status. Call it in the transaction
 * of that change, after the conditional update took (count 1): the event then exists exactly when
 * the change commits, once however many instances raced for it. Reads the run as the transaction
 * sees it. Returns how many webhooks were told.
 */
export async function emitRunEvent(db: PrismaClient | Prisma.TransactionClient, event: RunEvent, runId: string, ctx: Omit<RunEventContext, "baseUrl">): Promise<number> {
  const run = await db.run.findUniqueOrThrow({
    where: { id: runId },
    select: {
      id: true,
      projectId: true,
      kind: true,
      status: true,
      target: true,
      fromRevisions: true,
      path: true,
      resultRevisions: true,
      environment: { select: { name: true } },
      requestedBy: { select: { email: true } },
      approvedBy: { select: { email: true } },
    },
  });
  const { summary, data } = describeRunEvent(
    event,
    {
      id: run.id,
      environment: run.environment.name,
      kind: run.kind,
      status: run.status,
      target: run.target,
      fromRevisions: run.fromRevisions,
      steps: run.path,
      resultRevisions: storedRevisions(run.resultRevisions),
      requestedBy: run.requestedBy.email,
      approvedBy: run.approvedBy?.email ?? null,
    },
    { ...ctx, baseUrl: publicBaseUrl() },
  );
  return emitEvent(db, { projectId: run.projectId, event, summary, data });
}

/**
 * CAIRN_PUBLIC_URL as a base for links in events, or null when it is not set: scheme, host and path
 * only — userinfo, query and fragment never go into an event.
 */
export function publicBaseUrl(): string | null {
  let configured: string | undefined;
  try {
    configured = serverEnv().CAIRN_PUBLIC_URL;
  } catch {
    return null; // an invalid environment is reported at start-up; an event goes without its absolute link
  }
  if (!configured) return null;
  try {
    const u = new URL(configured);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return null;
  }
}
