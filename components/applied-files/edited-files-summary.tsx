import { getDb } from "@/lib/db/client";
import { describeEditedAppliedFile } from "@/lib/applied-files/describe-edited-file";
import { readProjectAppliedFileEdits, type EnvironmentReading } from "@/lib/applied-files/read-project-applied-file-edits";
import { serverUrlOptions } from "@/lib/projects/load-project";
import { inBackground } from "@/lib/server/background";
import { yieldToEventLoop } from "@/lib/server/yield-to-event-loop";

/**
 * For the overview and the graph: one line per migration edited after it was applied to an environment
 * ("c3 (versions/c3.py) was edited after it was applied to production on 2026-11-02 — the database did not
 * get this change"); nothing when there is none. Reads every version table unless handed the page's own
 * `readings` (the overview's), so wrap it in <Suspense>.
 */
export async function EditedFilesSummary({ projectName, readings }: { projectName: string; readings?: readonly EnvironmentReading[] }) {
  // After the page around it has been sent, and as background work (requests are taken between its store
  // queries): the first sightings of a large project take a while.
  await yieldToEventLoop();
  let edits;
  try {
    const db = await getDb();
    edits = await inBackground(() => readProjectAppliedFileEdits(db, projectName, { ...serverUrlOptions(), ...(readings ? { readings } : {}) }));
  } catch (e) {
    console.error(`[cairn] applied-file check for ${projectName} failed:`, e instanceof Error ? e.message : String(e));
    return null;
  }
  if (edits.length === 0) return null;
  return (
    <div role="status" data-testid="edited-files-summary" className="mt-3 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      {edits.map((e) => (
        <p key={`${e.revision}:${e.environment}`} data-revision={e.revision}>
          <strong>Edited after applied:</strong> {describeEditedAppliedFile(e)}
        </p>
      ))}
    </div>
  );
}
