import { revisionsText } from "@/lib/revision-lists";
import type { WebhookEvent } from "@/lib/webhooks/webhook-events";

/** The webhook events that report a run's status. */
export type RunEvent = Extract<WebhookEvent, `run.${string}`>;

/** A run as its events tell it: names, revisions and e-mail addresses — never a URL, a password or Alembic's output. */
export interface RunEventFacts {
  id: string;
  environment: string;
  kind: string;
  status: string;
  target: string;
  fromRevisions: string[];
  /** The reviewed path: migrations applied (upgrade) or removed (downgrade), in order. */
  steps: string[];
  /** Where the version table stands after the run; null while it runs or when it could not be read. */
  resultRevisions: string[] | null;
  requestedBy: string;
  approvedBy: string | null;
}

export interface RunEventContext {
  /** Who caused this event (requester, approver, the one who cancelled…); null for Cairn itself. */
  actor: string | null;
  /** Why, in the words of whoever decided (a rejection's or a cancel's reason) or of Cairn (stale, could not start). */
  reason?: string | null;
  /** Settled by another Cairn instance after the one executing it stopped. */
  recovered?: boolean;
  /** The migration Alembic was running when it failed, when known. */
  failedStep?: string | null;
  /** Cairn's public URL (CAIRN_PUBLIC_URL, without credentials): data.url is absolute only when it is known. */
  baseUrl?: string | null;
}

/** Longest reason quoted in a summary: a Slack line, not a report (data.reason has the whole of it). */
const MAX_REASON = 200;

function oneLine(text: string, max = MAX_REASON): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "upgrade to e5 (2 migrations)", "stamp to c3". */
function whatRuns(run: RunEventFacts): string {
  if (run.kind === "stamp") return `stamp to ${run.target}`;
  const n = run.steps.length;
  return `${run.kind} to ${run.target} (${n} migration${n === 1 ? "" : "s"})`;
}

/**
 * The one line a person reads in Slack, and the facts a program reads, for one run event:
 * "production: upgrade to e5 (2 migrations) requested by alice@example.com — awaiting approval".
 * Pure: the caller loads the run in the transaction of the change it reports.
 */
export function describeRunEvent(event: RunEvent, run: RunEventFacts, ctx: RunEventContext): { summary: string; data: Record<string, unknown> } {
  const env = run.environment;
  const what = whatRuns(run);
  const by = ctx.actor ?? "Cairn";
  const now = run.resultRevisions ? `${env} is now at ${revisionsText(run.resultRevisions)}` : `where ${env} stands could not be read`;
  const reason = ctx.reason ? oneLine(ctx.reason) : null;
  let summary: string;
  switch (event) {
    case "run.requested":
      summary = `${env}: ${what} requested by ${run.requestedBy} — ${run.status === "awaiting_approval" ? "awaiting approval" : "queued"}`;
      break;
    case "run.awaiting_approval":
      summary = `${env}: ${what} requested by ${run.requestedBy} awaits approval by a second person`;
      break;
    case "run.approved":
      summary = `${env}: ${what} approved by ${by} (requested by ${run.requestedBy})`;
      break;
    case "run.rejected":
      summary = `${env}: ${what} rejected by ${by}${reason ? `: ${reason}` : ""}`;
      break;
    case "run.cancelled":
      summary = ctx.actor ? `${env}: ${what} cancelled by ${ctx.actor}${reason ? `: ${reason}` : ""}` : `${env}: ${what} cancelled${reason ? ` — ${reason}` : ""}`;
      break;
    case "run.stale":
      summary = `${env}: ${what} requested by ${run.requestedBy} is stale — ${env} or its migration files changed since it was reviewed, so it will not run; request it again`;
      break;
    case "run.succeeded":
      summary = `${env}: ${what} succeeded${ctx.recovered ? " while Cairn was down" : ""} — ${now}`;
      break;
    case "run.failed":
      summary = `${env}: ${what} failed${ctx.failedStep ? ` in migration ${ctx.failedStep}` : ""}${ctx.recovered ? " while Cairn was down" : ""} — ${now}`;
      break;
    case "run.interrupted":
      summary = `${env}: ${what} was interrupted${ctx.recovered ? " (the Cairn instance running it stopped)" : ""} — ${now}; check it before running again`;
      break;
  }
  const link = `/runs/${run.id}`;
  return {
    summary,
    data: {
      runId: run.id,
      environment: env,
      kind: run.kind,
      status: run.status,
      target: run.target,
      fromRevisions: run.fromRevisions,
      toRevisions: run.resultRevisions,
      steps: run.steps,
      requestedBy: run.requestedBy,
      approvedBy: run.approvedBy,
      actor: ctx.actor,
      ...(ctx.reason ? { reason: ctx.reason } : {}),
      ...(ctx.failedStep ? { failedStep: ctx.failedStep } : {}),
      ...(ctx.recovered ? { recovered: true } : {}),
      link,
      ...(ctx.baseUrl ? { url: `${ctx.baseUrl}${link}` } : {}),
    },
  };
}
