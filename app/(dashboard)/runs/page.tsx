import { RunTable } from "@/components/runs/run-table";
import { Card } from "@/components/ui/card";
import { getDb } from "@/lib/db/client";
import { listRuns } from "@/lib/runs/get-run";
import { refreshStaleRequests } from "@/lib/runs/mark-stale-requests";
import { getSecretKey } from "@/lib/secrets/get-secret-key";
import { requirePageActor } from "@/lib/server/require-page-actor";

export const dynamic = "force-dynamic";

export default async function RunsPage() {
  const actor = await requirePageActor("/runs");
  const db = await getDb();
  // Requests whose environment moved are listed as stale, not as awaiting approval.
  await refreshStaleRequests(db, {}, { key: getSecretKey(), noticedBy: actor.email });
  const [awaiting, recent] = await Promise.all([listRuns(db, { status: "awaiting_approval", limit: 100 }), listRuns(db, { limit: 50 })]);
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Runs</h1>
      <Card title={`Awaiting approval (${awaiting.length})`}>
        <div data-testid="awaiting-approval">
          <RunTable runs={awaiting} />
        </div>
      </Card>
      <Card title="Recent runs">
        <RunTable runs={recent} />
      </Card>
    </div>
  );
}
