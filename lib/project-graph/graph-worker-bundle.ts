/**
 * How the graph reader's worker thread gets its code: read-project-graph-worker.ts and what it imports,
 * bundled by esbuild into one CommonJS file. `next build` writes it once (next.config.ts,
 * runAfterProductionCompile) and `next start` loads that file; elsewhere (next dev, tests) the worker
 * bundles the sources itself when it starts, as the only way a changed source is seen. Bundling at
 * start-up cost the first visit of a large project's graph about a second on a loaded machine.
 * No server-only here: next.config.ts imports this at build time.
 */
import path from "node:path";
import type { BuildOptions } from "esbuild";

/** The bundle `next build` leaves, relative to the project root (Next's default distDir: next.config.ts sets none). */
export const GRAPH_WORKER_BUNDLE = path.join(".next", "cairn", "graph-worker.cjs");

/** esbuild's options for the worker's bundle (one definition for build time and for the worker that bundles itself). */
export function graphWorkerBuildOptions(root: string): BuildOptions {
  return {
    entryPoints: [path.join(root, "lib", "project-graph", "read-project-graph-worker.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "silent",
    tsconfig: path.join(root, "tsconfig.json"),
    absWorkingDir: root,
  };
}
