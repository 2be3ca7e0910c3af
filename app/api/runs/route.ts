// GET /api/runs?project=&environment=&status=&limit= — recent runs, newest first (any signed-in user).
import { json, route } from "@/lib/api/route";
import { listRuns } from "@/lib/runs/get-run";
import { refreshStaleRequests } from "@/lib/runs/mark-stale-requests";
import { ZListRunsQuery } from "@/lib/runs/run-request.types";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const GET = route("status.read", async ({ db, actor, req }) => {
  const q = ZListRunsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  // Requests whose environment moved are listed as stale, not as awaiting approval.
  await refreshStaleRequests(db, { project: q.project, environment: q.environment }, { key: getSecretKey(), noticedBy: actor.email });
  return json({ runs: await listRuns(db, q) });
});
