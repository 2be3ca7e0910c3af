import type { Environment, Project } from "@/lib/generated/prisma/client";
import { projectConstants } from "@/lib/projects/project-constants";

/** An environment as the browser may see it: no `urlEncrypted`, the URL masked. */
export interface PublicEnvironment {
  id: string;
  name: string;
  position: number;
  /** `env:NAME` for references; the literal URL with its password as `****` otherwise. */
  urlMasked: string;
  urlKind: "env" | "literal";
  versionTable: string;
  versionTableSchema: string | null;
  protected: boolean;
  approvers: string[];
  timeoutMs: number;
}

export interface PublicProject {
  id: string;
  name: string;
  alembicPath: string;
  command: string[];
  urlEnvVar: string;
  xArgs: string[];
  constants: Record<string, string | string[] | null>;
  /** "config": declared in cairn.config.json, read-only in the UI. */
  source: "config" | "ui";
  environments: PublicEnvironment[];
}

export function toPublicEnvironment(env: Environment): PublicEnvironment {
  return {
    id: env.id,
    name: env.name,
    position: env.position,
    urlMasked: env.urlRef ?? env.urlMasked,
    urlKind: env.urlRef ? "env" : "literal",
    versionTable: env.versionTable,
    versionTableSchema: env.versionTableSchema,
    protected: env.protected,
    approvers: env.approvers,
    timeoutMs: env.timeoutMs,
  };
}

export function toPublicProject(project: Project & { environments: Environment[] }): PublicProject {
  return {
    id: project.id,
    name: project.name,
    alembicPath: project.alembicPath,
    command: project.command,
    urlEnvVar: project.urlEnvVar,
    xArgs: project.xArgs,
    constants: projectConstants(project),
    source: project.source === "config" ? "config" : "ui",
    environments: [...project.environments].sort((a, b) => a.position - b.position).map(toPublicEnvironment),
  };
}
