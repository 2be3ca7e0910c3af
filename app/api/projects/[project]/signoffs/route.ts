// GET /api/projects/:project/signoffs — the project's QA sign-offs (any signed-in user).
// POST /api/projects/:project/signoffs — QA signs off a revision range verified on an environment.
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { appUrlOptions } from "@/lib/drift-service/project-context";
import { createSignOff } from "@/lib/signoffs/create-signoff";
import { listProjectSignOffs } from "@/lib/signoffs/list-signoffs";
import { ZSignOffRequestSchema } from "@/lib/signoffs/signoff.types";

export const dynamic = "force-dynamic";

export const GET = withRole<{ project: string }>("status.read", async (_req, { params }) => {
  const { project } = await params;
  const signOffs = await listProjectSignOffs(await getDb(), project);
  return Response.json({ signOffs }, { headers: { "cache-control": "no-store" } });
});

export const POST = withRole<{ project: string }>(
  "signoffs.write",
  async (req, { params, actor }) => {
    const { project } = await params;
    const input = ZSignOffRequestSchema.parse(await readJsonBody(req));
    const result = await createSignOff(await getDb(), { project, actor, input }, appUrlOptions());
    return Response.json(result, { status: 201, headers: { "cache-control": "no-store" } });
  },
);
