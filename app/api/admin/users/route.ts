// GET /api/admin/users — list users (admin session only); POST /api/admin/users — create a local account (admin only, audited).
import { json, route } from "@/lib/api/route";
import { ZCreateUserSchema } from "@/lib/auth/create-user";
import { adminCreateUser, listUsers } from "@/lib/auth/manage-users";

export const dynamic = "force-dynamic";

export const GET = route("admin.users", async ({ db }) => json({ users: await listUsers(db) }));

export const POST = route<Record<string, never>, typeof ZCreateUserSchema>("admin.users", ZCreateUserSchema, async ({ db, actor, body }) => json({ user: await adminCreateUser(db, actor, body) }, 201));
