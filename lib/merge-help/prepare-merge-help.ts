import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { findAlembicLocation } from "@/lib/alembic/find-alembic-location";
import { readProjectGraph, readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import type { AlembicLocation } from "@/lib/alembic/types";
import type { AuditActor } from "@/lib/audit/record-audit";
import { isAppError } from "@/lib/errors";
import type { MergeHelp } from "@/lib/merge-help/merge-help.types";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { projectConstants } from "@/lib/projects/project-constants";
import { normaliseCommand, normaliseXArgs, runAlembic } from "@/lib/runner/run-alembic";

/** Nothing a merge needs lives in these; a virtualenv alone can be 200 MB. */
const NOT_COPIED = new Set(["__pycache__", ".git", "node_modules", ".venv", "venv", ".mypy_cache", ".pytest_cache"]);
/** The line of a traceback that says what went wrong (as lib/runner/preview-sql.ts reads it). */
const EXCEPTION = /^(?:[A-Za-z_][\w.]*(?:Error|Exception|Exit)|FAILED)\b:?/;

/** `merge a1 and b2`, `merge a1, b2 and c3`: the message Alembic puts in the file's docstring and name. */
export function mergeMessage(heads: readonly string[]): string {
  return heads.length < 2 ? `merge ${heads.join("")}` : `merge ${heads.slice(0, -1).join(", ")} and ${heads[heads.length - 1]}`;
}

const shellWord = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `"${w.replace(/(["\\$`])/g, "\\$1")}"`);

/** The command line to type in the project's directory (the configured Alembic command, the project's -c and -x). */
export function mergeCommandLine(command: string[], heads: readonly string[], o: { configFile?: string; xArgs?: string[] } = {}): string {
  const x = (o.xArgs ?? []).flatMap((kv) => ["-x", kv]);
  const c = o.configFile ? ["-c", o.configFile] : [];
  return [...command, ...c, ...x, "merge", "-m", `"${mergeMessage(heads)}"`, ...heads].map((w, i, all) => (all[i - 1] === "-m" ? w : shellWord(w))).join(" ");
}

const inFlight = new Map<string, Promise<MergeHelp>>();

/**
 * The merge a graph with several unlabelled heads needs: the project's own Alembic (its configured
 * command, no shell, no database URL) runs `merge` in a temporary copy of the configuration and
 * script directories, never in the repository; the file it wrote is returned with the copy's graph
 * read by Cairn's reader. The copy is removed afterwards, failure included. Requests for the same
 * project while one is running share its answer: a burst of clicks starts one Python process.
 */
export function prepareMergeHelp(db: PrismaClient, i: { project: string; actor: AuditActor; timeoutMs?: number }): Promise<MergeHelp> {
  const running = inFlight.get(i.project);
  if (running) return running;
  const p = prepare(db, i).finally(() => inFlight.delete(i.project));
  inFlight.set(i.project, p);
  return p;
}

async function prepare(db: PrismaClient, i: { project: string; actor: AuditActor; timeoutMs?: number }): Promise<MergeHelp> {
  const project = await getProjectOrThrow(db, i.project);
  const constants = projectConstants(project);
  const { project: loaded, graph } = await readProjectGraphAsync(project.alembicPath, { constants });
  const heads = [...graph.heads];
  const problem = graph.problems.find((p) => p.code === "multiple-heads");
  if (heads.length < 2) return { kind: "none", heads, message: "The graph has one head: there is nothing to merge." };
  if (problem?.severity !== "error") {
    return { kind: "none", heads, message: "Each head is on its own branch label: these are intentional branches, upgraded with 'heads' or '<label>@head', not merged." };
  }

  const command = normaliseCommand(project.command);
  const xArgs = normaliseXArgs(project.xArgs);
  const location = loaded.location;
  const configFile = location.configFile;
  const rootDir = location.rootDir;
  const shownConfig = configFile && path.basename(configFile) !== "alembic.ini" ? path.relative(rootDir, configFile) : undefined;
  const commandLine = mergeCommandLine(command, heads, { configFile: shownConfig, xArgs });
  const failed = (message: string, details: string[] = []): MergeHelp => ({ kind: "failed", heads, command: commandLine, message, details });

  if (!configFile?.endsWith(".ini") || !location.scriptLocation) {
    return failed("Alembic writes a merge only from an alembic.ini with a script_location (it renders the project's script.py.mako); this project is read without one. Run the command above where the project's alembic.ini is.");
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-merge-"));
  try {
    const copy = copyScriptDirectory(location, configFile, tmp);
    if (!copy.ok) return failed(copy.message);
    const before = new Set(listPython(copy.location.versionLocations));
    // A relative program (".venv/bin/alembic") is the project's, not the copy's.
    const program = command[0]!;
    const runCommand = program.includes("/") && !path.isAbsolute(program) ? [path.resolve(rootDir, program), ...command.slice(1)] : command;
    let r: Awaited<ReturnType<typeof runAlembic>>;
    try {
      r = await runAlembic({
        command: runCommand,
        cwd: copy.location.rootDir,
        configFile: path.basename(configFile),
        xArgs,
        // No database: writing a merge reads only the script directory.
        databaseUrl: "",
        urlEnvVar: project.urlEnvVar,
        args: ["merge", "-m", mergeMessage(heads), ...heads],
        timeoutMs: i.timeoutMs ?? 60_000,
        audit: { db, actor: i.actor, purpose: "preview", projectId: project.id },
      });
    } catch (e) {
      return failed(`Cairn could not run the project's Alembic ("${command.join(" ")}"): ${isAppError(e) ? e.userMessage : "it could not be started"}`);
    }
    const tmpRoot = copy.location.rootDir;
    // Mako's own traceback file is on the server, not for the reader: name the template instead.
    const relative = (l: string) =>
      l
        .split(`${tmpRoot}/`)
        .join("")
        .split(`${tmp}/`)
        .join("")
        .replace(/; see \S+ for a template-oriented traceback\.?/, " (the project's script.py.mako).");
    if (r.exitCode !== 0) {
      const lines = r.output
        .split("\n")
        .filter((l) => l.trim())
        .map(relative);
      const exception = [...lines].reverse().find((l) => EXCEPTION.test(l));
      const why = r.timedOut ? "it did not finish in 60 s" : (exception ?? `it exited with ${r.exitCode ?? r.signal}`);
      return failed(`The project's Alembic ("${command.join(" ")}") could not write the merge: ${why.length > 300 ? `${why.slice(0, 297)}…` : why}`, lines.slice(-15));
    }
    const written = listPython(copy.location.versionLocations).filter((f) => !before.has(f));
    if (written.length !== 1) return failed(`Alembic reported success but wrote ${written.length} new files instead of one; run the command above yourself.`);
    const file = written[0]!;
    const contents = fs.readFileSync(file, "utf8");
    const preview = readProjectGraph(path.join(tmpRoot, path.basename(configFile)), { constants, cacheDir: false });
    const script = preview.project.scripts.find((s) => s.path === file);
    return {
      kind: "merge",
      heads,
      command: commandLine,
      fileName: path.basename(file),
      directory: path.relative(tmpRoot, path.dirname(file)) || ".",
      revision: script?.revision ?? "",
      contents,
      preview: {
        heads: preview.graph.heads,
        revisions: preview.graph.revisions.size,
        problems: preview.graph.problems
          .filter((p) => p.severity === "error")
          .map((p) => relative(p.message))
          .slice(0, 20),
      },
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Copies the config file, the script directory and every versions directory into `tmp`, each at its
 * place relative to their common parent, so %(here)s and relative paths resolve inside the copy.
 * The copy's configuration is read back: a location that still points outside the copy (an absolute
 * path in alembic.ini) would let Alembic write into the repository, so it is refused.
 */
function copyScriptDirectory(location: AlembicLocation, configFile: string, tmp: string): { ok: true; location: AlembicLocation } | { ok: false; message: string } {
  const dirs = [location.scriptLocation!, ...location.versionLocations];
  const base = commonParent([path.dirname(configFile), ...dirs]);
  const into = (p: string) => path.join(tmp, path.relative(base, p));
  fs.mkdirSync(path.dirname(into(configFile)), { recursive: true });
  fs.copyFileSync(configFile, into(configFile));
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    fs.cpSync(dir, into(dir), { recursive: true, filter: (src) => !NOT_COPIED.has(path.basename(src)) });
  }
  let copied: AlembicLocation;
  try {
    copied = findAlembicLocation(into(configFile));
  } catch (e) {
    return { ok: false, message: `The copy of the project's configuration could not be read: ${isAppError(e) ? e.userMessage : "unknown error"}` };
  }
  const inside = (p: string) => !path.relative(tmp, p).startsWith("..") && !path.isAbsolute(path.relative(tmp, p));
  const outside = [copied.scriptLocation ?? tmp, ...copied.versionLocations].filter((p) => !inside(p));
  if (outside.length) {
    return {
      ok: false,
      message: `${path.basename(configFile)} names its script or versions directory by an absolute path, so Alembic would write the merge into the repository itself; Cairn only writes it into a copy. Use %(here)s/… in ${path.basename(configFile)}, or run the command above yourself.`,
    };
  }
  return { ok: true, location: copied };
}

function commonParent(paths: string[]): string {
  let base = path.resolve(paths[0]!);
  for (const p of paths.slice(1)) {
    while (path.relative(base, path.resolve(p)).startsWith("..")) base = path.dirname(base);
  }
  return base;
}

/** The .py files at the top of the versions directories, where Alembic writes a new revision. */
function listPython(dirs: string[]): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) if (e.isFile() && e.name.endsWith(".py")) out.push(path.join(dir, e.name));
  }
  return out.sort();
}
