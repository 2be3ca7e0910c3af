import "server-only";
import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { countEnvironmentDrift, type EnvironmentDriftCount } from "@/lib/drift/count-environment-drift";
import { driftOf } from "@/lib/drift-service/detect-project-drift";
import type { StoredSchemaReading } from "@/lib/drift-service/schema-readings";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { emitEvent } from "@/lib/webhooks/emit-event";

/**
 * The identity of an environment's drift: what differs, each seen from this environment, in any
 * order — not what it was compared with, which changes as other environments join and leave its
 * revision while the drift stays the same.
 */
function fingerprintDrift(c: EnvironmentDriftCount): string {
  return createHash("sha256")
    .update(JSON.stringify([...c.keys].sort()))
    .digest("hex");
}

/**
 * After a background reading of a protected environment: compares it as the drift page does (with
 * its baseline and the environments at the same revisions, detect-project-drift) and emits
 * `drift.found` when it shows drift this environment's previous checked reading did not — its first
 * drift, or other differences — never again while it stays drifted the same way. The drift last seen
 * is kept on the environment (driftFingerprint) and replaced by one conditional update, in the
 * event's transaction, so it is told once however many readings race. A reading that could not be
 * compared (unreadable, nothing to compare with) changes nothing. Returns whether it emitted.
 */
export async function notifyNewDrift(db: PrismaClient, reading: StoredSchemaReading): Promise<boolean> {
  const env = await db.environment.findUnique({
    where: { id: reading.environmentId },
    select: { name: true, protected: true, projectId: true, driftFingerprint: true, project: { select: { name: true } } },
  });
  if (!env?.protected) return false;
  const drift = await driftOf(db, await getProjectOrThrow(db, env.project.name), { fresh: [reading] });
  const row = drift.environments.find((e) => e.name === env.name);
  if (!row || row.differences === null) return false;
  const withBaseline = new Set(drift.environments.filter((e) => e.baseline).map((e) => e.name));
  const charged = countEnvironmentDrift(drift.findings, withBaseline).get(env.name);
  const fingerprint = row.differences > 0 && charged ? fingerprintDrift(charged) : null;
  if (fingerprint === env.driftFingerprint) return false;
  return db.$transaction(async (tx) => {
    const { count } = await tx.environment.updateMany({ where: { id: reading.environmentId, driftFingerprint: env.driftFingerprint }, data: { driftFingerprint: fingerprint } });
    if (count !== 1 || fingerprint === null) return false;
    const n = row.differences ?? 0;
    await emitEvent(tx, {
      projectId: env.projectId,
      event: "drift.found",
      summary: `${env.name}: schema drift found, ${n} difference${n === 1 ? "" : "s"} from ${row.differsFrom.join(" and ")}`,
      data: { environment: env.name, differences: n, readingId: reading.id },
    });
    return true;
  });
}
