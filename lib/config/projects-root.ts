import path from "node:path";
import { configFilePath } from "@/lib/config/config-file-path";

/** Where alembic paths set through the UI/API must lie, and why that directory. */
export interface ProjectsRoot {
  dir: string;
  /** How the root was chosen, for messages: which variable or file to change. */
  source: string;
}

/**
 * The allow-listed root for project paths set through the UI/API: CAIRN_PROJECTS_ROOT, else the
 * directory of the operator's cairn.config.json, else the working directory. Read on every call,
 * so a test or a restart with another value needs no cache to be cleared.
 */
export function projectsRoot(env: NodeJS.ProcessEnv = process.env): ProjectsRoot {
  if (env.CAIRN_PROJECTS_ROOT) return { dir: path.resolve(env.CAIRN_PROJECTS_ROOT), source: "CAIRN_PROJECTS_ROOT" };
  const config = configFilePath(env);
  if (config) return { dir: path.dirname(config), source: `the directory of ${config} (set CAIRN_PROJECTS_ROOT to choose another)` };
  return { dir: process.cwd(), source: "Cairn's working directory (set CAIRN_PROJECTS_ROOT to choose another)" };
}
