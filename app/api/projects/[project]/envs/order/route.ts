// PUT /api/projects/:project/envs/order — set the promotion order: { order: [every environment name, first to last] } (admin, audited).
import { z } from "zod";
import { json, route } from "@/lib/api/route";
import { ZEnvironmentOrderSchema } from "@/lib/projects/environment.types";
import { reorderEnvironments } from "@/lib/projects/reorder-environments";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { toPublicProject } from "@/lib/projects/to-public-environment";

export const dynamic = "force-dynamic";

const ZBody = z.strictObject({ order: ZEnvironmentOrderSchema });

export const PUT = route<{ project: string }, typeof ZBody>("projects.manage", ZBody, async ({ db, actor, params, body }) => {
  await reorderEnvironments(db, params.project, body.order, actor);
  return json({ environments: toPublicProject(await getProjectOrThrow(db, params.project)).environments });
});
