// The graph page's lint answer on the built app: bytes (as sent with and without gzip) and the time and
// server CPU to answer it once the lint of the graph version is cached, for the benchmarks' generated
// 588-revision / 53-merge and 5,000-revision / 50-merge projects (bench:graph-ui's shapes). Also, where
// the app has them, one revision's findings (the side panel) and a pending path's open findings (POST).
//
//   node scripts/bench-lint-payload.mjs [--port 3243] [--rounds 15] [--shapes 588x53,5000x50]
//
// Each shape: `next start` on a fresh store with only that project, sign in, one GET /lint that renders
// the whole history (timed: the cold answer), then `--rounds` GETs timed one after the other. Prints
// the load average beside the figures. Needs a build (`npx next build`); run a copy of this file from
// another worktree's scripts/ to measure that build the same way.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { flag, load, log, median, processTree, scratchDir, startServer } from "./lib/bench-kit.mjs";
import { generateProject, makeEnvironment } from "./lib/bench-projects.mjs";

const PORT = Number(flag("--port", 3243));
const ROUNDS = Number(flag("--rounds", 15));
const SHAPES = flag("--shapes", "588x53,5000x50")
  .split(",")
  .map((s) => s.split("x").map(Number));
const EMAIL = "bench@cairn.local";
const PASSWORD = "bench-lint-password-1";
const work = scratchDir("lint-payload");

async function timed(url, init) {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const buf = Buffer.from(await res.arrayBuffer());
  return { ms: performance.now() - t0, status: res.status, bytes: buf.length, text: buf.toString("utf8") };
}

/** Bytes as sent when the client accepts gzip (fetch would undo the compression), and the encoding. */
function sentBytes(url, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { ...headers, "accept-encoding": "gzip" } }, (res) => {
        let n = 0;
        res.on("data", (c) => (n += c.length));
        res.on("end", () => resolve({ bytes: n, encoding: res.headers["content-encoding"] ?? "none" }));
      })
      .on("error", reject);
  });
}

async function measure(total, merges) {
  const dir = path.join(work, `p${total}`);
  const { ini, history, heads } = generateProject(dir, total, merges);
  const qa = path.join(dir, "qa.db");
  const staging = path.join(dir, "staging.db");
  makeEnvironment(qa, heads);
  const stagingAt = history[Math.floor(history.length * 0.6)];
  makeEnvironment(staging, [stagingAt]);
  const config = path.join(work, `p${total}.config.json`);
  const envs = [
    { name: "qa", url: `sqlite:///${qa}` },
    { name: "staging", url: `sqlite:///${staging}` },
  ];
  fs.writeFileSync(config, JSON.stringify({ projects: [{ name: "bench", alembic: ini, environments: envs }] }));
  const { server, base, stop } = await startServer({ port: PORT, dataDir: path.join(work, `store-${total}`), config, admin: { email: EMAIL, password: PASSWORD } });
  try {
    const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
    if (!login.ok) throw new Error(`sign-in failed: ${login.status}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const url = `${base}/api/projects/bench/lint`;
    const plain = { headers: { cookie, "accept-encoding": "identity" } };
    const cold = await timed(url, plain);
    if (cold.status !== 200) throw new Error(`GET /lint answered ${cold.status}: ${cold.text.slice(0, 200)}`);
    const gzip = await sentBytes(url, { cookie });
    const times = [];
    const cpu0 = processTree(server.pid).cpuMs;
    for (let k = 0; k < ROUNDS; k++) times.push((await timed(url, plain)).ms);
    const cpuPer = (processTree(server.pid).cpuMs - cpu0) / ROUNDS;
    log(
      `${total}/${merges} (load ${load()}): GET /lint ${cold.bytes} bytes (${gzip.bytes} sent with content-encoding ${gzip.encoding}); first ${Math.round(cold.ms)} ms (renders); warm median ${median(times).toFixed(1)} ms (${Math.min(...times).toFixed(1)}–${Math.max(...times).toFixed(1)}), server CPU ${cpuPer.toFixed(1)} ms per answer`,
    );
    const one = await timed(`${url}?revision=${history[10]}`, plain);
    if (one.status === 200 && one.text.includes(history[10]) && one.bytes < cold.bytes) log(`  one revision's findings: ${one.bytes} bytes, ${one.ms.toFixed(1)} ms`);
    const pending = history.slice(history.indexOf(stagingAt) + 1);
    const post = await timed(url, { method: "POST", headers: { cookie, origin: base, "content-type": "application/json", "accept-encoding": "identity" }, body: JSON.stringify({ revisions: pending, open: true }) });
    if (post.status === 200) log(`  staging's ${pending.length} pending revisions' open findings (POST): ${post.bytes} bytes, ${post.ms.toFixed(1)} ms`);
    const listed = await timed(url, { method: "POST", headers: { cookie, origin: base, "content-type": "application/json", "accept-encoding": "identity" }, body: JSON.stringify({ revisions: pending, open: true, limit: 100 }) });
    if (listed.status === 200) log(`  the same, first 100 and the counts (what the environment page asks for): ${listed.bytes} bytes, ${listed.ms.toFixed(1)} ms`);
  } finally {
    await stop();
  }
}

log(`bench-lint-payload: ${process.cwd()}, load ${load()}`);
try {
  for (const [total, merges] of SHAPES) await measure(total, merges);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
