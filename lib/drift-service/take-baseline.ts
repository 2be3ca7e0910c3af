import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { refusalOf } from "@/lib/auth/permissions";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { MIN_OVERRIDE_REASON } from "@/lib/gates/check-schema-drift";
import { recordBaseline, type BaselineSource } from "@/lib/drift-service/baselines";
import { driftOf } from "@/lib/drift-service/detect-project-drift";
import { countEnvironmentDrift } from "@/lib/drift/count-environment-drift";
import { loadProjectWithGraph, type UrlOptions } from "@/lib/projects/load-project";
import { readSchemaNow, recordSchemaReading } from "@/lib/drift-service/schema-readings";

export interface TakenBaseline {
  id: string;
  environment: string;
  revisions: string[];
  fingerprint: string;
  source: BaselineSource;
  createdAt: string;
  /** The drift this baseline accepted (recorded on top of it); null when there was none. */
  acceptedDrift: AcceptedDrift | null;
}

/** The drift a baseline accepted, as kept in its audit row: the differences charged to the environment, as the drift page and gate count them. */
export interface AcceptedDrift {
  /** What the schema differed from: "its baseline", "qa at the same revision". */
  against: string[];
  /** Each distinct difference once, in words ("column customers.nickname only on staging"). */
  differences: string[];
}

export interface TakeBaselineInput {
  project: string;
  environment: string;
  source: BaselineSource;
  /** Who asked; `{ label: "cairn" }` when Cairn takes it by itself. */
  actor: Actor | { label: string };
  /** Why drift on a protected environment may be accepted (manual baselines by an admin only). */
  reason?: string;
  /** The run it follows, kept on the audit row. */
  runId?: string;
  /** Extra audit details (e.g. the sign-off or run it follows). */
  details?: Record<string, unknown>;
}

/** An audit row holds at most this many differences (and their count): a schema rewritten by hand can differ in thousands. */
const MAX_AUDITED_DIFFERENCES = 200;

/**
 * Records the environment's live schema as the baseline for the revisions it holds now, with its
 * audit row in the same transaction. A baseline on top of drift accepts that drift and clears the
 * drift gate, so it is never a side effect:
 *  - no drift (or nothing to compare with): recorded, as "baseline.record";
 *  - drift, taken by hand on an environment that is not protected: recorded, as
 *    "baseline.accept-drift" with the differences accepted (the gate there only warns);
 *  - drift, taken by hand on a protected environment: only an admin ("drift.accept" in the permission
 *    table) with a written reason of MIN_OVERRIDE_REASON characters or more; recorded as
 *    "baseline.accept-drift" with the reason and the differences; any other attempt is refused and
 *    audited as refused;
 *  - drift, at a sign-off: not recorded (AppError "conflict", audited as "baseline.skip"); the drift
 *    stays visible. After a run, recordBaselineAfterRun judges by the schema before the run.
 * Throws AppError("unreachable") when the schema cannot be read.
 */
export async function takeBaseline(db: PrismaClient, input: TakeBaselineInput, opts: UrlOptions = {}): Promise<TakenBaseline> {
  const { project, rootDir, environment } = await loadProjectWithGraph(db, input.project, opts);
  const env = environment(input.environment);
  const actor = input.actor;
  const where = { projectId: project.id, environmentId: env.id, environment: env.name, runId: input.runId ?? null };

  // One reading of its schema, stored like any other: what is judged is what is recorded.
  const reading = await recordSchemaReading(db, await readSchemaNow(env, rootDir), input.source === "run" ? "run" : "baseline");
  if (!reading.snapshot || !reading.revisions) {
    throw new AppError("unreachable", `baseline ${project.name}/${env.name}: schema not read`, `${reading.error ?? `Cairn could not read ${env.name}'s schema`}. No baseline was recorded.`);
  }
  const snapshot = reading.snapshot;
  const revisions = reading.revisions;

  // A run's baseline was judged before the run (recordBaselineAfterRun); everything else by now, against the other environments' stored readings.
  let accepted: AcceptedDrift = { against: [], differences: [] };
  if (input.source !== "run") {
    const drift = await driftOf(db, project, { fresh: [reading], readMissing: { rootDir, opts } });
    // The differences charged to this environment, counted as the drift page and the drift gate count them.
    const charged = countEnvironmentDrift(drift.findings, new Set(drift.environments.filter((e) => e.baseline).map((e) => e.name))).get(env.name);
    if (charged) accepted = { against: charged.against, differences: charged.differences.map((d) => d.message) };
  }
  const reason = input.reason?.trim() || undefined;
  const driftDetails = () => ({
    source: input.source,
    protected: env.protected,
    against: accepted.against,
    differenceCount: accepted.differences.length,
    differences: accepted.differences.slice(0, MAX_AUDITED_DIFFERENCES),
    ...(reason ? { reason } : {}),
    ...(input.details ?? {}),
  });
  const drifted = accepted.differences.length > 0;
  if (drifted) {
    const n = accepted.differences.length;
    const what = `${env.name}'s schema differs from ${accepted.against.join(" and ")} in ${n} place${n === 1 ? "" : "s"}`;
    if (input.source !== "manual") {
      await recordAudit(db, { actor, action: "baseline.skip", ...where, outcome: "skipped", details: driftDetails() });
      throw new AppError(
        "conflict",
        `baseline ${project.name}/${env.name} (${input.source}): drift`,
        `No baseline was recorded: ${what}, and Cairn never adopts drift by itself. The drift stays on the drift page until the schema is brought back in line or someone accepts it there.`,
        { differences: n },
      );
    }
    if (env.protected) {
      const refuse = async (code: "forbidden" | "validation", message: string): Promise<never> => {
        await recordAudit(db, { actor, action: "baseline.accept-drift", ...where, outcome: "refused", details: driftDetails() });
        throw new AppError(code, `baseline ${project.name}/${env.name}: accepting drift refused`, message, { differences: n });
      };
      if (!("kind" in actor) || refusalOf(actor, "drift.accept")) {
        await refuse(
          "forbidden",
          `${what}. ${env.name} is protected: a baseline now would accept that drift and clear the drift gate, so only an admin may record one, with a written reason. Bring the schema back in line, or ask an admin to accept the drift.`,
        );
      }
      if (!reason || reason.length < MIN_OVERRIDE_REASON) {
        await refuse("validation", `${what}. Accepting drift on a protected environment needs a written reason of at least ${MIN_OVERRIDE_REASON} characters: say why the schema as it is now is right.`);
      }
    }
  }

  const baseline = await db.$transaction(async (tx) => {
    const b = await recordBaseline(tx, {
      environmentId: env.id,
      revisions: revisions,
      snapshot,
      source: input.source,
      createdById: "kind" in actor ? actor.userId : null,
    });
    await recordAudit(tx, {
      actor,
      action: drifted ? "baseline.accept-drift" : "baseline.record",
      ...where,
      toRevision: revisions.join(",") || null,
      outcome: "ok",
      details: { fingerprint: b.fingerprint, baselineId: b.id, ...(drifted ? driftDetails() : { source: input.source, ...(reason ? { reason } : {}), ...(input.details ?? {}) }) },
    });
    return b;
  });
  return {
    id: baseline.id,
    environment: env.name,
    revisions: revisions,
    fingerprint: baseline.fingerprint,
    source: baseline.source,
    createdAt: baseline.createdAt.toISOString(),
    acceptedDrift: drifted ? accepted : null,
  };
}
