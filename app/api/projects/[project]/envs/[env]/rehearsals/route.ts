// POST /api/projects/:project/envs/:env/rehearsals — rehearse a planned run on a throwaway copy of the environment (202; poll GET /api/rehearsals/:id).
// GET — the environment's recent rehearsals.
import { z } from "zod";
import { json, route } from "@/lib/api/route";
import { listRehearsals, startRehearsal } from "@/lib/rehearsal/start-rehearsal";
import { ZRunRequestSchema } from "@/lib/runs/run-request.types";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

type Params = { project: string; env: string };

/** What to rehearse: the run's kind and target, as the run dialog plans it. */
const ZRehearsalRequestSchema = ZRunRequestSchema.pick({ kind: true, target: true });

export const POST = route<Params, typeof ZRehearsalRequestSchema>("runs.rehearse", ZRehearsalRequestSchema, async ({ db, actor, params, body }) => {
  const r = await startRehearsal(db, { project: params.project, environment: params.env, kind: body.kind, target: body.target, actor }, { key: getSecretKey() });
  return json({ rehearsalId: r.id, status: r.status, rehearsal: r }, 202);
});

export const GET = route<Params>("status.read", async ({ db, req, params }) => {
  const limit = z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .catch(20)
    .parse(new URL(req.url).searchParams.get("limit") ?? undefined);
  return json({ rehearsals: await listRehearsals(db, { project: params.project, environment: params.env, limit }) });
});
