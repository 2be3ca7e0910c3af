import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { GateFacts } from "@/lib/gates/types";
import { recordAudit } from "@/lib/audit/record-audit";
import { serverUrlOptions, type UrlOptions } from "@/lib/projects/load-project";
import { takeBaseline, type TakenBaseline } from "@/lib/drift-service/take-baseline";
import { refreshSchemaReading } from "@/lib/drift-service/refresh-schema-reading";
import { enqueueSchemaRead } from "@/lib/drift-service/schema-read-job";
import { sameSet, storedRevisions } from "@/lib/revision-lists";

/** The drift gate's fact for the environment just before the run started (plan-run reads it when the run is submitted or approved). */
export type PreRunDrift = GateFacts["drift"];

/**
 * After a run succeeds, records the environment's schema as the baseline for the revisions the run
 * left it at — only when the schema before the run matched its baseline and the environments at the
 * same revisions (or had nothing to compare with). A run on a drifted environment carries the drift
 * along, so its result is no baseline: nothing is recorded, the drift stays visible, and a
 * "baseline.skip" audit row on the run says why. Returns null when nothing was recorded. Callers run
 * it fire-and-forget: a baseline must never fail the run. `preRun` is required: a caller without the
 * pre-run reading would adopt whatever drift the run carried along.
 */
export async function recordBaselineAfterRun(db: PrismaClient, run: { id: string }, preRun: PreRunDrift, opts?: UrlOptions): Promise<TakenBaseline | null> {
  const stored = await db.run.findUnique({ where: { id: run.id }, include: { project: { select: { name: true } }, environment: { select: { name: true } } } });
  if (!stored || stored.status !== "succeeded") return null;
  const env = stored.environment.name;
  if (preRun !== null && preRun.findings > 0) {
    const against = preRun.against?.length ? preRun.against.join(" and ") : "its baseline";
    await recordAudit(db, {
      actor: { label: "cairn" },
      action: "baseline.skip",
      projectId: stored.projectId,
      environmentId: stored.environmentId,
      environment: env,
      runId: stored.id,
      toRevision: stored.target,
      outcome: "skipped",
      details: {
        source: "run",
        runId: stored.id,
        preRunDifferences: preRun.findings,
        against: preRun.against ?? ["its baseline"],
        message: `No baseline was recorded after this run: before it ran, ${env}'s schema differed from ${against} in ${preRun.findings} place${preRun.findings === 1 ? "" : "s"}, and a run carries that drift along. The drift stays visible; bring the schema back in line, or accept it on the drift page.`,
      },
    });
    // No baseline, but what the pages compare is the schema the run left.
    await refreshSchemaReading(db, { project: stored.project.name, environment: env, trigger: "run" }, opts ?? serverUrlOptions());
    return null;
  }
  const result = storedRevisions(stored.resultRevisions);
  const taken = await takeBaseline(
    db,
    {
      project: stored.project.name,
      environment: env,
      source: "run",
      actor: { label: "cairn" },
      runId: stored.id,
      details: { runId: stored.id, preRun: preRun === null ? "unchecked (no baseline and no environment at the same revisions)" : "matched" },
    },
    opts ?? serverUrlOptions(),
  );
  if (result && !sameSet(result, taken.revisions)) {
    // Another change landed between the run and this read; the baseline still describes what is there now.
    console.warn(`[cairn] baseline after run ${stored.id}: ${env} is at ${taken.revisions.join(",") || "base"}, not ${result.join(",") || "base"}`);
  }
  return taken;
}

/**
 * After a run that did not succeed (it may have changed the schema halfway): queues a reading of the
 * environment (the schema-read job, trigger "run"), which stores it and tells drift.found as a
 * scheduled reading does — on whichever instance takes it, even if this one stops.
 */
export async function readSchemaAfterRun(db: PrismaClient, runId: string): Promise<void> {
  const stored = await db.run.findUnique({ where: { id: runId }, select: { environmentId: true } });
  if (stored) await enqueueSchemaRead(db, stored.environmentId, "run");
}
