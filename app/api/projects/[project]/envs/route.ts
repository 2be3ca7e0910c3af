// POST /api/projects/:project/envs — add an environment at the end of the promotion order (admin, audited; a literal URL is stored only encrypted).
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { createEnvironment } from "@/lib/projects/create-environment";
import { ZEnvironmentInputSchema } from "@/lib/projects/environment.types";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = withRole<{ project: string }>("projects.manage", async (req, { params, actor }) => {
  const { project } = await params;
  const input = ZEnvironmentInputSchema.parse(await readJsonBody(req));
  // Without a key, a literal URL is refused with a message saying so; env: references need none.
  const environment = await createEnvironment(await getDb(), project, input, { actor, key: getSecretKey() });
  return Response.json({ environment }, { status: 201, headers: { "cache-control": "no-store" } });
});
