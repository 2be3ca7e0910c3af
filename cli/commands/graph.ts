// cairn graph — read a project's migrations statically and print heads, bases, problems and history.
import fs from "node:fs";
import path from "node:path";
import type { ConstantsTable } from "@/lib/alembic/read-migration-file";
import { cacheFileName } from "@/lib/alembic/cache-file-name";
import { isRacy, resolveCacheDir, scanFingerprint, scanProject, type ProjectScan } from "@/lib/alembic/scan-project";
import { isAppError } from "@/lib/errors";
import { parseCommandArgs } from "@/cli/parse-command-args";
import { mark } from "@/cli/timing";

const USAGE = `Usage: cairn graph [PATH] [--json] [--constants FILE] [--no-cache] [--ref REF [--base REF]]

Reads an Alembic project without running Python and shows its revision graph.
  PATH             an alembic.ini, a pyproject.toml, a directory holding one, or a
                   versions directory (default: the current directory)
  --json           print {"revisions","heads","bases","history","problems"} as JSON
  --constants FILE a JSON object giving values for non-literal names in migrations,
                   e.g. {"cli.EXPAND_BRANCH": "expand", "DEPS": ["a1", "b2"], "X": null}
  --no-cache       read and parse every file afresh, and keep no cache
  --ref REF        read the migrations at a git branch, tag or commit of the project's
                   repository (nothing is checked out) and say what it changes against
                   the working tree: revisions added, removed or edited, new heads
  --base REF       compare with this ref instead of the working tree (needs --ref)

Exit status: 0 sound; 1 the project has error-level problems; 2 bad usage or unreadable PATH.
`;

interface Io {
  stdout: (t: string | Uint8Array) => void;
  stderr: (t: string) => void;
}

const defaultIo: Io = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };

function usageError(io: Io, message: string): number {
  io.stderr(`cairn graph: ${message}\n\n${USAGE}`);
  return 2;
}

/** Validates a constants file: an object whose values are a string, a list of strings or null. */
function readConstants(file: string): ConstantsTable | string {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return `cannot read the constants file ${path.resolve(file)}: ${(e as Error).message.split("\n")[0]}`;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return `${path.resolve(file)} must hold a JSON object such as {"cli.EXPAND_BRANCH": "expand"}`;
  }
  for (const [k, v] of Object.entries(data)) {
    const ok = v === null || typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string"));
    if (!ok) return `${path.resolve(file)}: the value of "${k}" must be a string, a list of strings or null`;
  }
  return data as ConstantsTable;
}

/**
 * The bundle this code runs from (`…/cli-<hash of its inputs>/…`): part of the result-cache key, so
 * a changed engine never serves an old answer. Undefined when running from source (tests).
 */
const BUILD_ID = /[\\/](cli-[0-9a-f]{12})[\\/]/.exec(import.meta.url)?.[1];

/**
 * The result cache: the full output of the last run for this project and mode, stored with the
 * exact key it answers for — the build, the mode and the scan's fingerprint (configuration, file
 * list in load order, every file's size and mtime, constants; see scanFingerprint). A hit costs one
 * listing, one stat per file, one read and one byte comparison — the same staleness rule as the
 * per-file cache, which any edit to a migration invalidates. Layout: a header line
 * `cairn-graph 1 <key length> <exit code>`, the key's bytes, then the output.
 */
const RESULT_MAGIC = "cairn-graph 1";

function resultCacheFile(cacheDir: string, scan: ProjectScan, json: boolean): string {
  return path.join(cacheDir, cacheFileName("graph", JSON.stringify(scan.location), json ? "-json.out" : "-text.out"));
}

function resultKey(scan: ProjectScan, json: boolean): Buffer {
  return Buffer.concat([Buffer.from(`${BUILD_ID}\0${json}\0`), scanFingerprint(scan)]);
}

/** A hit is returned as bytes and written as is: no decoding of a megabyte of JSON to re-encode it. */
function readResult(file: string, key: Buffer): { body: Buffer; exitCode: number } | undefined {
  try {
    const data = fs.readFileSync(file);
    const nl = data.indexOf(10);
    const [magic, version, length, code] = data.toString("latin1", 0, nl).split(" ");
    if (`${magic} ${version}` !== RESULT_MAGIC || Number(length) !== key.length || (code !== "0" && code !== "1")) return undefined;
    const bodyStart = nl + 1 + key.length;
    if (bodyStart > data.length || !data.subarray(nl + 1, bodyStart).equals(key)) return undefined;
    return { body: data.subarray(bodyStart), exitCode: Number(code) };
  } catch {
    return undefined;
  }
}

function writeResult(file: string, key: Buffer, body: Buffer, exitCode: number): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${RESULT_MAGIC} ${key.length} ${exitCode}\n`), key, body]));
    fs.renameSync(tmp, file);
  } catch {
    // an unwritable cache only costs speed
  }
}

/** A result that depends on a racy file (see isRacy) is not cached: the next run could not tell it changed. */
function anyRacy(scan: ProjectScan): boolean {
  for (let i = 0; i < scan.mtimes.length; i++) if (isRacy(scan.mtimes[i]!, scan.scannedAt)) return true;
  return false;
}

/** Entry point for `cairn graph`; returns the exit code. */
export async function run(argv: string[], io: Io = defaultIo): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { json: { type: "boolean" }, "no-cache": { type: "boolean" }, constants: { type: "string" }, ref: { type: "string" }, base: { type: "string" } },
    { positionals: 1, valuesMayLookLikeOptions: true },
  );
  if ("help" in args) {
    io.stdout(USAGE);
    return 0;
  }
  if ("problem" in args) {
    if (args.problem === "missing-value") return usageError(io, args.option === "--constants" ? "--constants needs a file path" : `${args.option} needs a git branch, tag or commit`);
    if (args.problem === "extra-positional") return usageError(io, `only one PATH is accepted, got "${args.before[0]}" and "${args.arg}"`);
    return usageError(io, `unknown option "${args.arg}"`);
  }
  const [target] = args.positionals;
  const { json = false, "no-cache": noCache = false, constants: constantsFile, ref, base } = args.values;
  if (base !== undefined && ref === undefined) return usageError(io, "--base compares with --ref: give --ref too");
  let constants: ConstantsTable | undefined;
  if (constantsFile !== undefined) {
    const c = readConstants(constantsFile);
    if (typeof c === "string") return usageError(io, c);
    constants = c;
  }
  const resolved = path.resolve(target ?? ".");
  if (ref !== undefined) {
    try {
      const { runGraphAtRef } = await import("@/cli/commands/graph-at-ref");
      return await runGraphAtRef(resolved, { ref, base, json, ...(constants ? { constants } : {}) }, io);
    } catch (e) {
      if (isAppError(e)) {
        io.stderr(`cairn graph: ${e.userMessage}\n`);
        return 2;
      }
      throw e;
    }
  }
  try {
    mark("graph: start");
    const scan = scanProject(resolved, constants ? { constants } : {});
    mark(`graph: scanned ${scan.files.length} files`);
    const cacheDir = noCache ? undefined : resolveCacheDir();
    let cacheFile: string | undefined;
    let key: Buffer = Buffer.alloc(0);
    if (cacheDir && BUILD_ID) {
      cacheFile = resultCacheFile(cacheDir, scan, json);
      key = resultKey(scan, json);
      const hit = readResult(cacheFile, key);
      if (hit) {
        io.stdout(hit.body);
        mark("graph: result cache hit");
        return hit.exitCode;
      }
    }
    const { renderGraph } = await import("@/cli/commands/render-graph");
    const result = renderGraph(resolved, { json, scan, ...(constants ? { constants } : {}), ...(noCache ? { cacheDir: false as const } : {}) });
    // Encoded once, for stdout and the result cache alike (a megabyte of JSON at 5,000 revisions).
    const body = Buffer.from(result.text);
    io.stdout(body);
    mark("graph: output written");
    if (cacheFile && !anyRacy(scan)) writeResult(cacheFile, key, body, result.exitCode);
    mark("graph: result cached");
    return result.exitCode;
  } catch (e) {
    if (isAppError(e)) {
      io.stderr(`cairn graph: ${e.userMessage}\n`);
      return 2;
    }
    throw e;
  }
}
