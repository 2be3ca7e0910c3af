// GET /api/runs?project=&environment=&status=&limit= — recent runs, newest first (any signed-in user).
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { listRuns } from "@/lib/runs/get-run";
import { refreshStaleRequests } from "@/lib/runs/mark-stale-requests";
import { ZListRunsQuery } from "@/lib/runs/run-request.types";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const GET = withRole("status.read", async (req, { actor }) => {
  const q = ZListRunsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const db = await getDb();
  // Requests whose environment moved are listed as stale, not as awaiting approval.
  await refreshStaleRequests(db, { project: q.project, environment: q.environment }, { key: getSecretKey(), noticedBy: actor.email });
  const runs = await listRuns(db, q);
  return Response.json({ runs }, { headers: { "cache-control": "no-store" } });
});
