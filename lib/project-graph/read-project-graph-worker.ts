/**
 * The worker-thread side of readProjectGraphAsync: reads projects on request and posts each graph
 * back. Loaded only inside the worker (see read-project-graph.ts), never by the server itself.
 */
import { parentPort } from "node:worker_threads";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import type { LoadProjectOptions } from "@/lib/alembic/load-project";
import { isAppError } from "@/lib/errors";

export interface GraphRequest {
  id: number;
  target: string;
  options: LoadProjectOptions & { maxRevisionLength?: number };
}

// Tells the server the bundle loaded: a worker that fails before this is not started again.
parentPort?.postMessage({ ready: true });

parentPort?.on("message", (req: GraphRequest) => {
  try {
    parentPort!.postMessage({ id: req.id, ok: true, result: readProjectGraph(req.target, req.options) });
  } catch (e) {
    // Only what an AppError already says to users crosses back; anything else becomes a generic failure.
    const error = isAppError(e) ? { code: e.code, message: e.message, userMessage: e.userMessage } : { code: "internal", message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage({ id: req.id, ok: false, error });
  }
});
