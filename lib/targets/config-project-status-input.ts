import { isEnvRef, resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";
import type { ConfigProject } from "@/lib/config/cairn-config";
import type { StatusProjectInput } from "@/lib/targets/read-project-status";

/** A cairn.config.json project as readProjectStatus wants it: `env:` references resolved now, from `env`. */
export function configProjectStatusInput(project: ConfigProject, env: Record<string, string | undefined> = process.env): StatusProjectInput {
  return {
    name: project.name,
    alembicPath: project.alembicPath,
    constants: project.constants,
    environments: project.environments.map((e) => ({
      name: e.name,
      url: isEnvRef(e.url) ? resolveEnvironmentUrl({ urlRef: e.url }, { env }) : { ok: true as const, url: e.url },
      versionTable: e.versionTable,
      versionTableSchema: e.versionTableSchema,
      timeoutMs: e.timeoutMs,
    })),
  };
}
