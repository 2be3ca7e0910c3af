// GET /api/projects/:project/signoffs — the project's QA sign-offs (any signed-in user).
// POST /api/projects/:project/signoffs — QA signs off a revision range verified on an environment.
import { json, route } from "@/lib/api/route";
import { serverUrlOptions } from "@/lib/projects/load-project";
import { createSignOff } from "@/lib/signoffs/create-signoff";
import { listProjectSignOffs } from "@/lib/signoffs/list-signoffs";
import { ZSignOffRequestSchema } from "@/lib/signoffs/signoff.types";

export const dynamic = "force-dynamic";

export const GET = route<{ project: string }>("status.read", async ({ db, params }) => json({ signOffs: await listProjectSignOffs(db, params.project) }));

export const POST = route<{ project: string }, typeof ZSignOffRequestSchema>("signoffs.write", ZSignOffRequestSchema, async ({ db, actor, params, body }) =>
  json(await createSignOff(db, { project: params.project, actor, input: body }, serverUrlOptions()), 201),
);
