// POST /api/runs/:id/release — an admin releases a run whose Cairn instance is gone and whose Alembic no longer holds the database, with a written reason.
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { readJsonBody } from "@/lib/api/read-json-body";
import { releaseStaleRun, ZReleaseRunSchema } from "@/lib/runs/release-stale-run";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = withRole<{ id: string }>("runs.release", async (req, { params, actor }) => {
  const { id } = await params;
  const { reason } = ZReleaseRunSchema.parse(await readJsonBody(req));
  const r = await releaseStaleRun(await getDb(), { runId: id, actor, reason, key: getSecretKey() });
  return Response.json({ runId: r.runId, status: r.status }, { headers: { "cache-control": "no-store" } });
});
