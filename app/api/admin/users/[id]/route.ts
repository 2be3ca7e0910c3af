// PATCH /api/admin/users/:id — change role, name or disabled (admin only, audited; never leaves Cairn without an admin).
import { json, route } from "@/lib/api/route";
import { updateUser, ZUpdateUserSchema } from "@/lib/auth/manage-users";

export const dynamic = "force-dynamic";

export const PATCH = route<{ id: string }, typeof ZUpdateUserSchema>("admin.users", ZUpdateUserSchema, async ({ db, actor, params, body }) => json({ user: await updateUser(db, actor, params.id, body) }));
