// The project and environment a command works on, picked from cairn.config.json the same way by
// every command that takes --config/--project/--env (lint, rehearse).
import path from "node:path";
import { loadCairnConfig, type ConfigEnvironment, type ConfigProject } from "@/lib/config/cairn-config";
import { AppError } from "@/lib/errors";
import { isEnvRef, resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";

export interface ConfigTargetNames {
  config?: string;
  project?: string;
  env?: string;
}

export interface ConfigTarget {
  file: string;
  project: ConfigProject;
  /** Present when an environment was named. */
  env?: ConfigEnvironment;
  /** The environment's URL, `env:` references resolved against `processEnv`. */
  url?: string;
}

/** The configuration file: --config, else $CAIRN_CONFIG, else ./cairn.config.json. */
export function configFileOf(names: ConfigTargetNames, cwd: string, processEnv: Record<string, string | undefined>): string {
  return path.resolve(cwd, names.config ?? processEnv.CAIRN_CONFIG ?? "cairn.config.json");
}

/** A URL as the configuration gives it: an `env:` reference is resolved (and checked against the env: policy), a literal kept. */
export function resolveConfigUrl(value: string, processEnv: Record<string, string | undefined>, what: string): string {
  if (!isEnvRef(value)) return value;
  const r = resolveEnvironmentUrl({ urlRef: value }, { env: processEnv });
  if (!r.ok) throw new AppError("config", `${what}: ${r.message}`, `${what}'s URL cannot be used: ${r.message}.`);
  return r.url;
}

/**
 * Picks the named project (or the only one) and, when named, its environment with its URL. Names
 * that do not exist are refused with the names that do, so a typo is fixed in one try.
 */
export function pickConfigTarget(names: ConfigTargetNames, cwd: string, processEnv: Record<string, string | undefined>): ConfigTarget {
  const file = configFileOf(names, cwd, processEnv);
  const config = loadCairnConfig(file);
  const projects = config.projects.map((p) => p.name).join(", ");
  let project: ConfigProject | undefined;
  if (names.project !== undefined) {
    project = config.projects.find((p) => p.name === names.project);
    if (!project) throw new AppError("config", `project ${names.project} not found`, `${file} has no project "${names.project}" (projects: ${projects}).`);
  } else if (config.projects.length === 1) project = config.projects[0]!;
  else throw new AppError("config", "no project named", `${file} declares ${config.projects.length ? `several projects (${projects})` : "no project"}: choose one with --project NAME.`);
  if (names.env === undefined) return { file, project };
  const env = project.environments.find((e) => e.name === names.env);
  if (!env) {
    throw new AppError("config", `environment ${names.env} not found`, `Project "${project.name}" has no environment "${names.env}" (environments: ${project.environments.map((e) => e.name).join(", ")}).`);
  }
  return { file, project, env, url: resolveConfigUrl(env.url, processEnv, `${project.name}/${env.name}`) };
}
