import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { isAppError } from "@/lib/errors";
import { recordAudit, type AuditEntry } from "@/lib/audit/record-audit";
import { findAlembicLocation } from "@/lib/alembic/find-alembic-location";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { projectsRoot } from "@/lib/config/projects-root";
import type { AlembicLocation } from "@/lib/alembic/types";
import type { TProject } from "@/lib/projects/project.types";

/** Which rule refused a path; recorded in the audit row of the refusal. */
export type AlembicPathRule = "exists" | "root" | "file-name" | "no-config-file" | "readable" | "locations-root";

const CONFIG_FILE = /^(alembic\.ini|.+\.ini|pyproject\.toml)$/;

function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function realpathOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * The alembic path of a project set through the UI/API, checked and made absolute; otherwise a 422
 * on `alembicPath` saying which rule refused it, and an audit row of the attempt.
 *
 * The path is a file the server will read and quote from, typed into a web form, so: it must be an
 * alembic.ini, a *.ini or a pyproject.toml (or a directory holding alembic.ini or pyproject.toml),
 * its real path (links resolved) must lie inside the projects root (lib/config/projects-root), and
 * Cairn must read a project there. Relative paths are relative to that root. The real path is
 * stored, so a link swapped later cannot move the project out of the root. Projects declared in
 * cairn.config.json do not come through here: the operator's file may point anywhere.
 */
export async function checkAlembicPath(db: PrismaClient, value: string, constants: TProject["constants"], actor: AuditEntry["actor"]): Promise<string> {
  const root = projectsRoot();
  const refuse = async (rule: AlembicPathRule, message: string): Promise<never> => {
    await recordAudit(db, { actor, action: "project.path-refused", outcome: "refused", details: { rule, path: value.slice(0, 1000) } });
    throw new z.ZodError([{ code: "custom", path: ["alembicPath"], message, input: value }]);
  };
  const rootReal = realpathOrUndefined(root.dir) ?? root.dir;
  const target = path.resolve(root.dir, value);
  const real = realpathOrUndefined(target);
  if (real === undefined) {
    // Outside the root, even whether a path exists is not for the form to tell.
    if (!isInside(root.dir, target)) return refuse("root", outsideMessage(target, root));
    return refuse("exists", `${target} does not exist (or the Cairn server may not read it). Point to the project's alembic.ini or the directory holding it.`);
  }
  if (!isInside(rootReal, real)) return refuse("root", outsideMessage(target, root));

  let configFile = real;
  if (fs.statSync(real).isDirectory()) {
    const found = ["alembic.ini", "pyproject.toml"].map((n) => path.join(real, n)).find((f) => fs.existsSync(f));
    if (!found) return refuse("no-config-file", `${target} holds no alembic.ini and no pyproject.toml. Point to the project's alembic.ini, a *.ini or pyproject.toml file, or the directory holding it.`);
    const foundReal = realpathOrUndefined(found);
    // The file in the directory may itself be a link out of the root.
    if (foundReal === undefined || !isInside(rootReal, foundReal)) return refuse("root", outsideMessage(found, root));
    configFile = foundReal;
  }
  if (!CONFIG_FILE.test(path.basename(configFile)) || !fs.statSync(configFile).isFile()) {
    return refuse("file-name", `${target} is not an Alembic configuration file: Cairn accepts only alembic.ini, a *.ini file or pyproject.toml, or a directory holding alembic.ini or pyproject.toml.`);
  }

  const unreadable = (e: unknown) =>
    // Reader errors name the file, the line and the kind of problem — never the file's text.
    refuse("readable", isAppError(e) ? e.userMessage : `Cairn cannot read the project at ${target}. Check the path and that the Cairn server may read it.`);
  let location: AlembicLocation;
  try {
    location = findAlembicLocation(real);
  } catch (e) {
    return unreadable(e);
  }
  // A pyproject.toml without [tool.alembic] is no configuration.
  if (location.configFile === undefined) return refuse("no-config-file", `${target} holds no Alembic configuration: pyproject.toml has no [tool.alembic] table. Point to the project's alembic.ini instead.`);
  // The configuration inside the root may still send Cairn (and Alembic, which runs env.py from
  // script_location) anywhere: version_locations = /etc would list and parse files out there.
  // Checked before any migration file is read.
  const escaping = [location.scriptLocation, ...location.versionLocations].filter((d): d is string => !!d).find((d) => !isInside(rootReal, realpathOrUndefined(d) ?? path.resolve(d)));
  if (escaping) {
    const key = escaping === location.scriptLocation ? "script_location" : "version_locations";
    return refuse(
      "locations-root",
      `${path.basename(configFile)} sets ${key} to ${escaping}, which is outside the projects root ${root.dir} (links resolved), so Cairn will not read it. Keep the project's migrations under that root (change ${key}), set CAIRN_PROJECTS_ROOT on the server (the root is ${root.source}), or have the operator declare the project in cairn.config.json.`,
    );
  }
  try {
    await readProjectGraphAsync(real, { constants });
  } catch (e) {
    return unreadable(e);
  }
  return real;
}

function outsideMessage(target: string, root: { dir: string; source: string }): string {
  return `${target} is outside the projects root ${root.dir} (links resolved), so Cairn will not read it. Put the project under that root, or set CAIRN_PROJECTS_ROOT on the server (the root is ${root.source}); a project elsewhere can be declared by the operator in cairn.config.json.`;
}
