// POST /api/admin/users/:id/password — set a new password and end the user's sessions (admin only, audited).
import { json, route } from "@/lib/api/route";
import { resetUserPassword, ZResetPasswordSchema } from "@/lib/auth/manage-users";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }, typeof ZResetPasswordSchema>("admin.users", ZResetPasswordSchema, async ({ db, actor, params, body }) => json({ user: await resetUserPassword(db, actor, params.id, body) }));
