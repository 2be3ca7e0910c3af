import path from "node:path";
import type { NextConfig } from "next";
import { GRAPH_WORKER_BUNDLE, graphWorkerBuildOptions } from "./lib/project-graph/graph-worker-bundle";

/**
 * Content Security Policy for every response. Cairn loads nothing from other origins, so
 * everything is 'self'. Scripts also need 'unsafe-inline': Next's App Router streams its
 * hydration data as inline <script> tags, and allowing them by nonce would need every page
 * rendered per request through proxy.ts (a static 404 would lose its scripts). Development adds
 * 'unsafe-eval' for React's refresh runtime. `frame-ancestors 'none'` (and X-Frame-Options for
 * older browsers) keeps Cairn out of other sites' frames: no clickjacking of Approve or Revoke.
 */
function contentSecurityPolicy(dev: boolean = process.env.NODE_ENV !== "production"): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const nextConfig: NextConfig = {
  // Native, wasm and process-spawning packages stay outside the server bundle.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/adapter-pg",
    "better-sqlite3",
    "pg",
    "pg-boss",
    // Loads its .wasm from its own directory: bundled, it looks under /ROOT/node_modules and fails.
    "libpg-query",
  ],
  poweredByHeader: false,
  compiler: {
    // The graph reader's worker thread is bundled here, once, rather than by each server at start-up (lib/project-graph/graph-worker-bundle.ts).
    runAfterProductionCompile: async ({ projectDir }) => {
      const esbuild = await import("esbuild");
      await esbuild.build({ ...graphWorkerBuildOptions(projectDir), outfile: path.join(projectDir, GRAPH_WORKER_BUNDLE), logLevel: "warning" });
    },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: contentSecurityPolicy() },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
