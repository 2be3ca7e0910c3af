import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError, isAppError } from "@/lib/errors";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { readVersionTable } from "@/lib/targets/read-version-table";
import { ancestorsOf } from "@/lib/graph/describe-history";
import { resolveRevisions } from "@/lib/graph/resolve-revisions";
import { executeRun } from "@/lib/runner/execute-run";
import { enqueueSchemaRead } from "@/lib/drift-service/schema-read-job";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { instanceId } from "@/lib/runs/instance-id";
import { loadProject, usableUrlOrThrow } from "@/lib/projects/load-project";
import type { PlanRunOptions } from "@/lib/runs/plan-run";
import { recoverStaleRuns, runStaleMs } from "@/lib/runs/recover-stale-runs";
import { findOpenRun, isOpenRunIndexViolation, openRunError } from "@/lib/runs/request-run";
import type { StampResult, TStampRequest } from "@/lib/runs/stamp-request.types";
import { revisionsText, sameSet } from "@/lib/revision-lists";
import { emitRunEvent } from "@/lib/webhooks/emit-run-event";
import { startFailedEventReason } from "@/lib/runs/start-failed-reason";

export interface StampEnvironmentInput {
  project: string;
  environment: string;
  actor: Actor;
  request: TStampRequest;
}

export interface StampEnvironmentOptions extends PlanRunOptions {
  /** Called once the stamp run holds the environment (tests race a second run against it). */
  onStarted?: () => void | Promise<void>;
}

/**
 * Why a stamp records no drift baseline: the schema was made by hand (or by half a migration), not by
 * the migrations the version table now names, so it is no evidence of what those revisions look like.
 */
export function stampBaselineNote(environment: string): string {
  return `No schema baseline was recorded after this stamp: a stamp changes only ${environment}'s version table, and the schema it now sits on was made by hand, not by these migrations. The previous baseline stays; if the schema is right for the stamped revisions, take a baseline on the drift page.`;
}

/**
 * Sets an environment's version table to chosen revisions with real `alembic stamp` and runs no
 * migration — the recovery step after a hand fix or a half-applied (MySQL) migration. A stamp is a
 * Run of kind "stamp": one open run per environment, the store's environment lock, the guarded runner
 * holding the database lock in Alembic's process (refused if the table moved since it was read), the
 * run log and page, and the audit trail. The typed environment name and a written reason are always
 * required; it needs no second person (it is the way out of a stuck release), the reason is audited
 * with the rows before and after, and no drift baseline is recorded (stampBaselineNote).
 */
export async function stampEnvironment(db: PrismaClient, i: StampEnvironmentInput, opts: StampEnvironmentOptions = {}): Promise<StampResult> {
  const { project, environment, constants } = await loadProject(db, i.project, opts);
  const env = environment(i.environment);
  if (i.request.typedConfirmation !== env.name) {
    const typed = i.request.typedConfirmation.trim() ? `You typed "${i.request.typedConfirmation}", which is not` : "Type";
    throw new AppError("validation", `stamp of ${env.name}: typed confirmation mismatch`, `${typed} the environment's name "${env.name}". Type "${env.name}" exactly (it is case-sensitive) to confirm the stamp.`);
  }
  const reason = i.request.reason.trim();
  await recoverStaleRuns(db, { environmentId: env.id, key: opts.key });

  const { project: loaded, graph } = await readProjectGraphAsync(project.alembicPath, { constants });
  const rootDir = loaded.location.rootDir;
  // Each item names revisions as Alembic resolves them (ids, unique prefixes, "heads"); "base" empties the table.
  const specs = i.request.revisions;
  const isBase = specs.length === 1 && specs[0] === "base";
  if (!isBase && specs.includes("base")) {
    throw new AppError("validation", "stamp base with revisions", '"base" empties the version table: stamp it alone, or name only revisions.');
  }
  const to = isBase ? [] : [...new Set(specs.flatMap((spec) => resolveRevisions(graph, spec)))].sort();
  const targets = to.length ? to : ["base"];
  // Alembic writes every named revision, ancestors included (stamp a1 b2 leaves both rows): refuse what no real table holds.
  for (const r of to) {
    const below = ancestorsOf(graph, r).find((a) => to.includes(a));
    if (below) {
      throw new AppError(
        "validation",
        `stamp of ${env.name}: ${below} is below ${r}`,
        `${below} is an ancestor of ${r}, so a version table never holds both: it holds only the newest revision of each branch. Stamp ${r} alone${to.length > 2 ? " with the other branches' revisions" : ""}.`,
      );
    }
  }

  const databaseUrl = usableUrlOrThrow(env);
  const readRevisions = async () => {
    const r = await readVersionTable({ url: databaseUrl, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: Math.max(env.timeoutMs, 3000), baseDir: rootDir });
    if (!r.ok) throw new AppError("unreachable", `read ${env.name}: ${r.reason}`, `Cairn could not read ${env.name}'s version table: ${r.message}. Check that the database is up, then try again.`);
    return r.tableExists ? r.revisions : [];
  };
  const before = await readRevisions();
  if (sameSet(before, to)) {
    throw new AppError("bad-request", `stamp of ${env.name} is a no-op`, `Nothing to stamp: ${env.name}'s version table already holds ${revisionsText(before)}. Choose other revisions.`);
  }

  // The stamp's run and its request row: refused while another run is open on the environment.
  let runId: string;
  try {
    runId = await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`cairn-run-request:${env.id}`}))) AS l`;
      const open = await findOpenRun(tx, env.id);
      if (open) throw openRunError(env.name, open);
      const run = await tx.run.create({
        data: { projectId: project.id, environmentId: env.id, kind: "stamp", status: "queued", target: targets.join(","), fromRevisions: before, path: [], requestedById: i.actor.userId, reason },
        select: { id: true },
      });
      await recordAudit(tx, {
        actor: i.actor,
        action: "run.request",
        projectId: project.id,
        environmentId: env.id,
        environment: env.name,
        runId: run.id,
        fromRevision: before.join(",") || null,
        toRevision: targets.join(","),
        outcome: "queued",
        details: { kind: "stamp", reason, before, to },
      });
      await emitRunEvent(tx, "run.requested", run.id, { actor: i.actor.email, reason });
      return run.id;
    });
  } catch (e) {
    if (!isOpenRunIndexViolation(e)) throw e;
    const open = await findOpenRun(db, env.id);
    throw open ? openRunError(env.name, open) : new AppError("conflict", `open-run index refused a stamp on ${env.name}`, `${env.name} had another open run a moment ago. Reload and try again.`);
  }

  const redact = createRedactor([databaseUrl]);
  const command = project.command;
  const configFile = loaded.location.configFile?.endsWith(".ini") ? loaded.location.configFile : undefined;
  let outcome;
  try {
    outcome = await executeRun({
      db,
      runId,
      instanceId: instanceId(),
      actor: { id: i.actor.userId, email: i.actor.email },
      alembic: { command, cwd: rootDir, configFile, urlEnvVar: project.urlEnvVar, xArgs: project.xArgs },
      databaseUrl,
      readRevisions,
      expectedHeads: to,
      staleMs: runStaleMs(),
      onStarted: opts.onStarted,
    });
  } catch (e) {
    // Nothing ran (the environment or its database lock is held, the database is unreachable): the run is cancelled with the reason.
    const why = isAppError(e) ? e.userMessage : redact(e instanceof Error ? e.message : String(e));
    await db.$transaction(async (tx) => {
      const { count } = await tx.run.updateMany({ where: { id: runId, status: "queued" }, data: { status: "cancelled", finishedAt: new Date(), errorTail: `Cairn could not start this stamp: ${why}` } });
      if (count !== 1) return;
      await recordAudit(tx, {
        actor: i.actor,
        action: "run.start-failed",
        projectId: project.id,
        environmentId: env.id,
        environment: env.name,
        runId,
        toRevision: targets.join(","),
        outcome: "cancelled",
        details: { kind: "stamp", reason: why },
      });
      await emitRunEvent(tx, "run.cancelled", runId, { actor: null, reason: startFailedEventReason(e) });
    });
    throw e;
  }
  if (outcome.status === "stale") throw new AppError("conflict", `stamp of ${env.name} refused: moved`, outcome.summary, { runId });

  // The state re-read afterwards, outside the lock, as the overview will show it.
  let after: string[] | null = null;
  try {
    after = await readRevisions();
  } catch {
    after = outcome.resultRevisions;
  }
  const purged = before.length > 0;
  const baseline = stampBaselineNote(env.name);
  await db.$transaction(async (tx) => {
    await recordAudit(tx, {
      actor: i.actor,
      action: "environment.stamp",
      projectId: project.id,
      environmentId: env.id,
      environment: env.name,
      runId,
      fromRevision: before.join(",") || null,
      toRevision: (after ?? []).join(",") || null,
      outcome: outcome.status,
      details: { reason, before: outcome.executedFrom ?? before, after, requested: to, purged, baseline: "not recorded" },
    });
    // The version table moved: the stored reading (what pages compare) is read again by the job queue.
    await enqueueSchemaRead(tx, env.id, "stamp");
  });
  if (outcome.status === "succeeded") {
    await recordAudit(db, {
      actor: { label: "cairn" },
      action: "baseline.skip",
      projectId: project.id,
      environmentId: env.id,
      environment: env.name,
      runId,
      toRevision: targets.join(","),
      outcome: "skipped",
      details: { source: "stamp", runId, message: baseline },
    });
  }
  return { runId, status: outcome.status, before: outcome.executedFrom ?? before, after, purged, summary: outcome.summary, baseline };
}
