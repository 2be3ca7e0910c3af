// POST /api/admin/users/:id/password — set a new password and end the user's sessions (admin only, audited).
import { getDb } from "@/lib/db/client";
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { resetUserPassword } from "@/lib/auth/manage-users";

export const POST = withRole<{ id: string }>("admin.users", async (req, { params, actor }) => {
  const { id } = await params;
  const user = await resetUserPassword(await getDb(), actor, id, await readJsonBody(req));
  return Response.json({ user }, { headers: { "cache-control": "no-store" } });
});
