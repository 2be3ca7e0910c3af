import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { detectProjectDrift } from "@/lib/drift-service/detect-project-drift";
import { describeDriftFinding } from "@/lib/drift-service/describe-drift-finding";
import { describeAge } from "@/lib/drift/reading-age";
import { inBackground } from "@/lib/server/background";
import { yieldToEventLoop } from "@/lib/server/yield-to-event-loop";

/**
 * For the overview and the graph page: one line per drift finding ("Schema drift: staging differs from
 * qa at the same revision (3 differences)"), one per environment whose schema reading failed, is stale
 * or was never taken, and how old the readings are — all from the stored readings: no target database
 * is read, and nothing is queued, while the page renders (an environment never read is due at once, so
 * the next schema-read sweep, within a minute, queues its reading).
 */
export async function DriftSummary({ projectName }: { projectName: string }) {
  // After the page around it has been sent, and as background work: requests are taken between its store queries.
  await yieldToEventLoop();
  const db = await getDb();
  let drift;
  try {
    drift = await inBackground(() => detectProjectDrift(db, projectName));
  } catch (e) {
    console.error(`[cairn] drift summary for ${projectName} failed:`, e);
    return null;
  }
  const now = new Date(drift.checkedAt).getTime();
  const href = `/projects/${encodeURIComponent(drift.project)}/drift`;
  const unread = drift.environments.filter((e) => !e.readAt || !e.fingerprint || e.stale);
  const read = drift.environments.flatMap((e) => (e.readAt ? [new Date(e.readAt).getTime()] : []));
  const ages = read.length ? [describeAge(now - Math.max(...read)), describeAge(now - Math.min(...read))] : [];
  return (
    <div className="mt-3 space-y-1 text-sm">
      {drift.findings.length > 0 && (
        <div role="status" data-testid="drift-summary" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
          {drift.findings.map((f, i) => (
            <p key={i}>
              <Link href={href} className="hover:underline">
                <strong>Schema drift:</strong> {describeDriftFinding(f)}
              </Link>
            </p>
          ))}
        </div>
      )}
      {unread.map((e) => (
        <p key={e.name} data-testid={`drift-unread-${e.name}`} className={e.readAt && !e.fingerprint ? "text-red-800" : "text-amber-900"}>
          <Link href={href} className="hover:underline">
            {!e.readAt
              ? `${e.name}'s schema has not been read yet (it is read in the background shortly): drift there is unknown.`
              : !e.fingerprint
                ? `${e.name}'s schema could not be read ${describeAge(now - new Date(e.readAt).getTime())}: drift there is unknown. ${e.error ?? ""}`
                : `${e.name}'s schema was last read ${describeAge(now - new Date(e.readAt).getTime())}: its drift may be out of date.`}
          </Link>
        </p>
      ))}
      {ages.length > 0 && (
        <p data-testid="drift-readings" className="text-xs text-stone-500">
          Schemas checked for drift: read {ages[0] === ages[1] ? ages[0] : `${ages[0]} to ${ages[1]}`}.{" "}
          <Link href={href} className="text-sky-700 hover:underline">
            Drift
          </Link>
        </p>
      )}
    </div>
  );
}
