// PATCH /api/admin/users/:id — change role, name or disabled (admin only, audited; never leaves Cairn without an admin).
import { getDb } from "@/lib/db/client";
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { updateUser } from "@/lib/auth/manage-users";

export const PATCH = withRole<{ id: string }>("admin.users", async (req, { params, actor }) => {
  const { id } = await params;
  const user = await updateUser(await getDb(), actor, id, await readJsonBody(req));
  return Response.json({ user }, { headers: { "cache-control": "no-store" } });
});
