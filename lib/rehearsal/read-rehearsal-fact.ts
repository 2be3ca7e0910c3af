import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { RehearsalFact } from "@/lib/gates/types";
import type { RevisionGraph } from "@/lib/graph/types";
import { fromKeyOf, pathFilesHash } from "@/lib/rehearsal/path-files-hash";
import { rehearsalSettingsOf } from "@/lib/rehearsal/rehearsal-settings";
import type { RehearsalStep } from "@/lib/rehearsal/types";

/**
 * The rehearsal gate's fact for a planned run: the latest rehearsal of the same path — same
 * environment, same starting revisions, same target, same migration files by content hash — and
 * the environment's rehearsal settings.
 */
export async function readRehearsalFact(
  db: PrismaClient,
  o: {
    project: { rehearsal?: unknown };
    environment: { id: string; protected: boolean; rehearsal?: unknown };
    url?: string;
    from: readonly string[];
    target: string;
    steps: readonly string[];
    graph: Pick<RevisionGraph, "revisions">;
    now?: Date;
  },
): Promise<RehearsalFact> {
  const settings = rehearsalSettingsOf(o.project, o.environment);
  const fact = {
    now: o.now ?? new Date(),
    maxAgeMs: settings.maxAgeHours * 3_600_000,
    requireReversible: settings.requireReversible,
    required: settings.required ?? o.environment.protected,
  };
  if (o.steps.length === 0) return { ...fact, latest: null };
  const filesHash = await pathFilesHash(o.graph, o.steps);
  const r = await db.rehearsal.findFirst({
    where: { environmentId: o.environment.id, fromKey: fromKeyOf(o.from), target: o.target, filesHash },
    orderBy: { createdAt: "desc" },
  });
  if (!r) return { ...fact, latest: null };
  const steps = (Array.isArray(r.steps) ? r.steps : []) as unknown as RehearsalStep[];
  const failed = steps.find((s) => s.phase === "path" && !s.ok);
  const status = r.status === "running" || r.status === "finished" || r.status === "error" || r.status === "interrupted" ? r.status : "error";
  return {
    ...fact,
    latest: {
      id: r.id,
      status,
      finishedAt: r.finishedAt,
      stepsOk: r.stepsOk === true,
      reversible: r.roundTripChecked ? r.reversible : null,
      differences: r.differences,
      ...(r.status === "finished" && !r.roundTripChecked ? { roundTripNote: /the round trip was not checked \((.*)\)\.$/.exec(r.headline ?? "")?.[1] ?? r.headline ?? "no reason recorded" } : {}),
      ...(failed ? { failure: `${failed.revision}: ${failed.error ?? "failed"}` } : r.status !== "finished" && r.headline ? { failure: r.headline } : {}),
    },
  };
}
