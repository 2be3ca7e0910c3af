// GET /api/admin/users — list users (admin session only); POST /api/admin/users — create a local account (admin only, audited).
import { getDb } from "@/lib/db/client";
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { adminCreateUser, listUsers } from "@/lib/auth/manage-users";

const noStore = { "cache-control": "no-store" };

export const GET = withRole("admin.users", async () => Response.json({ users: await listUsers(await getDb()) }, { headers: noStore }));

export const POST = withRole("admin.users", async (req, { actor }) => {
  const user = await adminCreateUser(await getDb(), actor, await readJsonBody(req));
  return Response.json({ user }, { status: 201, headers: noStore });
});
