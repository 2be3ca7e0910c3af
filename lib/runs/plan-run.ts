import "server-only";
import fs from "node:fs";
import nodePath from "node:path";
import type { Environment, PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { readEnvironmentStatus } from "@/lib/targets/read-project-status";
import { readVersionTable } from "@/lib/targets/read-version-table";
import type { EnvironmentStatus } from "@/lib/targets/types";
import { relativePath } from "@/lib/gates/check-graph-soundness";
import { canRequest as gatesAllowRequest } from "@/lib/gates/evaluate-gates";
import type { GateFacts } from "@/lib/gates/types";
import { downgradePath, upgradePath } from "@/lib/graph/migration-path";
import { matchRelative, resolveRevisions } from "@/lib/graph/resolve-revisions";
import type { MigrationPath, RevisionGraph } from "@/lib/graph/types";
import { loadProjectWithGraph, usableUrlOrThrow, type UrlOptions } from "@/lib/projects/load-project";
import { previewSql } from "@/lib/runner/preview-sql";
import { keepPreview, previewKey, readKeptPreview } from "@/lib/runs/cached-preview";
import { lintPlannedPath } from "@/lib/lint-service/lint-planned-path";
import { applyLintAcknowledgements } from "@/lib/lint-service/apply-lint-acknowledgements";
import { evaluateRunGates } from "@/lib/gates/evaluate-run-gates";
import { readEnvironmentDriftFact } from "@/lib/drift-service/detect-project-drift";
import { readSchemaNow } from "@/lib/drift-service/schema-readings";
import type { RunKind, RunPlan } from "@/lib/runs/run-request.types";
import type { ResolvedUrl } from "@/lib/secrets/resolve-environment-url";
import { sameSet, storedRevisions } from "@/lib/revision-lists";
import { readRehearsalFact } from "@/lib/rehearsal/read-rehearsal-fact";
import { readAppliedFileEdits } from "@/lib/applied-files/read-applied-file-edits";
import { describeReviewedFilesChange, readReviewedFiles, type Replanned } from "@/lib/runner/reviewed-files";
import { readBeforeRunIntent } from "@/lib/backups/read-before-run-intent";

export interface PlanRunInput {
  project: string;
  environment: string;
  kind: RunKind;
  /** Revision spec; ignored for a promotion unless `pinnedTarget` is set. Upgrade default "heads". */
  target?: string;
  /** Who would request the run (their role matters for a drift override). */
  actor: Actor;
  inputs?: { typedConfirmation?: string; destructiveConfirmation?: string[]; previewAcknowledgement?: string[]; driftOverrideReason?: string };
  /** Re-planning a stored promotion: keep the target it was requested with instead of re-reading the previous environment. */
  pinnedTarget?: string;
}

export interface PlanRunOptions extends UrlOptions {
  /** CAIRN_BACKUP_DIR for the backup gate (default: the server's environment). */
  backupDir?: string | null;
}

/** How to run Alembic for this environment. Server-only: holds the decrypted URL. */
export interface RunExecution {
  databaseUrl: string;
  alembic: { command: string[]; cwd: string; configFile?: string; urlEnvVar: string; xArgs: string[] };
  readRevisions: () => Promise<string[]>;
  expectedHeads: string[];
  /** Re-plans from the revisions read under the database lock, with the migration files as they are then. */
  replan: (from: string[]) => Promise<Replanned>;
  /** A migration's file relative to the project root (failure headlines). */
  fileOf: (revision: string) => string | undefined;
  /** The drift gate's fact read with this plan, just before the run starts: a run on a drifted schema records no baseline. */
  preRunDrift: GateFacts["drift"];
}

/** The plan, plus what the server needs to record and execute it. */
export interface PreparedRun {
  plan: RunPlan;
  facts: Omit<GateFacts, "requester" | "approver">;
  targetIds: string[];
  environment: Environment;
  execution: RunExecution;
}

async function readStatusOrThrow(env: Environment, url: ResolvedUrl, graph: RevisionGraph, rootDir: string): Promise<EnvironmentStatus> {
  const status = await readEnvironmentStatus({ name: env.name, url, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: env.timeoutMs }, graph, rootDir);
  if (status.state === "unreachable") {
    throw new AppError(
      "unreachable",
      `environment ${env.name} unreachable: ${status.reason}`,
      `Cairn could not read ${env.name}'s version table (${status.error ?? status.reason}). Check its database URL and that the database is up, then try again.`,
    );
  }
  return status;
}

/** What Alembic is told: one id, "heads" when the target is every head, or "base". */
function alembicTargetOf(graph: RevisionGraph, spec: string, ids: string[]): string {
  if (ids.length === 0) return "base";
  if (ids.length === 1) return ids[0]!;
  if (sameSet(ids, graph.heads) || sameSet(ids, graph.realHeads ?? [])) return "heads";
  throw new AppError("validation", `target ${spec} names several revisions`, `"${spec}" names several revisions (${ids.join(", ")}). Alembic takes one target: pick one of them, or "heads".`);
}

/**
 * Plans a run on an environment from its ACTUAL state: reads the graph and the version table live,
 * resolves the target and the path exactly as Alembic would, gathers every fact the gates look at
 * (graph problems, the previous environment and its succeeded runs, sign-offs, version_num width,
 * approvers, drift) and asks real Alembic for the SQL (`--sql`). No side effects.
 */
export async function prepareRun(db: PrismaClient, input: PlanRunInput, opts: PlanRunOptions = {}): Promise<PreparedRun> {
  // Before any version table is read: what a run records after this moment is newer than what this plan saw.
  const readAt = new Date();
  const { project, environments, environment, constants, graph, location, rootDir, alembic } = await loadProjectWithGraph(db, input.project, opts);
  const env = environment(input.environment);
  const databaseUrl = usableUrlOrThrow(env);
  const status = await readStatusOrThrow(env, env.url, graph, rootDir);
  const from = status.revisions;

  const index = environments.findIndex((e) => e.id === env.id);
  const prevEnv = index > 0 ? environments[index - 1]! : null;
  let prevStatus: EnvironmentStatus | null = null;
  if (prevEnv && input.kind !== "downgrade") {
    prevStatus = await readStatusOrThrow(prevEnv, prevEnv.url, graph, rootDir);
  }

  // The target spec.
  let spec: string;
  if (input.kind === "promotion") {
    if (!prevEnv || !prevStatus) {
      throw new AppError("bad-request", `${env.name} has no predecessor`, `${env.name} is first in ${project.name}'s promotion order, so there is nothing to promote from. Use "Upgrade to…" instead.`);
    }
    if (input.pinnedTarget) spec = input.pinnedTarget;
    else if (prevStatus.revisions.length === 0) {
      throw new AppError("bad-request", `${prevEnv.name} at base`, `${prevEnv.name} has no revision applied, so there is nothing to promote to ${env.name}. Upgrade ${prevEnv.name} first.`);
    } else if (prevStatus.revisions.length === 1) spec = prevStatus.revisions[0]!;
    else if (sameSet(prevStatus.revisions, graph.heads)) spec = "heads";
    else {
      throw new AppError(
        "bad-request",
        `${prevEnv.name} holds several revisions`,
        `${prevEnv.name} holds several revisions (${prevStatus.revisions.join(", ")}) that are not the repo's heads; Alembic upgrades to one target at a time. Use "Upgrade to…" on ${env.name} with each of them.`,
      );
    }
  } else if (input.kind === "downgrade") {
    if (!input.target) throw new AppError("validation", "downgrade without target", 'Choose the revision to downgrade to (or "base" to remove every migration).');
    spec = input.target;
  } else {
    spec = input.target || "heads";
  }

  const path: MigrationPath = input.kind === "downgrade" ? downgradePath(graph, from, spec) : upgradePath(graph, from, spec);
  let targetIds: string[];
  if (spec === "base") targetIds = [];
  else {
    try {
      targetIds = resolveRevisions(graph, spec);
    } catch (e) {
      // "+1" / "-1" are relative to the current revision: the path already says where they land.
      if (!matchRelative(spec)) throw e;
      targetIds = path.resultHeads;
    }
  }
  const target = alembicTargetOf(graph, spec, targetIds);

  // The files the preview is rendered from, hashed before Alembic reads them and again after: the plan
  // names the bytes its SQL came from, and the request, the approval and the runner compare with them.
  const filesOf = () => readReviewedFiles({ graph, steps: path.steps, ...location });
  const filesBefore = await filesOf();
  // The SQL preview (real Alembic, ~1 s) runs while the store is read; what it cannot show is a gate fact.
  const audit = { db, actor: input.actor, purpose: "preview", projectId: project.id, environmentId: env.id, environment: env.name } as const;
  const previewInput = {
    ...alembic,
    databaseUrl: databaseUrl,
    versionTable: env.versionTable,
    versionTableSchema: env.versionTableSchema,
    direction: path.direction,
    current: from,
    target,
    steps: path.steps.map((r) => {
      const node = graph.revisions.get(r);
      return { revision: r, downRevisions: node?.downRevisions ?? [], ...(node?.path ? { file: relativePath(node.path, rootDir) } : {}) };
    }),
  };
  // Requesting and approving reuse the SQL rendered for the plan that was reviewed (same files, same
  // starting point, same command and database), so the stored SQL is the SQL the person saw.
  const key = previewKey({ v: 2, environmentId: env.id, ...previewInput, files: filesBefore }, opts.key);
  const kept = await readKeptPreview(db, key);
  const previewing = kept ? Promise.resolve(kept) : previewSql({ ...previewInput, timeoutMs: 60_000, audit });
  // Awaited below; until then a failure must not count as unhandled.
  previewing.catch(() => undefined);
  // The target's schema, read once while Alembic renders: the drift gate and lint's type-aware rules
  // both use this reading; the other environments are compared through their stored readings.
  const reading = readSchemaNow(env, rootDir, { url: databaseUrl, revisions: from });
  // Lint reads the same rendered SQL (Alembic runs again only for what follows a migration that stopped it), and the live schema meanwhile.
  const linting =
    path.direction === "upgrade"
      ? lintPlannedPath({
          preview: previewing,
          steps: path.steps,
          graph,
          rootDir,
          url: databaseUrl,
          versionTable: env.versionTable,
          schema: reading.then((r) => r.snapshot),
          versionNumWidth: status.versionNumWidth ?? null,
          // Its own renders are audited too, under the same person (purpose "lint").
          alembic: { ...alembic, databaseUrl: databaseUrl, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: 60_000, audit },
          target,
        })
      : // Downgrades are not linted: the rules judge what an upgrade does to existing tables.
        Promise.resolve(undefined);

  const [signOffs, prevRuns, drift, rehearsal, appliedFileEdits, beforeRun] = await Promise.all([
    db.signOff.findMany({ where: { projectId: project.id }, select: { revisions: true, revokedAt: true, userId: true } }),
    prevEnv && input.kind !== "downgrade"
      ? // A stamp moved the version table without running anything: it is no proof a migration ran there.
        db.run.findMany({ where: { environmentId: prevEnv.id, status: "succeeded", kind: { not: "stamp" } }, select: { target: true, path: true, resultRevisions: true } })
      : Promise.resolve([]),
    // Drift against its baseline AND against the other environments at the same revisions (their stored readings).
    readEnvironmentDriftFact(db, project, env.name, { rootDir, opts: { key: opts.key, env: opts.env }, reading }),
    // The latest rehearsal of this exact path (same from, target and migration files).
    readRehearsalFact(db, { project, environment: env, url: databaseUrl, from, target, steps: path.steps, graph }),
    // Hashes of files applied outside Cairn, first seen now; then the path's files edited since applied anywhere.
    path.direction === "upgrade"
      ? readAppliedFileEdits(db, {
          projectId: project.id,
          graph,
          rootDir,
          seen: [{ environmentId: env.id, revisions: from, readAt }, ...(prevEnv && prevStatus ? [{ environmentId: prevEnv.id, revisions: prevStatus.revisions, readAt }] : [])],
          revisions: path.steps,
        })
      : Promise.resolve(undefined),
    // The backup (or the operator's command) that runs before Alembic, checked now so a misconfiguration blocks here, not mid-run.
    readBeforeRunIntent(env, { project: project.name, databaseUrl: databaseUrl, cwd: rootDir, backupDir: opts.backupDir }),
  ]);

  const migrationSources: Record<string, string | null> = {};
  if (path.direction === "downgrade") {
    for (const r of path.steps) {
      const file = graph.revisions.get(r)?.path;
      migrationSources[r] = file ? await fs.promises.readFile(file, "utf8").catch(() => null) : null;
    }
  }

  const preview = await previewing;
  const linted = await linting;
  const reviewedFiles = await filesOf();
  const changedMeanwhile = describeReviewedFilesChange(filesBefore, reviewedFiles, "Cairn began rendering this plan's SQL", "Open the plan again.");
  if (changedMeanwhile) throw new AppError("conflict", `migration files of ${project.name} changed while planning`, changedMeanwhile);
  // Only now, with the files the same after the render as before, is the render kept under their hashes.
  if (!kept) await keepPreview(db, key, preview);
  // An admin's acknowledgements count like the migration's own comments (for the files' current bytes).
  const lint = linted && "lint" in linted ? { lint: { ...linted.lint, findings: await applyLintAcknowledgements(db, { projectId: project.id, graph, findings: linted.lint.findings }) } } : linted;
  // Unchecked because the target's schema could not be read (not for want of a baseline): the gate says which.
  const driftUnread = drift === null ? (await reading).error : null;
  const approvers = env.approvers;
  const reason = input.inputs?.driftOverrideReason?.trim();
  const facts: Omit<GateFacts, "requester" | "approver"> = {
    kind: input.kind,
    environment: { name: env.name, protected: env.protected, approvers, versionTable: env.versionTable, versionNumWidth: status.versionNumWidth ?? null, enforcesVersionWidth: !databaseUrl.startsWith("sqlite") },
    target: targetIds[0] ?? "base",
    path,
    graph,
    projectRoot: rootDir,
    previousEnvironment: prevEnv
      ? {
          name: prevEnv.name,
          currentRevisions: prevStatus?.revisions ?? [],
          succeededRuns: prevRuns.map((r) => ({ target: r.target, path: r.path, resultRevisions: storedRevisions(r.resultRevisions) })),
        }
      : null,
    signOffs: signOffs.map((s) => ({ revisions: s.revisions, revokedAt: s.revokedAt })),
    drift,
    ...(driftUnread ? { driftUnread } : {}),
    rehearsal,
    ...(appliedFileEdits ? { appliedFileEdits } : {}),
    ...(beforeRun ? { beforeRun: { description: beforeRun.description, problem: beforeRun.problem } } : {}),
    migrationSources,
    preview: { notPreviewed: preview.notPreviewed, skipped: preview.skipped },
    ...(lint ?? {}),
    inputs: {
      typedConfirmation: input.inputs?.typedConfirmation,
      destructiveConfirmation: input.inputs?.destructiveConfirmation,
      previewAcknowledgement: input.inputs?.previewAcknowledgement,
      driftOverride: reason ? { reason, byRole: input.actor.role, byEmail: input.actor.email } : undefined,
    },
  };
  const gates = evaluateRunGates({ ...facts, requester: { userId: input.actor.userId, email: input.actor.email }, approver: null }, targetIds);

  const plan: RunPlan = {
    project: project.name,
    environment: { id: env.id, name: env.name, protected: env.protected, approvers },
    kind: input.kind,
    previousEnvironment: prevEnv ? { name: prevEnv.name, revisions: prevStatus?.revisions ?? [] } : null,
    from,
    target,
    targetRevisions: targetIds,
    path: {
      direction: path.direction,
      steps: path.steps.map((r) => ({ revision: r, message: graph.revisions.get(r)?.message ?? "" })),
      resultHeads: path.resultHeads,
      ...(path.versionTableError ? { versionTableError: path.versionTableError } : {}),
    },
    sqlPreview: preview.sql,
    reviewedFiles,
    gates,
    canRequest: gatesAllowRequest(gates),
    needsApproval: env.protected,
    beforeRun,
  };

  const execution: RunExecution = {
    databaseUrl: databaseUrl,
    alembic,
    replan: async (lockedFrom) => replanSteps(project.alembicPath, constants, input.kind, lockedFrom, target),
    fileOf: (r) => {
      const file = graph.revisions.get(r)?.path;
      return file ? nodePath.relative(rootDir, file) : undefined;
    },
    expectedHeads: path.resultHeads,
    preRunDrift: drift,
    readRevisions: async () => {
      const r = await readVersionTable({ url: databaseUrl, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: Math.max(env.timeoutMs, 3000), baseDir: rootDir });
      if (!r.ok) throw new AppError("unreachable", `re-read ${env.name}: ${r.reason}`, `Cairn could not re-read ${env.name}'s version table: ${r.message}`);
      return r.tableExists ? r.revisions : [];
    },
  };
  return { plan, facts, targetIds, environment: env, execution };
}

/**
 * At execution, under the database lock: reads the migration files again and plans from where the
 * database stands, and hashes the files that path runs, so a file added, removed or edited since the
 * review (even keeping its revision ids) cannot change what runs.
 */
async function replanSteps(alembicPath: string, constants: Record<string, string | string[] | null>, kind: RunKind, from: string[], target: string): Promise<Replanned> {
  try {
    const { project, graph } = await readProjectGraphAsync(alembicPath, { constants });
    const { steps } = kind === "downgrade" ? downgradePath(graph, from, target) : upgradePath(graph, from, target);
    return { steps, reviewedFiles: await readReviewedFiles({ graph, steps, ...project.location }) };
  } catch (e) {
    return { error: `The migration files can no longer be planned from (${e instanceof AppError ? e.userMessage : "the graph does not load"}).` };
  }
}

/** The plan the run dialog shows (no side effects, no credentials). */
export async function planRun(db: PrismaClient, input: PlanRunInput, opts: PlanRunOptions = {}): Promise<RunPlan> {
  return (await prepareRun(db, input, opts)).plan;
}
