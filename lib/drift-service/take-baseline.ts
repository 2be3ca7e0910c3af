import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { recordBaseline, type BaselineSource } from "@/lib/environments/baselines";
import { getEnvironmentOrThrow } from "@/lib/projects/get-project-or-throw";
import { loadProjectContext, readLiveSchema, type UrlOptions } from "@/lib/drift-service/project-context";

export interface TakenBaseline {
  id: string;
  environment: string;
  revisions: string[];
  fingerprint: string;
  source: BaselineSource;
  createdAt: string;
}

export interface TakeBaselineInput {
  project: string;
  environment: string;
  source: BaselineSource;
  /** Who asked; `{ label: "cairn" }` when Cairn takes it by itself. */
  actor: Actor | { label: string };
  /** Extra audit details (e.g. the sign-off or run it follows). */
  details?: Record<string, unknown>;
}

/**
 * Records the environment's live schema as the baseline for the revisions it holds now, with its
 * audit row in the same transaction. Throws AppError("unreachable") when the schema cannot be read.
 */
export async function takeBaseline(db: PrismaClient, input: TakeBaselineInput, opts: UrlOptions = {}): Promise<TakenBaseline> {
  const { project, rootDir } = await loadProjectContext(db, input.project);
  const env = getEnvironmentOrThrow(project, input.environment);
  const live = await readLiveSchema(env, rootDir, opts);
  if (!live.ok) throw new AppError("unreachable", `baseline ${project.name}/${env.name}: ${live.message}`, `${live.message}. No baseline was recorded.`);
  if (!live.snapshot.ok) {
    throw new AppError(
      "unreachable",
      `baseline ${project.name}/${env.name}: ${live.snapshot.reason}`,
      `Cairn could not read ${env.name}'s schema (${live.snapshot.message}). No baseline was recorded.`,
    );
  }
  const snapshot = live.snapshot.snapshot;
  const actor = input.actor;
  const baseline = await db.$transaction(async (tx) => {
    const b = await recordBaseline(tx, {
      environmentId: env.id,
      revisions: live.revisions,
      snapshot,
      source: input.source,
      createdById: "kind" in actor ? actor.userId : null,
    });
    await recordAudit(tx, {
      actor,
      action: "baseline.record",
      projectId: project.id,
      environmentId: env.id,
      environment: env.name,
      toRevision: live.revisions.join(",") || null,
      outcome: "ok",
      details: { source: input.source, fingerprint: b.fingerprint, baselineId: b.id, ...(input.details ?? {}) },
    });
    return b;
  });
  return {
    id: baseline.id,
    environment: env.name,
    revisions: live.revisions,
    fingerprint: baseline.fingerprint,
    source: baseline.source,
    createdAt: baseline.createdAt.toISOString(),
  };
}
