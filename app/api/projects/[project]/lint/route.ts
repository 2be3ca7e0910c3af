// GET /api/projects/:project/lint — each revision's lint findings against its own parent, cached per graph version.
import { json, route } from "@/lib/api/route";
import { serverUrlOptions } from "@/lib/projects/load-project";
import { lintProjectRevisions } from "@/lib/lint-service/lint-project-revisions";

export const dynamic = "force-dynamic";

// status.read: it changes nothing and shows what the graph page's source panel already shows, read as SQL.
// The render it may start is audited (command.run, purpose lint) under whoever asked first for this graph version.
export const GET = route<{ project: string }>("status.read", async ({ db, actor, params }) => json(await lintProjectRevisions(db, { project: params.project, actor, ...serverUrlOptions() })));
