/**
 * Finds where a project's migrations live, the way Alembic does (`Config` + `ScriptDirectory.from_config`
 * in alembic 1.8, plus `recursive_version_locations` and pyproject.toml `[tool.alembic]` from later
 * releases). Reads only configuration; never imports Python.
 */
import fs from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import type { AlembicLocation } from "@/lib/alembic/types";
import { readIni, type IniFile } from "@/lib/alembic/read-ini";
import { AppError } from "@/lib/errors";
import { diskSource, type FileSource } from "@/lib/alembic/file-source";

/** alembic/script/base.py `_split_on_space_comma`, the legacy split when no separator is set. */
const SPLIT_ON_SPACE_COMMA = /, *|(?: +)/;

function configError(where: string, what: string, fix: string): AppError {
  return new AppError("config", `${where}: ${what}`, `${where}: ${what}. ${fix}`);
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && ["true", "yes", "on", "1"].includes(v.trim().toLowerCase());
}

/**
 * `package:path` resources (alembic/util/pyfiles.py `coerce_resource_to_filename`): Cairn cannot ask
 * Python where a package lives, so it looks for the package as a directory under the project root.
 */
function resolveLocation(value: string, baseDir: string, where: string, source: FileSource): string {
  if (!path.isAbsolute(value) && value.includes(":") && !/^[A-Za-z]:[\\/]/.test(value)) {
    const [pkg, ...rest] = value.split(":");
    const candidate = path.resolve(baseDir, ...pkg!.split("."), ...rest);
    if (source.kind(candidate) !== undefined) return candidate;
    // Neither the value nor the path made from it: both are file content.
    throw configError(
      where,
      "the location is a package resource (package:path), and Cairn cannot find that package as a directory under the project root",
      "Use a filesystem path relative to the ini file (or %(here)s/…) instead of the package form, or run Cairn from the directory that holds the package.",
    );
  }
  return path.resolve(baseDir, value);
}

/** ScriptDirectory.from_config: split version_locations by version_path_separator. */
export function splitVersionLocations(value: string, separator: string | undefined, where: string): string[] {
  if (separator === undefined) return value.split(SPLIT_ON_SPACE_COMMA);
  const chars: Record<string, string> = { space: " ", os: path.delimiter, ":": ":", ";": ";" };
  const ch = chars[separator];
  if (ch === undefined) {
    throw configError(where, "version_path_separator has a value Alembic does not know", "Use one of: space, os, ':', ';' (or remove it for the legacy space/comma split).");
  }
  return value.split(ch).filter((x) => x !== "");
}

function fromIni(iniPath: string, source: FileSource): AlembicLocation {
  const rootDir = path.dirname(iniPath);
  let text: string;
  try {
    text = Buffer.from(source.read(iniPath)).toString("utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AppError("not-found", `cannot read ${iniPath}${code ? ` (${code})` : ""}`, `Cannot read ${iniPath}${code ? ` (${code})` : ""}: check that it exists and is readable.`);
  }
  const ini: IniFile = readIni(text, iniPath, { here: rootDir });
  const section = "alembic";
  const scriptLocationRaw = ini.get(section, "script_location");
  if (!scriptLocationRaw) {
    throw configError(iniPath, "no 'script_location' key found in the [alembic] section", "Add `script_location = <dir with env.py and versions/>` under [alembic].");
  }
  const where = (key: string): string => `${iniPath}${ini.lineOf(section, key) ? `:${ini.lineOf(section, key)}` : ""}`;
  const scriptLocation = resolveLocation(scriptLocationRaw, rootDir, where("script_location"), source);
  const vl = ini.get(section, "version_locations");
  let versionLocations: string[];
  if (vl) {
    const parts = splitVersionLocations(vl, ini.get(section, "version_path_separator"), where("version_path_separator"));
    versionLocations = parts.map((p) => resolveLocation(p, rootDir, where("version_locations"), source));
  } else {
    versionLocations = [path.join(scriptLocation, "versions")];
  }
  return {
    configFile: iniPath,
    rootDir,
    scriptLocation,
    versionLocations,
    recursiveVersionLocations: isTrue(ini.get(section, "recursive_version_locations")),
  };
}

function readPyproject(file: string, source: FileSource): Record<string, unknown> | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(Buffer.from(source.read(file)).toString("utf8")) as Record<string, unknown>;
  } catch (e) {
    // The parser's message quotes the offending text: only its position is passed on.
    const err = e as { line?: number; column?: number; code?: string };
    if (!(e instanceof Error) || !("line" in e)) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new AppError("not-found", `cannot read ${file}${code ? ` (${code})` : ""}`, `Cannot read ${file}${code ? ` (${code})` : ""}: check that it exists and is readable.`);
    }
    throw configError(`${file}${err.line ? `:${err.line}` : ""}`, `invalid TOML${err.column ? ` at column ${err.column}` : ""}`, "Fix the TOML syntax.");
  }
  const tool = doc.tool as Record<string, unknown> | undefined;
  const alembic = tool?.alembic;
  return alembic && typeof alembic === "object" ? (alembic as Record<string, unknown>) : undefined;
}

function fromPyproject(file: string, table: Record<string, unknown>, source: FileSource): AlembicLocation {
  const rootDir = path.dirname(file);
  const here = (s: string): string => s.replace(/%\(here\)s/g, rootDir);
  const sl = table.script_location;
  if (typeof sl !== "string" || sl === "") {
    throw configError(file, "[tool.alembic] has no script_location string", 'Add `script_location = "migrations"` (the directory holding env.py and versions/).');
  }
  const scriptLocation = resolveLocation(here(sl), rootDir, file, source);
  const vl = table.version_locations;
  let versionLocations: string[];
  if (vl === undefined) versionLocations = [path.join(scriptLocation, "versions")];
  else if (Array.isArray(vl) && vl.every((x) => typeof x === "string")) {
    versionLocations = (vl as string[]).map((p) => resolveLocation(here(p), rootDir, file, source));
    if (versionLocations.length === 0) versionLocations = [path.join(scriptLocation, "versions")];
  } else if (typeof vl === "string") {
    versionLocations = vl
      .split(SPLIT_ON_SPACE_COMMA)
      .filter(Boolean)
      .map((p) => resolveLocation(here(p), rootDir, file, source));
  } else {
    throw configError(file, "[tool.alembic] version_locations must be a list of strings", 'Write it as version_locations = ["%(here)s/migrations/versions"].');
  }
  const rec = table.recursive_version_locations;
  return {
    configFile: file,
    rootDir,
    scriptLocation,
    versionLocations,
    recursiveVersionLocations: rec === true || (typeof rec === "string" && isTrue(rec)),
  };
}

/**
 * Resolve a target — an alembic.ini, a pyproject.toml, a directory holding either, a script
 * directory (env.py + versions/) or a versions directory — to where its migrations live.
 * Throws AppError("not-found" | "config") with an actionable message.
 */
export function findAlembicLocation(target: string, source: FileSource = diskSource): AlembicLocation {
  const abs = path.resolve(target);
  let kind: "file" | "dir" | "other" | undefined;
  if (source === diskSource) {
    try {
      const stat = fs.statSync(abs);
      kind = stat.isFile() ? "file" : stat.isDirectory() ? "dir" : "other";
    } catch {
      kind = undefined;
    }
  } else kind = source.kind(abs);
  if (kind === undefined) {
    throw new AppError("not-found", `${abs} does not exist`, `${abs} does not exist. Pass an alembic.ini, a directory holding one, or a versions directory.`);
  }
  if (kind === "file") {
    if (path.basename(abs) === "pyproject.toml") {
      const table = readPyproject(abs, source);
      if (!table) throw configError(abs, "has no [tool.alembic] table", "Add [tool.alembic] with script_location, or pass the alembic.ini instead.");
      return fromPyproject(abs, table, source);
    }
    return fromIni(abs, source);
  }
  if (kind !== "dir") {
    throw new AppError("bad-request", `${abs} is neither a file nor a directory`, `${abs} is neither a file nor a directory.`);
  }
  const exists = (p: string) => source.kind(p) !== undefined;
  const ini = path.join(abs, "alembic.ini");
  if (exists(ini)) return fromIni(ini, source);
  const pyproject = path.join(abs, "pyproject.toml");
  if (exists(pyproject)) {
    const table = readPyproject(pyproject, source);
    if (table) return fromPyproject(pyproject, table, source);
  }
  // A script directory without configuration: env.py next to versions/.
  if (exists(path.join(abs, "env.py")) && exists(path.join(abs, "versions"))) {
    return { rootDir: abs, scriptLocation: abs, versionLocations: [path.join(abs, "versions")], recursiveVersionLocations: false };
  }
  return { rootDir: abs, versionLocations: [abs], recursiveVersionLocations: false };
}
