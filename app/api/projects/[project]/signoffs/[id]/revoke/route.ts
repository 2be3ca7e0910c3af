// POST /api/projects/:project/signoffs/:id/revoke — QA withdraws a sign-off, with a reason.
import { json, route } from "@/lib/api/route";
import { revokeSignOff } from "@/lib/signoffs/revoke-signoff";
import { ZRevokeSignOffSchema } from "@/lib/signoffs/signoff.types";

export const dynamic = "force-dynamic";

export const POST = route<{ project: string; id: string }, typeof ZRevokeSignOffSchema>("signoffs.write", ZRevokeSignOffSchema, async ({ db, actor, params, body }) =>
  json(await revokeSignOff(db, { project: params.project, id: params.id, actor, input: body })),
);
