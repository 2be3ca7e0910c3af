/**
 * The worker-thread side of readProjectGraphAsync and hashMigrationFilesAsync: reads projects (or hashes
 * migration files) on request and posts each answer back. Loaded only inside the worker (see
 * read-project-graph.ts), never by the server itself.
 */
import { parentPort } from "node:worker_threads";
import { readProjectGraph, type WorkerTask } from "@/lib/project-graph/read-project-graph";
import { isAppError } from "@/lib/errors";
import { hashFilesSync, type FileHashMemo } from "@/lib/alembic/hash-files-sync";

/** Hashes by path and file identity (fileStamp), for as long as this worker lives: a page view re-checks every applied file. */
const hashMemo: FileHashMemo = new Map();

// Tells the server the bundle loaded: a worker that fails before this is not started again.
parentPort?.postMessage({ ready: true });

parentPort?.on("message", (req: WorkerTask & { id: number }) => {
  try {
    const result = "hash" in req ? hashFilesSync(req.hash, hashMemo) : readProjectGraph(req.target, req.options);
    parentPort!.postMessage({ id: req.id, ok: true, result });
  } catch (e) {
    // Only what an AppError already says to users crosses back; anything else becomes a generic failure.
    const error = isAppError(e) ? { code: e.code, message: e.message, userMessage: e.userMessage } : { code: "internal", message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage({ id: req.id, ok: false, error });
  }
});
