// GET /api/rehearsals/:id — a rehearsal: live progress while it runs, then its steps (with redacted logs) and round trip.
import { json, route } from "@/lib/api/route";
import { getRehearsalOrThrow } from "@/lib/rehearsal/start-rehearsal";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>("status.read", async ({ db, params }) => json(await getRehearsalOrThrow(db, params.id)));
