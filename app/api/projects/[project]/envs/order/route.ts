// PUT /api/projects/:project/envs/order — set the promotion order: { order: [every environment name, first to last] } (admin, audited).
import { z } from "zod";
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { ZEnvironmentOrderSchema } from "@/lib/projects/environment.types";
import { reorderEnvironments } from "@/lib/projects/reorder-environments";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { toPublicProject } from "@/lib/projects/to-public-environment";

export const dynamic = "force-dynamic";

const ZBody = z.strictObject({ order: ZEnvironmentOrderSchema });

export const PUT = withRole<{ project: string }>("projects.manage", async (req, { params, actor }) => {
  const { project } = await params;
  const { order } = ZBody.parse(await readJsonBody(req));
  const db = await getDb();
  await reorderEnvironments(db, project, order, actor);
  const { environments } = toPublicProject(await getProjectOrThrow(db, project));
  return Response.json({ environments }, { headers: { "cache-control": "no-store" } });
});
