// GET /api/runs?project=&environment=&status=&limit= — recent runs, newest first (any signed-in user).
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { listRuns } from "@/lib/runs/get-run";
import { ZListRunsQuery } from "@/lib/runs/run-request.types";

export const dynamic = "force-dynamic";

export const GET = withRole("any", async (req) => {
  const q = ZListRunsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const runs = await listRuns(await getDb(), q);
  return Response.json({ runs }, { headers: { "cache-control": "no-store" } });
});
