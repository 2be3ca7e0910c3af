import "server-only";
import type { Environment, Prisma, PrismaClient, Project } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import type { AlembicLocation } from "@/lib/alembic/types";
import type { RevisionGraph } from "@/lib/graph/types";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { getEnvironmentOrThrow, getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { projectConstants, type ProjectConstants } from "@/lib/projects/project-constants";
import { getSecretKey } from "@/lib/secrets/get-secret-key";
import { resolveEnvironmentUrl, type ResolvedUrl } from "@/lib/secrets/resolve-environment-url";

/** How a stored project's URLs are resolved: the store's key decrypts literal URLs; env: references are looked up in `env` (default process.env). */
export interface UrlOptions {
  key?: Buffer;
  env?: Record<string, string | undefined>;
}

/** The server's URL options: its key when it has a usable one; without it, encrypted URLs report that they cannot be decrypted. */
export function serverUrlOptions(): UrlOptions {
  try {
    return { key: getSecretKey() };
  } catch {
    return {};
  }
}

/** An environment of a stored project, its URL resolved here (server only: never hand `url` to a browser). */
export type LoadedEnvironment = Environment & { url: ResolvedUrl };

/** A stored project with its environments in promotion order, their URLs resolved, and its constants. */
export interface LoadedProject {
  project: Project & { environments: Environment[] };
  environments: LoadedEnvironment[];
  constants: ProjectConstants;
  /** The named environment, or a not-found AppError naming the project. */
  environment(name: string): LoadedEnvironment;
}

/** The one way to load a stored project for server code that reads its databases: environments with resolved URLs and the project's constants. */
export async function loadProject(db: PrismaClient | Prisma.TransactionClient, name: string, opts: UrlOptions = {}): Promise<LoadedProject> {
  const project = await getProjectOrThrow(db, name);
  const environments = project.environments.map((e) => ({ ...e, url: resolveEnvironmentUrl(e, { key: opts.key, env: opts.env }) }));
  return {
    project,
    environments,
    constants: projectConstants(project),
    environment: (envName) => {
      const found = getEnvironmentOrThrow(project, envName);
      return environments.find((e) => e.id === found.id)!;
    },
  };
}

/** A loaded project with its migration graph and how Alembic runs for it. */
export interface LoadedProjectWithGraph extends LoadedProject {
  graph: RevisionGraph;
  /** Where its migrations live, as Alembic resolves it (config file, script and version locations). */
  location: AlembicLocation;
  /** Where Alembic runs and relative SQLite paths resolve. */
  rootDir: string;
  /** The alembic.ini to pass with -c, if any. */
  configFile?: string;
  /** The project's Alembic invocation, as runAlembic and previewSql take it. */
  alembic: { command: string[]; cwd: string; configFile?: string; urlEnvVar: string; xArgs: string[] };
}

/** loadProject, and the project's migrations read fresh (off the event loop): for plans, runs, drift and sign-offs. */
export async function loadProjectWithGraph(db: PrismaClient, name: string, opts: UrlOptions = {}): Promise<LoadedProjectWithGraph> {
  const loaded = await loadProject(db, name, opts);
  const { project: read, graph } = await readProjectGraphAsync(loaded.project.alembicPath, { constants: loaded.constants });
  const rootDir = read.location.rootDir;
  const configFile = read.location.configFile?.endsWith(".ini") ? read.location.configFile : undefined;
  const { command, urlEnvVar, xArgs } = loaded.project;
  return { ...loaded, graph, location: read.location, rootDir, configFile, alembic: { command, cwd: rootDir, configFile, urlEnvVar, xArgs } };
}

/** A resolved URL, or the 503-style refusal every run path gives when an environment's URL cannot be used. */
export function usableUrlOrThrow(env: LoadedEnvironment): string {
  if (env.url.ok) return env.url.url;
  throw new AppError("unreachable", `environment ${env.name} url: ${env.url.reason}`, `${env.name}'s database URL cannot be used: ${env.url.message.replace(/\.$/, "")}. Fix the environment's settings and try again.`);
}
