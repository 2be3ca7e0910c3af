import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError, isAppError } from "@/lib/errors";
import { ancestorNodes, indexGraph } from "@/lib/graph/revision-index";
import { listOf } from "@/lib/gates/revision-ancestry";
import { readLiveRevisions } from "@/lib/drift-service/read-live-environment";
import { loadProjectWithGraph, type UrlOptions } from "@/lib/projects/load-project";
import { takeBaseline, type TakenBaseline } from "@/lib/drift-service/take-baseline";
import { resolveSignOffRange } from "@/lib/signoffs/resolve-signoff-range";
import { ZSignOffRequestSchema, type TSignOffRequestInput } from "@/lib/signoffs/signoff.types";

export interface CreateSignOffResult {
  signOff: { id: string; environment: string; fromRevision: string | null; toRevision: string; revisions: string[]; note: string; createdAt: string };
  /** The schema baseline taken right after; `error` when it could not be (the sign-off stands). */
  baseline: TakenBaseline | { error: string };
}

/**
 * Records QA's statement that a revision range was verified on an environment. The range is
 * resolved to explicit revisions through the graph, and refused unless every one of them is applied
 * on that environment now (read live). The sign-off and its audit row commit together; then the
 * environment's schema is recorded as a baseline (source "signoff").
 */
export async function createSignOff(db: PrismaClient, i: { project: string; actor: Actor; input: TSignOffRequestInput }, opts: UrlOptions = {}): Promise<CreateSignOffResult> {
  const input = ZSignOffRequestSchema.parse(i.input);
  const { project, graph, rootDir, environment } = await loadProjectWithGraph(db, i.project, opts);
  const env = environment(input.environment);
  const revisions = resolveSignOffRange(graph, input.fromRevision, input.toRevision);

  const live = await readLiveRevisions(env, rootDir);
  if (!live.ok) throw new AppError("unreachable", `sign-off on ${env.name}: ${live.message}`, `${live.message}, so the sign-off cannot be checked against it. Try again when ${env.name} is reachable.`);
  const ix = indexGraph(graph);
  const known = live.revisions.filter((r) => ix.revs.has(r));
  const applied = new Set(
    ancestorNodes(
      ix,
      known.map((r) => ix.revs.get(r)!),
    ).map((r) => r.id),
  );
  const missing = revisions.filter((r) => !applied.has(r));
  if (missing.length) {
    const at = live.revisions.length ? live.revisions.join(", ") : "base (nothing applied)";
    throw new AppError(
      "conflict",
      `sign-off ${input.fromRevision ?? "base"}..${input.toRevision} on ${env.name}: ${missing.length} not applied`,
      `You can only sign off what is applied on ${env.name}: ${listOf(missing)} ${missing.length === 1 ? "is" : "are"} not applied there (it is at ${at}). Upgrade ${env.name} first, or sign off a range that ends at its current revision.`,
      { missing },
    );
  }

  const created = await db.$transaction(async (tx) => {
    const row = await tx.signOff.create({
      data: {
        projectId: project.id,
        environmentId: env.id,
        fromRevision: input.fromRevision,
        toRevision: input.toRevision,
        revisions,
        note: input.note,
        userId: i.actor.userId,
      },
    });
    await recordAudit(tx, {
      actor: i.actor,
      action: "signoff.create",
      projectId: project.id,
      environmentId: env.id,
      environment: env.name,
      fromRevision: input.fromRevision,
      toRevision: input.toRevision,
      outcome: "ok",
      details: { signOffId: row.id, revisions, note: input.note },
    });
    return row;
  });

  let baseline: CreateSignOffResult["baseline"];
  try {
    baseline = await takeBaseline(db, { project: project.name, environment: env.name, source: "signoff", actor: i.actor, details: { signOffId: created.id } }, opts);
  } catch (e) {
    if (!isAppError(e)) console.error(`[cairn] baseline after sign-off ${created.id} failed:`, e);
    baseline = { error: isAppError(e) ? e.userMessage : "The schema baseline could not be recorded; take one from the drift page." };
  }
  return {
    signOff: {
      id: created.id,
      environment: env.name,
      fromRevision: created.fromRevision,
      toRevision: created.toRevision,
      revisions,
      note: created.note,
      createdAt: created.createdAt.toISOString(),
    },
    baseline,
  };
}
