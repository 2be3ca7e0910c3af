// POST /api/projects/:project/signoffs/:id/revoke — QA withdraws a sign-off, with a reason.
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { revokeSignOff } from "@/lib/signoffs/revoke-signoff";

export const dynamic = "force-dynamic";

export const POST = withRole<{ project: string; id: string }>(
  "signoffs.write",
  async (req, { params, actor }) => {
    const { project, id } = await params;
    const result = await revokeSignOff(await getDb(), { project, id, actor, input: await readJsonBody(req) });
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
);
