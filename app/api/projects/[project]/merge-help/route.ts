// GET /api/projects/:project/merge-help — the merge the graph's unlabelled heads need: the command and the
// file the project's own Alembic writes into a temporary copy (never the repository), with the merged graph.
// Any signed-in user (status.read): it changes no database and no file that stays, and what it shows — the
// heads' ids and a file rendered from the project's template — is what the graph page already shows them.
import { json, route } from "@/lib/api/route";
import { prepareMergeHelp } from "@/lib/merge-help/prepare-merge-help";

export const dynamic = "force-dynamic";

export const GET = route<{ project: string }>("status.read", async ({ db, actor, params }) => json(await prepareMergeHelp(db, { project: params.project, actor })));
