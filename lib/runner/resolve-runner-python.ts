import "server-only";
import fs from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors";

/**
 * The Python that runs a project's Alembic, derived from its configured command, so that Cairn's
 * guarded runner (which imports Alembic in the same process that holds the database lock) uses
 * the same interpreter and packages as `alembic` itself would:
 * - `[python, "-m", "alembic"]` → `[python]`;
 * - `[…launcher, "alembic"]` (`poetry run alembic`, `uv run alembic`, `pipenv run alembic`) → `[…launcher, "python"]`;
 * - `["alembic"]` or `[".venv/bin/alembic"]` → the interpreter named by that script's `#!` line.
 */
export function resolveRunnerPython(command: string[], cwd: string, o: { pathEnv?: string } = {}): string[] {
  const dashM = command.indexOf("-m");
  if (dashM > 0 && command[dashM + 1] === "alembic") return command.slice(0, dashM);
  const last = command.at(-1);
  if (command.length > 1 && last && path.basename(last) === "alembic") return [...command.slice(0, -1), "python"];
  if (command.length === 1 && last) {
    const script = findExecutable(last, cwd, o.pathEnv ?? process.env.PATH ?? "");
    const shebang = script ? readShebang(script) : null;
    if (shebang && /python/.test(path.basename(shebang.at(-1) ?? ""))) return shebang;
  }
  throw new AppError(
    "config",
    `cannot tell the Python of ${JSON.stringify(command)}`,
    `Cairn runs migrations through a small Python runner that holds the database lock in the same process as Alembic, so it needs the Python that runs your Alembic, and cannot tell it from the command ${JSON.stringify(command)}. ` +
      `Set the project's command in cairn.config.json to the form ["<your python>", "-m", "alembic"] (e.g. [".venv/bin/python", "-m", "alembic"]).`,
  );
}

function findExecutable(name: string, cwd: string, pathEnv: string): string | null {
  if (name.includes("/")) {
    const p = path.resolve(cwd, name);
    return fs.existsSync(p) ? p : null;
  }
  for (const dir of pathEnv.split(":").filter(Boolean)) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** `#!/usr/bin/python3` → ["/usr/bin/python3"]; `#!/usr/bin/env python3` → ["/usr/bin/env", "python3"]. */
function readShebang(file: string): string[] | null {
  let head: string;
  try {
    const fd = fs.openSync(file, "r");
    try {
      const buf = Buffer.alloc(256);
      head = buf.subarray(0, fs.readSync(fd, buf, 0, 256, 0)).toString("utf8");
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  if (!head.startsWith("#!")) return null;
  const words = head.slice(2).split("\n")[0]!.trim().split(/\s+/).filter(Boolean);
  return words.length ? words : null;
}
