// POST /api/runs/:id/approve — a second person approves; the gates are re-evaluated now, then the run starts.
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { approveRun } from "@/lib/runs/approve-run";
import { runErrorResponse } from "@/lib/runs/run-error-response";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = withRole<{ id: string }>(
  "runs.approve",
  async (_req, { params, actor }) => {
    try {
      const { id } = await params;
      const r = await approveRun(await getDb(), { runId: id, actor }, { key: getSecretKey() });
      return Response.json({ runId: id, status: r.status, gates: r.gates }, { status: 202, headers: { "cache-control": "no-store" } });
    } catch (e) {
      return runErrorResponse(e);
    }
  },
);
