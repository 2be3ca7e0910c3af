import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { appUrlOptions, type UrlOptions } from "@/lib/drift-service/project-context";
import { takeBaseline, type TakenBaseline } from "@/lib/drift-service/take-baseline";
import { sameSet } from "@/lib/revision-lists";

/**
 * After a run succeeds, records the environment's schema as the baseline for the revisions the run
 * left it at. Returns null (and records nothing) when the run did not succeed or the environment has
 * moved on since. Callers run it fire-and-forget: a baseline must never fail the run.
 */
export async function recordBaselineAfterRun(db: PrismaClient, run: { id: string }, opts?: UrlOptions): Promise<TakenBaseline | null> {
  const stored = await db.run.findUnique({ where: { id: run.id }, include: { project: { select: { name: true } }, environment: { select: { name: true } } } });
  if (!stored || stored.status !== "succeeded") return null;
  const result = Array.isArray(stored.resultRevisions) ? stored.resultRevisions.filter((r): r is string => typeof r === "string") : null;
  const taken = await takeBaseline(
    db,
    { project: stored.project.name, environment: stored.environment.name, source: "run", actor: { label: "cairn" }, details: { runId: stored.id } },
    opts ?? appUrlOptions(),
  );
  if (result && !sameSet(result, taken.revisions)) {
    // Another change landed between the run and this read; the baseline still describes what is there now.
    console.warn(`[cairn] baseline after run ${stored.id}: ${stored.environment.name} is at ${taken.revisions.join(",") || "base"}, not ${result.join(",") || "base"}`);
  }
  return taken;
}
