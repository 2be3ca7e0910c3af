import fs from "node:fs";
import path from "node:path";

/** cairn.config.json: CAIRN_CONFIG, else ./cairn.config.json when present. */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CAIRN_CONFIG) return path.resolve(env.CAIRN_CONFIG);
  const local = path.resolve("cairn.config.json");
  return fs.existsSync(local) ? local : undefined;
}
