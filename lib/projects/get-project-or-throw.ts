import "server-only";
import type { Environment, Prisma, PrismaClient, Project } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";

export type ProjectWithEnvironments = Project & { environments: Environment[] };

/**
 * A project with its environments in promotion order, INCLUDING stored secrets — for server code
 * that reads databases. Map through toPublicProject before anything reaches the browser.
 */
export async function getProjectOrThrow(db: PrismaClient | Prisma.TransactionClient, name: string): Promise<ProjectWithEnvironments> {
  const project = await db.project.findUnique({ where: { name }, include: { environments: { orderBy: { position: "asc" } } } });
  if (!project) throw new AppError("not-found", `project ${name} not found`, `There is no project named "${name}". Check the name, or add the project first.`);
  return project;
}

export function getEnvironmentOrThrow(project: ProjectWithEnvironments, name: string): Environment {
  const env = project.environments.find((e) => e.name === name);
  if (!env) throw new AppError("not-found", `environment ${project.name}/${name} not found`, `Project "${project.name}" has no environment named "${name}".`);
  return env;
}

/** Environment names are unique per project: refuses `name` when another environment has it. */
export function assertEnvironmentNameFree(project: ProjectWithEnvironments, name: string): void {
  if (project.environments.some((e) => e.name === name)) {
    throw new AppError("conflict", `environment ${name} exists`, `Project "${project.name}" already has an environment named "${name}".`);
  }
}

/** Projects declared in cairn.config.json are changed there, not in the UI. */
export function assertEditable(project: Project): void {
  if (project.source === "config") {
    throw new AppError("conflict", `project ${project.name} is declared in cairn.config.json`, `Project "${project.name}" is declared in cairn.config.json, so it is read-only here. Change it in that file and restart Cairn.`);
  }
}
