/**
 * A git commit of a project's repository as a FileSource, read without checking it out: `git ls-tree`
 * lists it once and `git cat-file --batch` reads the files the reader asks for. Git is spawned without
 * a shell, the ref is validated with `rev-parse --verify --end-of-options` before any other use.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { FileKind, FileSource } from "@/lib/alembic/file-source";
import { AppError } from "@/lib/errors";

/**
 * Cairn's own secrets are not git's business, and a GIT_DIR or GIT_WORK_TREE in the server's environment
 * would make git read another repository than the project's.
 */
const NOT_FOR_GIT = /^(DATABASE_URL|CAIRN_.*|PG(PASSWORD|PASSFILE|SERVICE)|GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|COMMON_DIR|NAMESPACE|CEILING_DIRECTORIES|DISCOVERY_ACROSS_FILESYSTEM))$/;

/** Git answers without a terminal, a pager or a translated message. */
const GIT_ENV = {} as NodeJS.ProcessEnv;
for (const [k, v] of Object.entries(process.env)) if (!NOT_FOR_GIT.test(k)) GIT_ENV[k] = v;
Object.assign(GIT_ENV, { GIT_TERMINAL_PROMPT: "0", GIT_PAGER: "cat", LC_ALL: "C", GIT_OPTIONAL_LOCKS: "0" });
const TIMEOUT_MS = 60_000;

interface GitResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function git(cwd: string, args: string[], input?: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env: GIT_ENV, shell: false, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"], timeout: TIMEOUT_MS });
    const out: Buffer[] = [];
    let err = "";
    child.stdout!.on("data", (c: Buffer) => out.push(c));
    child.stderr!.on("data", (c: Buffer) => (err += c.toString("utf8")));
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "ENOENT"
          ? new AppError("config", "git not found", "Cairn could not start git (not found on PATH); install git to read the migrations at another ref.")
          : new AppError("internal", `git failed to start: ${e.code ?? e.message}`),
      ),
    );
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    if (child.stdin) {
      // git exiting before it read everything (a bad object) must not become an uncaught EPIPE.
      child.stdin.on("error", () => {});
      child.stdin.end(input);
    }
  });
}

/**
 * The ref as given, refused before it reaches git when it cannot be one: empty, NUL, newline, absurdly
 * long, or starting with "-" (no branch or tag may; git would read it as an option — `--end-of-options`
 * on every call is the second guard).
 */
export function checkRefText(ref: string): string {
  if (ref.length === 0 || ref.length > 255 || /[\0\n\r]/.test(ref) || ref.startsWith("-")) {
    throw new AppError("bad-request", "bad ref", `"${ref.slice(0, 60)}" is not a git ref: give a branch, tag or commit such as release/1.4, v1.4.0 or 3f9c0d1.`);
  }
  return ref;
}

interface TreeEntry {
  kind: FileKind;
  blob?: string;
}

/** A commit, listed: its id, the repository's top directory (real path) and the commit's files as a FileSource. */
export interface GitCommit {
  ref: string;
  commit: string;
  toplevel: string;
  source: FileSource & { hash(p: string): string | undefined };
  /** Reads every file `wanted` accepts in one `git cat-file --batch` (the source reads others one by one). */
  prefetch(wanted: (absPath: string) => boolean): Promise<void>;
}

/**
 * Opens `ref` of the repository holding `dir`. Throws AppError with what to fix when `dir` is not in a
 * git repository or `ref` names no commit there.
 */
export async function readGitCommit(dir: string, ref: string): Promise<GitCommit> {
  checkRefText(ref);
  let cwd = path.resolve(dir);
  while (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) cwd = path.dirname(cwd);
  const top = await git(cwd, ["rev-parse", "--show-toplevel"]);
  if (top.code !== 0) {
    throw new AppError("bad-request", `not a git repository: ${cwd}`, `The project's directory is not inside a git repository, so Cairn cannot read its migrations at "${ref}".`);
  }
  const toplevel = fs.realpathSync(top.stdout.toString("utf8").trim());
  const verified = await git(toplevel, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (verified.code !== 0) {
    throw new AppError("not-found", `unknown ref ${ref}`, `"${ref}" is not a branch, tag or commit of the project's repository. Check the name (git branch -a, git tag), or fetch it first.`);
  }
  const commit = verified.stdout.toString("utf8").trim();
  const listed = await git(toplevel, ["ls-tree", "-r", "-t", "-z", "--full-tree", commit]);
  if (listed.code !== 0) throw new AppError("internal", `git ls-tree failed: ${listed.stderr.split("\n")[0]}`, `Cairn could not list "${ref}" in the project's repository.`);

  const entries = new Map<string, TreeEntry>([["", { kind: "dir" }]]);
  const children = new Map<string, { name: string; kind: FileKind }[]>();
  for (const record of listed.stdout.toString("utf8").split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [mode, type, id] = record.slice(0, tab).split(" ");
    const rel = record.slice(tab + 1);
    // Symbolic links (120000) and submodules (commits) are not followed: neither is a file of this commit.
    const kind: FileKind | undefined = type === "tree" ? "dir" : type === "blob" && mode !== "120000" ? "file" : undefined;
    if (!kind) continue;
    entries.set(rel, kind === "file" ? { kind, blob: id! } : { kind });
    const parent = path.posix.dirname(rel) === "." ? "" : path.posix.dirname(rel);
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push({ name: path.posix.basename(rel), kind });
  }
  for (const list of children.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const blobs = new Map<string, Buffer>();
  const relOf = (p: string): string | undefined => {
    const rel = path.relative(toplevel, path.resolve(p));
    if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join("/");
  };
  const entryOf = (p: string) => {
    const rel = relOf(p);
    return rel === undefined ? undefined : entries.get(rel);
  };
  const notFound = (p: string) => Object.assign(new Error(`${p} is not a file at ${ref}`), { code: "ENOENT" });

  const source: GitCommit["source"] = {
    kind: (p) => entryOf(p)?.kind,
    list(dirPath) {
      const rel = relOf(dirPath);
      if (rel === undefined || entries.get(rel)?.kind !== "dir") throw Object.assign(new Error(`${dirPath} is not a directory at ${ref}`), { code: "ENOTDIR" });
      return [...(children.get(rel) ?? [])];
    },
    read(p) {
      const blob = entryOf(p)?.blob;
      if (!blob) throw notFound(p);
      const cached = blobs.get(blob);
      if (cached) return cached;
      const r = spawnSync("git", ["cat-file", "blob", blob], { cwd: toplevel, env: GIT_ENV, shell: false, timeout: TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 });
      if (r.status !== 0) throw Object.assign(new Error(`git cat-file failed for ${p}`), { code: "EIO" });
      blobs.set(blob, r.stdout);
      return r.stdout;
    },
    hash: (p) => entryOf(p)?.blob,
  };

  async function prefetch(wanted: (absPath: string) => boolean): Promise<void> {
    const ids = new Set<string>();
    for (const [rel, e] of entries) if (e.blob && !blobs.has(e.blob) && wanted(path.join(toplevel, rel))) ids.add(e.blob);
    if (ids.size === 0) return;
    const r = await git(toplevel, ["cat-file", "--batch"], [...ids].join("\n") + "\n");
    if (r.code !== 0) return; // each file is then read on its own, and fails there with its name
    const out = r.stdout;
    let at = 0;
    while (at < out.length) {
      const nl = out.indexOf(10, at);
      if (nl < 0) break;
      const [id, type, size] = out.toString("latin1", at, nl).split(" ");
      if (type === "missing" || size === undefined) {
        at = nl + 1;
        continue;
      }
      const start = nl + 1;
      const end = start + Number(size);
      blobs.set(id!, out.subarray(start, end));
      at = end + 1;
    }
  }

  return { ref, commit, toplevel, source, prefetch };
}
