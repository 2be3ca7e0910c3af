// POST /api/runs/:id/approve — a second person approves; the gates are re-evaluated now, then the run starts.
import { json, route } from "@/lib/api/route";
import { approveRun } from "@/lib/runs/approve-run";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>("runs.approve", async ({ db, actor, params }) => {
  const r = await approveRun(db, { runId: params.id, actor }, { key: getSecretKey() });
  return json({ runId: params.id, status: r.status, gates: r.gates }, 202);
});
