import path from "node:path";
import { z } from "zod";
import { isAppError } from "@/lib/errors";
import { loadProject } from "@/lib/alembic/load-project";
import type { TProject } from "@/lib/projects/project.types";

/**
 * The absolute alembic path, once Cairn has read the project there; otherwise a 422 on the
 * `alembicPath` field saying what is wrong. (Same check in ./[project]/route.ts: route modules may
 * export only handlers.) Relative paths are resolved against the server's working directory and
 * stored absolute, so they do not change meaning when Cairn is started from elsewhere.
 */
export function readableAlembicPath(value: string, constants: TProject["constants"]): string {
  const target = path.resolve(value);
  const refuse = (message: string) => new z.ZodError([{ code: "custom", path: ["alembicPath"], message, input: value }]);
  let loaded: ReturnType<typeof loadProject>;
  try {
    loaded = loadProject(target, { constants });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    throw refuse(isAppError(e) ? e.userMessage : `Cairn cannot read ${target}${typeof code === "string" ? ` (${code})` : ""}. Check the path and that the Cairn server may read it.`);
  }
  if (!loaded.location.configFile && loaded.scripts.length === 0) {
    throw refuse(`${target} holds no alembic.ini and no migration files Cairn could read. Point to the project's alembic.ini, the directory holding it, or its versions directory.`);
  }
  return target;
}
