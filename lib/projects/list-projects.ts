import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { toPublicProject, type PublicProject } from "@/lib/projects/to-public-environment";

/** Every project with its environments in promotion order, safe to send to the browser. */
export async function listProjects(db: PrismaClient): Promise<PublicProject[]> {
  const projects = await db.project.findMany({ orderBy: { name: "asc" }, include: { environments: { orderBy: { position: "asc" } } } });
  return projects.map(toPublicProject);
}
