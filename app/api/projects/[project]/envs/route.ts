// POST /api/projects/:project/envs — add an environment at the end of the promotion order (admin, audited; a literal URL is stored only encrypted).
import { json, route } from "@/lib/api/route";
import { createEnvironment } from "@/lib/projects/create-environment";
import { ZEnvironmentInputSchema } from "@/lib/projects/environment.types";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = route<{ project: string }, typeof ZEnvironmentInputSchema>("projects.manage", ZEnvironmentInputSchema, async ({ db, actor, params, body }) =>
  // Without a key, a literal URL is refused with a message saying so; env: references need none.
  json({ environment: await createEnvironment(db, params.project, body, { actor, key: getSecretKey() }) }, 201),
);
