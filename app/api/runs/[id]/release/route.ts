// POST /api/runs/:id/release — an admin releases a run whose Cairn instance is gone and whose Alembic no longer holds the database, with a written reason.
import { json, route } from "@/lib/api/route";
import { releaseStaleRun, ZReleaseRunSchema } from "@/lib/runs/release-stale-run";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }, typeof ZReleaseRunSchema>("runs.release", ZReleaseRunSchema, async ({ db, actor, params, body }) => {
  const r = await releaseStaleRun(db, { runId: params.id, actor, reason: body.reason, key: getSecretKey() });
  return json({ runId: r.runId, status: r.status });
});
