// PATCH /api/projects/:project/envs/:env — change an environment, an omitted url keeps the stored secret; DELETE — remove it (admin, audited).
import { json, route } from "@/lib/api/route";
import { deleteEnvironment } from "@/lib/projects/delete-environment";
import { ZEnvironmentUpdateSchema } from "@/lib/projects/environment.types";
import { updateEnvironment } from "@/lib/projects/update-environment";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

type Params = { project: string; env: string };

export const PATCH = route<Params, typeof ZEnvironmentUpdateSchema>("projects.manage", ZEnvironmentUpdateSchema, async ({ db, actor, params, body }) =>
  json({ environment: await updateEnvironment(db, params.project, params.env, body, { actor, key: getSecretKey() }) }),
);

export const DELETE = route<Params>("projects.manage", async ({ db, actor, params }) => {
  await deleteEnvironment(db, params.project, params.env, actor);
  return json({ deleted: params.env });
});
