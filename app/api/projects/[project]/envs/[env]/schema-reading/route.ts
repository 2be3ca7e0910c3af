// POST /api/projects/:project/envs/:env/schema-reading — read the environment's schema now ("Read now") and store the reading pages and the drift summary show.
import { json, route } from "@/lib/api/route";
import { refreshSchemaReading } from "@/lib/drift-service/refresh-schema-reading";

export const dynamic = "force-dynamic";

export const POST = route<{ project: string; env: string }>("drift.read", async ({ db, params }) => {
  const r = await refreshSchemaReading(db, { project: params.project, environment: params.env, trigger: "demand" });
  return json({ reading: { environment: params.env, readAt: r.readAt.toISOString(), durationMs: r.durationMs, ok: r.snapshot !== null, revisions: r.revisions, fingerprint: r.fingerprint, error: r.error } });
});
