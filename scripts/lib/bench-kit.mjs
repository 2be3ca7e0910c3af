// What the benchmarks that start the built app share: arguments, the machine's load, medians and
// units, the server (started on its own store and configuration), the process tree's CPU and memory.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NEXT_BIN, ROOT, buildUnlessFresh } from "./next-build.mjs";

export { ROOT };

/** `--name value` from argv, else `fallback`. */
export function flag(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

export const hasFlag = (name) => process.argv.slice(2).includes(name);
export const log = (...m) => console.log(...m);
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const ms = (x) => `${Math.round(x)} ms`;
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The load average, 1 / 5 / 15 minutes: printed beside every figure, since load moves them all. */
export const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

/** Builds the app when the sources are newer than .next (under the e2e lock: see the callers' usage lines). */
export function ensureBuild() {
  if (buildUnlessFresh({ quiet: false }) !== 0) throw new Error("next build failed; see the output above.");
}

export async function waitForHealth(url, child, ms = 180_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

/**
 * `next start` on 127.0.0.1:`port` with its own store (`dataDir`) and `cairn.config.json`, the first
 * admin `admin`; resolves once /api/health answers. `stop()` ends it and waits.
 */
export async function startServer({ port, dataDir, config, admin, env = {} }) {
  const server = spawn(NEXT_BIN, ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", CAIRN_DATA_DIR: dataDir, CAIRN_CONFIG: config, CAIRN_ADMIN_EMAIL: admin.email, CAIRN_ADMIN_PASSWORD: admin.password, ...env },
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  };
  try {
    await waitForHealth(`${base}/api/health`, server);
  } catch (e) {
    await stop();
    throw e;
  }
  return { server, base, stop };
}

/** Debian's Chromium, as the e2e suite launches it. */
export function chromiumOptions() {
  return { executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] };
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux
const PAGE_BYTES = 4096;

/** CPU time (ms, user + system) and resident memory (bytes) of `rootPid` and all its descendants, from /proc. */
export function processTree(rootPid) {
  const procs = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const s = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      // fields after the name: state ppid … utime(12th) stime(13th) … rss in pages (22nd)
      procs.set(Number(entry), { ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) });
    } catch {}
  }
  let cpu = 0;
  let rssPages = 0;
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop();
    const p = procs.get(pid);
    cpu += p?.cpu ?? 0;
    rssPages += p?.rssPages ?? 0;
    for (const [child, s] of procs) if (s.ppid === pid) queue.push(child);
  }
  return { cpuMs: cpu * TICK_MS, rssBytes: rssPages * PAGE_BYTES };
}

/** A fresh scratch directory for one benchmark run. */
export const scratchDir = (name) => fs.mkdtempSync(path.join(os.tmpdir(), `cairn-bench-${name}-`));

/** A browser context on `base`, signed in as `user` (the password sign-in the login page uses). */
export async function signedInContext(browser, base, user) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
  const login = await context.request.post("/api/auth/login", { data: { email: user.email, password: user.password } });
  if (!login.ok()) throw new Error(`sign-in failed: ${login.status()} ${await login.text()}`);
  return context;
}
