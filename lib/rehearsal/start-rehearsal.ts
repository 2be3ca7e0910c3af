import "server-only";
import type { Prisma, PrismaClient, Rehearsal } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError, isAppError } from "@/lib/errors";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { projectConstants } from "@/lib/projects/project-constants";
import { fromKeyOf, pathFilesHash } from "@/lib/rehearsal/path-files-hash";
import { rehearsePath } from "@/lib/rehearsal/rehearse-path";
import { rehearsalSettingsOf } from "@/lib/rehearsal/rehearsal-settings";
import type { RehearsalResult, RehearsalStep, RehearsalView } from "@/lib/rehearsal/types";
import { instanceId } from "@/lib/runs/instance-id";
import { prepareRun } from "@/lib/runs/plan-run";
import type { RunKind } from "@/lib/runs/run-request.types";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";
import type { UrlOptions } from "@/lib/projects/load-project";

export interface StartRehearsalInput {
  project: string;
  environment: string;
  kind: RunKind;
  target?: string;
  actor: Actor;
}

export interface StartRehearsalOptions extends UrlOptions {
  /** Resolve only when the rehearsal has finished (tests, the CLI); default: return once it has started. */
  wait?: boolean;
  /** How often a running rehearsal records that its process is alive; default 5 s. */
  heartbeatMs?: number;
}

export function toRehearsalView(r: Rehearsal, names: { project: string; environment: string }): RehearsalView {
  const roundTrip = { checked: r.roundTripChecked, reversible: r.reversible === true, differences: r.differences };
  return {
    id: r.id,
    project: names.project,
    environment: names.environment,
    // Rehearsals are only ever planned runs (a stamp runs no migration to rehearse).
    kind: r.kind as RehearsalView["kind"],
    from: r.fromRevisions,
    target: r.target,
    path: r.path,
    filesHash: r.filesHash,
    status: r.status,
    ok: r.status === "finished" ? r.stepsOk === true && roundTrip.checked && roundTrip.reversible : r.status === "running" ? null : false,
    steps: (Array.isArray(r.steps) ? r.steps : []) as unknown as RehearsalStep[],
    roundTrip,
    headline: r.headline,
    progress: r.progress,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Starts a rehearsal of the run `input` describes, planned exactly as that run would be (same
 * starting revisions, target and path), on a throwaway copy of the environment. Records it at once
 * (status running, progress updated per step), runs it in the background and records the result:
 * steps, round trip, headline. Returns the row; with `wait`, once it has finished.
 */
export async function startRehearsal(db: PrismaClient, input: StartRehearsalInput, opts: StartRehearsalOptions = {}): Promise<RehearsalView> {
  const prepared = await prepareRun(db, { project: input.project, environment: input.environment, kind: input.kind, target: input.target, actor: input.actor }, { key: opts.key, env: opts.env });
  const { plan, execution, environment: env } = prepared;
  const project = await db.project.findUniqueOrThrow({ where: { id: env.projectId } });
  const steps = plan.path.steps.map((s) => s.revision);
  if (steps.length === 0) {
    throw new AppError("bad-request", "nothing to rehearse", `${env.name} is already at ${plan.target}: there is no migration to rehearse.`);
  }
  const { graph } = await readProjectGraphAsync(project.alembicPath, { constants: projectConstants(project) });
  const filesHash = await pathFilesHash(graph, steps);
  const settings = rehearsalSettingsOf(project, env);
  let serverUrl: string | null = null;
  if (settings.server) {
    const r = resolveEnvironmentUrl(settings.server, { key: opts.key, env: opts.env });
    if (!r.ok) throw new AppError("config", `rehearsal server: ${r.message}`, `${project.name}'s rehearsal server URL cannot be used: ${r.message}. Fix rehearsal.url in cairn.config.json.`);
    serverUrl = r.url;
  }

  const fromKey = fromKeyOf(plan.from);
  const claimed = await db.$transaction(async (tx) => {
    // One live rehearsal per environment and path: a double click or a script gets the running one, not another pg_dump of the target.
    await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`cairn-rehearsal:${env.id}`}))) AS l`;
    const running = await tx.rehearsal.findFirst({
      where: { environmentId: env.id, fromKey, target: plan.target, filesHash, status: "running", heartbeatAt: { gte: new Date(Date.now() - LIVE_HEARTBEAT_MS) } },
      orderBy: { createdAt: "desc" },
    });
    if (running) return { row: running, existing: true };
    const created = await tx.rehearsal.create({
      data: {
        projectId: project.id,
        environmentId: env.id,
        kind: input.kind,
        fromKey,
        fromRevisions: plan.from,
        target: plan.target,
        path: steps,
        filesHash,
        status: "running",
        requestedById: input.actor.userId,
        requestedBy: input.actor.email,
        instanceId: instanceId(),
        heartbeatAt: new Date(),
        progress: "Copying the target's schema",
      },
    });
    await recordAudit(tx, {
      actor: { userId: input.actor.userId, email: input.actor.email },
      action: "rehearsal.started",
      projectId: project.id,
      environmentId: env.id,
      environment: env.name,
      fromRevision: plan.from.join(",") || null,
      toRevision: plan.target,
      details: { rehearsalId: created.id, kind: input.kind, path: steps },
    });
    return { row: created, existing: false };
  });
  const row = claimed.row;
  const names = { project: project.name, environment: env.name };
  if (claimed.existing) return opts.wait ? untilFinished(db, row.id, names) : toRehearsalView(row, names);

  const heartbeat = setInterval(() => void db.rehearsal.updateMany({ where: { id: row.id, status: "running" }, data: { heartbeatAt: new Date() } }).catch(() => {}), opts.heartbeatMs ?? 5000);
  heartbeat.unref?.();
  let lastWrite = Promise.resolve();
  const work = (async () => {
    let result: RehearsalResult | null = null;
    let failure: string | null = null;
    try {
      result = await rehearsePath({
        id: row.id,
        targetUrl: execution.databaseUrl,
        serverUrl,
        projectDir: execution.alembic.cwd,
        alembic: execution.alembic,
        versionTable: env.versionTable,
        versionTableSchema: env.versionTableSchema,
        graph,
        from: plan.from,
        direction: plan.path.direction,
        steps,
        withData: settings.withData ? { maxBytes: settings.maxDataMb * 1_048_576 } : null,
        audit: { db, actor: { userId: input.actor.userId, email: input.actor.email }, projectId: project.id, environmentId: env.id, environment: env.name },
        onProgress: (p) => {
          // Writes in order, one at a time: a slow store never reorders progress.
          lastWrite = lastWrite.then(() =>
            db.rehearsal.updateMany({ where: { id: row.id, status: "running" }, data: { progress: p.label, steps: p.steps as unknown as Prisma.InputJsonValue, heartbeatAt: new Date() } }).then(
              () => undefined,
              () => undefined,
            ),
          );
        },
      });
    } catch (e) {
      failure = isAppError(e) ? e.userMessage : "The rehearsal could not run (see the server log).";
      if (!isAppError(e)) console.error(`rehearsal ${row.id} failed`, e);
    } finally {
      clearInterval(heartbeat);
    }
    await lastWrite;
    const done = await db.$transaction(async (tx) => {
      const updated = await tx.rehearsal.update({
        where: { id: row.id },
        data: result
          ? {
              status: "finished",
              // The path's own steps: a failing round-trip step is irreversibility (roundTrip), judged by the gate as such.
              stepsOk: result.steps.every((s) => s.phase !== "path" || s.ok),
              roundTripChecked: result.roundTrip.checked,
              reversible: result.roundTrip.checked ? result.roundTrip.reversible : null,
              differences: result.roundTrip.differences,
              steps: result.steps as unknown as Prisma.InputJsonValue,
              headline: result.headline,
              progress: null,
              finishedAt: new Date(),
            }
          : { status: "error", headline: failure, progress: null, finishedAt: new Date() },
      });
      await recordAudit(tx, {
        actor: { userId: input.actor.userId, email: input.actor.email },
        action: "rehearsal.finished",
        projectId: project.id,
        environmentId: env.id,
        environment: env.name,
        fromRevision: plan.from.join(",") || null,
        toRevision: plan.target,
        outcome: result ? (result.ok ? "passed" : "failed") : "error",
        details: { rehearsalId: row.id, headline: updated.headline },
      });
      return updated;
    });
    return toRehearsalView(done, names);
  })();
  if (opts.wait) return work;
  work.catch((e: unknown) => console.error(`rehearsal ${row.id} could not be recorded`, e));
  return toRehearsalView(row, names);
}

/** A running rehearsal heartbeats every 5 s; one silent for this long is not live (the start-up sweep marks it interrupted). */
const LIVE_HEARTBEAT_MS = 60_000;

async function untilFinished(db: PrismaClient, id: string, names: { project: string; environment: string }): Promise<RehearsalView> {
  for (;;) {
    const r = await db.rehearsal.findUniqueOrThrow({ where: { id } });
    if (r.status !== "running" || !r.heartbeatAt || r.heartbeatAt.getTime() < Date.now() - LIVE_HEARTBEAT_MS) return toRehearsalView(r, names);
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** One rehearsal, or a 404 naming it. */
export async function getRehearsalOrThrow(db: PrismaClient, id: string): Promise<RehearsalView> {
  const r = await db.rehearsal.findUnique({ where: { id }, include: { project: { select: { name: true } }, environment: { select: { name: true } } } });
  if (!r) throw new AppError("not-found", `rehearsal ${id} not found`, `Rehearsal ${id} does not exist.`);
  return toRehearsalView(r, { project: r.project.name, environment: r.environment.name });
}

/** An environment's recent rehearsals, newest first (without their logs). */
export async function listRehearsals(db: PrismaClient, q: { project: string; environment: string; limit?: number }): Promise<RehearsalView[]> {
  const rows = await db.rehearsal.findMany({
    where: { project: { name: q.project }, environment: { name: q.environment } },
    orderBy: { createdAt: "desc" },
    take: q.limit ?? 20,
  });
  return rows.map((r) => {
    const v = toRehearsalView(r, { project: q.project, environment: q.environment });
    // The list stays small: logs are read one rehearsal at a time.
    return { ...v, steps: v.steps.map((s) => ({ revision: s.revision, direction: s.direction, phase: s.phase, ok: s.ok, ms: s.ms, ...(s.error ? { error: s.error } : {}) })) };
  });
}
