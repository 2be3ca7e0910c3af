// Whether .next holds a production build of the current sources, and building one when it does not:
// shared by `npm run demo` and the benchmarks that start the built app.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const NEXT_BIN = path.join(ROOT, "node_modules", ".bin", "next");

/** True when .next holds a production build newer than every source file. */
export function buildIsFresh() {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return false;
  const built = fs.statSync(buildId).mtimeMs;
  const newer = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const p = path.join(dir, entry.name);
      if (entry.isDirectory() ? newer(p) : fs.statSync(p).mtimeMs > built) return true;
    }
    return false;
  };
  const inputs = ["app", "components", "lib", "public"].map((d) => path.join(ROOT, d)).filter(fs.existsSync);
  const files = ["next.config.ts", "package-lock.json", "postcss.config.mjs"].map((f) => path.join(ROOT, f));
  return !inputs.some(newer) && !files.some((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs > built);
}

/** Runs `next build` unless the build is fresh; the exit status (0 when nothing had to be built). */
export function buildUnlessFresh({ quiet = false } = {}) {
  if (buildIsFresh()) return 0;
  const b = spawnSync(NEXT_BIN, ["build"], { cwd: ROOT, stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  return b.status ?? 1;
}
