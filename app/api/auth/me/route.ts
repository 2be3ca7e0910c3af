// GET /api/auth/me — who am I (session or token), for the CLI and the UI.
import { json, route } from "@/lib/api/route";

export const dynamic = "force-dynamic";

export const GET = route("auth.me", async ({ actor }) => json({ actor }));
