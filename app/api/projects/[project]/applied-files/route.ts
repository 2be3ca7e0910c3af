// GET /api/projects/:project/applied-files — migrations whose file changed since they were applied to an environment, each with its sentence.
import { json, route } from "@/lib/api/route";
import { describeEditedAppliedFile } from "@/lib/applied-files/describe-edited-file";
import { readProjectAppliedFileEdits } from "@/lib/applied-files/read-project-applied-file-edits";
import { serverUrlOptions } from "@/lib/projects/load-project";

export const dynamic = "force-dynamic";

export const GET = route<{ project: string }>("status.read", async ({ db, params }) => {
  const edits = await readProjectAppliedFileEdits(db, params.project, serverUrlOptions());
  return json({ edits: edits.map((e) => ({ ...e, message: describeEditedAppliedFile(e) })) });
});
