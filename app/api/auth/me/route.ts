// GET /api/auth/me — who am I (session or token), for the CLI and the UI.
import { withRole } from "@/lib/auth/with-role";

export const GET = withRole("auth.me", async (_req, { actor }) => Response.json({ actor }, { headers: { "cache-control": "no-store" } }));
