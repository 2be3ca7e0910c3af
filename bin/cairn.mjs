#!/usr/bin/env node
// The `cairn` launcher. It runs the TypeScript CLI with plain `node` and no build step: cli/main.ts
// is bundled with esbuild into node_modules/.cache/cairn the first time, and again only when one of
// its inputs changes. The fast path stats the recorded inputs and imports the bundle; esbuild is
// loaded only to rebuild.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MANIFEST_VERSION = 2;

/** Where bundles live; the second (for an unwritable node_modules) costs two more modules, so only on demand. */
async function* cacheDirs() {
  yield path.join(root, "node_modules", ".cache", "cairn");
  const [{ default: os }, { createHash }] = await Promise.all([import("node:os"), import("node:crypto")]);
  yield path.join(os.tmpdir(), `cairn-cli-${createHash("sha1").update(root).digest("hex").slice(0, 8)}`);
}

/** The manifest is valid when every recorded input still has its size and mtime. */
function readManifest(dir) {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, "cli-manifest.json"), "utf8"));
    if (m.version !== MANIFEST_VERSION || m.root !== root) return undefined;
    for (const [file, size, mtimeMs] of m.inputs) {
      const st = fs.statSync(path.join(root, file));
      if (st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
    }
    const entry = path.join(dir, m.outDir, "main.js");
    return fs.existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

async function build(dir) {
  const esbuild = await import("esbuild");
  const { createHash } = await import("node:crypto");
  fs.mkdirSync(dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(dir, "tmp-"));
  // Packages stay external (node_modules is there at run time), except two small ones bundled to
  // spare a module resolution on every start: smol-toml, and server-only, which resolves to its
  // empty "react-server" export — outside React Server Components the marker is a no-op, and the
  // default export would throw on `cairn status`, whose modules start with `import "server-only"`.
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const bundled = new Set(["smol-toml", "server-only"]);
  const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
    .filter((name) => !bundled.has(name))
    .flatMap((name) => [name, `${name}/*`]);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: path.join(root, "cli", "main.ts") },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external,
    conditions: ["react-server"],
    // Smaller files parse faster at every start; identifiers are kept so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    tsconfig: path.join(root, "tsconfig.json"),
    outdir: tmp,
    metafile: true,
    logLevel: "error",
  });
  const files = [...Object.keys(result.metafile.inputs).filter((f) => !f.includes(":")), "tsconfig.json", "package.json"];
  const inputs = files.map((f) => {
    const st = fs.statSync(path.join(root, f));
    return [f, st.size, st.mtimeMs];
  });
  const hash = createHash("sha1").update(JSON.stringify(inputs)).digest("hex").slice(0, 12);
  const outDir = `cli-${hash}`;
  try {
    fs.renameSync(tmp, path.join(dir, outDir));
  } catch {
    // another process built the same inputs first: use theirs
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const manifestTmp = path.join(dir, `cli-manifest.json.${process.pid}.tmp`);
  fs.writeFileSync(manifestTmp, JSON.stringify({ version: MANIFEST_VERSION, root, outDir, inputs }));
  fs.renameSync(manifestTmp, path.join(dir, "cli-manifest.json"));
  // Old bundles: remove those unused for a day (a running process may still be loading a recent one).
  for (const name of fs.readdirSync(dir)) {
    if (!/^(cli-[0-9a-f]{12}|tmp-.*)$/.test(name) || name === outDir) continue;
    try {
      const p = path.join(dir, name);
      if (Date.now() - fs.statSync(p).mtimeMs > 86_400_000) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  return path.join(dir, outDir, "main.js");
}

async function entry() {
  for await (const dir of cacheDirs()) {
    const found = readManifest(dir);
    if (found) return found;
  }
  let lastError;
  for await (const dir of cacheDirs()) {
    try {
      return await build(dir);
    } catch (e) {
      lastError = e;
      if (e && typeof e === "object" && "errors" in e) break; // a compile error, not an unwritable directory
    }
  }
  throw lastError;
}

// `cairn graph --json | head` closes the pipe early; that is not an error.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

// CAIRN_TIMING=1: when the launcher found (or built) the bundle and when the bundle was loaded, with
// the process's CPU time by then (as cli/timing.ts prints it).
const timing =
  process.env.CAIRN_TIMING === "1"
    ? (step) => {
        const { user, system } = process.cpuUsage();
        process.stderr.write(`cairn timing: ${step.padEnd(22)} ${performance.now().toFixed(1).padStart(7)} ms, CPU ${((user + system) / 1000).toFixed(1).padStart(7)} ms\n`);
      }
    : () => {};

try {
  timing("launcher: start");
  const file = await entry();
  timing("launcher: bundle found");
  const { main } = await import(pathToFileURL(file).href);
  timing("launcher: bundle loaded");
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`cairn: internal error: ${e && e.stack ? e.stack : String(e)}\n`);
  process.exitCode = 70;
}
