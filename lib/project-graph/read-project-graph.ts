/**
 * Reads a project's migrations and builds its revision graph: the one call the CLI and the
 * dashboard make. Problems from reading files and from the graph are merged, errors first.
 */
import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { LoadedProject } from "@/lib/alembic/types";
import type { RevisionGraph } from "@/lib/graph/types";
import { loadProject, sortProblems, type LoadProjectOptions, type ProjectScan } from "@/lib/alembic/load-project";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { projectDirOf, relativeText } from "@/lib/alembic/relative-paths";
import { GRAPH_WORKER_BUNDLE, graphWorkerBuildOptions } from "@/lib/project-graph/graph-worker-bundle";
import { hashFilesSync, type FileHashMemo } from "@/lib/alembic/hash-files-sync";

export interface ProjectGraph {
  project: LoadedProject;
  graph: RevisionGraph;
}

export function readProjectGraph(target: string, options: LoadProjectOptions & { maxRevisionLength?: number; scan?: ProjectScan } = {}): ProjectGraph {
  const project = loadProject(target, options);
  const graph = buildRevisionGraph(project.scripts, options.maxRevisionLength === undefined ? {} : { maxRevisionLength: options.maxRevisionLength });
  graph.problems = sortProblems([...project.problems, ...graph.problems]);
  return { project, graph };
}

/** What the server asks of the worker (read-project-graph-worker.ts): a project's graph, or the hashes of migration files. */
export type WorkerTask = { target: string; options: LoadProjectOptions & { maxRevisionLength?: number } } | { hash: readonly (string | undefined)[] };

type Reply = { ready: true; id?: undefined } | { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { code: string; message: string; userMessage?: string } };
type Pending = { resolve: (result: unknown) => void; reject: (e: Error) => void };

/**
 * In production the worker loads the bundle `next build` wrote (graph-worker-bundle.ts). Elsewhere it
 * is started from source: esbuild (a runtime dependency, as for the CLI) bundles
 * read-project-graph-worker.ts inside the worker thread itself, so neither the bundling nor any
 * read ever runs on the server's event loop. Paths are taken from the working directory, as for
 * the runner's Python script (lib/runner) and the store's migrations (lib/db). Either way the worker
 * starts from this source text: a file path handed to new Worker() is taken by the server's bundler
 * for a module of its own to build.
 */
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
if (workerData.bundle) require(workerData.bundle);
else {
  const esbuild = require(require.resolve("esbuild", { paths: [workerData.root] }));
  const built = esbuild.buildSync({ ...workerData.options, write: false });
  const m = { exports: {} };
  new Function("module", "exports", "require", built.outputFiles[0].text)(m, m.exports, require);
}
`;

const state = globalThis as unknown as { __cairnGraphWorkerBroken?: boolean; __cairnGraphWorker?: { worker: Worker; next: number; pending: Map<number, Pending> } };

/** The bundle `next build` wrote, when this is a production server that has one. */
function builtBundle(root: string): string | null {
  if (process.env.NODE_ENV !== "production") return null;
  // Not for the server's bundler to follow: the file is next build's own output, loaded as it is.
  const file = path.join(/*turbopackIgnore: true*/ root, GRAPH_WORKER_BUNDLE);
  if (fs.existsSync(/*turbopackIgnore: true*/ file)) return file;
  // Still works (bundled from the sources, or read inline), but slower and on the event loop: say so once.
  console.warn(`Cairn: ${GRAPH_WORKER_BUNDLE} is missing (start the server from the directory \`next build\` ran in, with all of .next); the graph reader's worker is built from the sources instead.`);
  return null;
}

/**
 * The worker's young generation, smaller than V8's default: between reads the thread sits idle with
 * its nursery still committed, ~15 MB of the server's resident memory (bench:memory). Reading 5,000
 * files took as long with it (in a worker, four reads in turn: 211–310 ms either way). The old
 * generation is left unbounded: a larger project must never fail a read for a memory limit.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

function graphWorker(): NonNullable<typeof state.__cairnGraphWorker> {
  if (state.__cairnGraphWorker) return state.__cairnGraphWorker;
  const root = process.cwd();
  const bundle = builtBundle(root);
  const worker = new Worker(BOOTSTRAP, { eval: true, resourceLimits: WORKER_LIMITS, workerData: bundle ? { bundle } : { root, options: graphWorkerBuildOptions(root) } });
  // Idle, it must not keep a CLI or a test process alive.
  worker.unref();
  let ready = false;
  const entry = { worker, next: 1, pending: new Map<number, Pending>() };
  const failAll = (e: Error) => {
    if (state.__cairnGraphWorker === entry) state.__cairnGraphWorker = undefined;
    // It never loaded (e.g. esbuild missing): read inline from now on rather than retrying per read.
    if (!ready && !state.__cairnGraphWorkerBroken) {
      state.__cairnGraphWorkerBroken = true;
      console.warn(`Cairn: the graph reader's worker thread could not start (${e.message}); migrations are read on the server's main thread from now on, which holds up other requests on large projects.`);
    }
    for (const p of entry.pending.values()) p.reject(e);
    entry.pending.clear();
  };
  worker.on("message", (reply: Reply) => {
    if ("ready" in reply) {
      ready = true;
      return;
    }
    const p = entry.pending.get(reply.id);
    if (!p) return;
    entry.pending.delete(reply.id);
    if (entry.pending.size === 0) worker.unref();
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new AppError(reply.error.code as AppErrorCode, reply.error.message, reply.error.userMessage ?? "The project's migrations could not be read."));
  });
  worker.on("error", (e) => failAll(e));
  worker.on("exit", (code) => failAll(new Error(`the graph reader's worker thread exited (${code})`)));
  state.__cairnGraphWorker = entry;
  return entry;
}

/**
 * readProjectGraph off the event loop, for the server: a 20,000-file project takes seconds to read
 * and build, and a page, a poll or /api/health must not wait behind it. Reads run one after the
 * other in one worker thread. When the worker cannot start (no esbuild), reads run inline.
 */
export async function readProjectGraphAsync(target: string, options: LoadProjectOptions & { maxRevisionLength?: number } = {}): Promise<ProjectGraph> {
  try {
    return await readInWorker(target, options);
  } catch (e) {
    // Read errors reach every role (status polls, pages): name files relative to the project, never where the server keeps it.
    if (e instanceof AppError) throw new AppError(e.code, e.message, relativeText(e.userMessage, projectDirOf(path.resolve(target))), e.details);
    throw e;
  }
}

async function readInWorker(target: string, options: LoadProjectOptions & { maxRevisionLength?: number }): Promise<ProjectGraph> {
  return inWorker({ target, options }, () => readProjectGraph(target, options));
}

/** One request to the worker; `inline` answers it on this thread when the worker cannot start or died under it. */
async function inWorker<T>(request: WorkerTask, inline: () => T): Promise<T> {
  if (state.__cairnGraphWorkerBroken) return inline();
  let w: NonNullable<typeof state.__cairnGraphWorker>;
  try {
    w = graphWorker();
  } catch {
    state.__cairnGraphWorkerBroken = true;
    return inline();
  }
  const id = w.next++;
  try {
    return await new Promise<T>((resolve, reject) => {
      w.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      w.worker.ref();
      w.worker.postMessage({ ...request, id });
    });
  } catch (e) {
    if (e instanceof AppError) throw e;
    // The worker died under this request: answer it inline rather than failing the page.
    return inline();
  }
}

/** The hashes hashMigrationFilesAsync computed on this thread, when the worker could not. */
const inlineHashMemo: FileHashMemo = new Map();

/**
 * sha256 (hex) of each migration file, null for one missing, unreadable or without a path, computed in the
 * graph reader's worker thread with its own memo by path and file identity. What applied-file checksums and
 * lint acknowledgements hold (an edited file has another hash); the edited-after-applied check needs it for a
 * whole project: 5,000 files stat'ed, read and hashed on the server's event loop held pages and /api/health
 * for seconds; one request here is one message each way.
 */
export async function hashMigrationFilesAsync(files: readonly (string | undefined)[]): Promise<(string | null)[]> {
  if (files.length === 0) return [];
  return inWorker({ hash: files }, () => hashFilesSync(files, inlineHashMemo));
}
