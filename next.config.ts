import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native, wasm and process-spawning packages stay outside the server bundle.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/schema-engine-wasm",
    "@prisma/adapter-pg",
    "better-sqlite3",
    "pg",
    "elkjs",
  ],
  poweredByHeader: false,
};

export default nextConfig;
