// PATCH /api/projects/:project/envs/:env — change an environment, an omitted url keeps the stored secret; DELETE — remove it (admin, audited).
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { deleteEnvironment } from "@/lib/projects/delete-environment";
import { ZEnvironmentUpdateSchema } from "@/lib/projects/environment.types";
import { updateEnvironment } from "@/lib/projects/update-environment";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";
const noStore = { "cache-control": "no-store" };
type Params = { project: string; env: string };

export const PATCH = withRole<Params>("projects.manage", async (req, { params, actor }) => {
  const { project, env } = await params;
  const input = ZEnvironmentUpdateSchema.parse(await readJsonBody(req));
  const environment = await updateEnvironment(await getDb(), project, env, input, { actor, key: getSecretKey() });
  return Response.json({ environment }, { headers: noStore });
});

export const DELETE = withRole<Params>("projects.manage", async (_req, { params, actor }) => {
  const { project, env } = await params;
  await deleteEnvironment(await getDb(), project, env, actor);
  return Response.json({ deleted: env }, { headers: noStore });
});
