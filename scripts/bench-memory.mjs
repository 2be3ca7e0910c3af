#!/usr/bin/env node
// npm run bench:memory — the server's resident memory (the `next start` process and its children,
// from /proc) while a user browses a large project, and over a long poll with the overview left open,
// beside `alembic history`'s peak memory on the same project (what a user would run instead).
// Targets (issue 15): RSS after browsing a 5,000-revision project under 600 MB; no growth over a
// 10-minute poll (the slope of a least-squares line through the samples at most +1 MB/min, and the
// last minute's median at most 25 MB above the first's; shrinking is fine).
// The project: 5,000 revisions with 50 merges (bench:graph-ui's shape), three SQLite environments at
// heads, 60 % and 30 % of the history. `--store postgres` keeps Cairn's own store in a scratch
// PostgreSQL database (DATABASE_URL, as several instances would share) instead of the embedded PGlite,
// whose PostgreSQL-in-WebAssembly heap is most of an embedded server's memory. It starts the built app (next build when the sources are
// newer) on its own store: run it under the e2e lock so no Playwright run rebuilds .next meanwhile:
//   flock /tmp/cairn-e2e.lock npm run bench:memory -- [--revisions 5000] [--merges 50] [--minutes 10] [--store embedded|postgres] [--port 3230] [--keep]
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { chromium } from "@playwright/test";
import { chromiumOptions, ensureBuild, flag, hasFlag, load, log, mb, median, processTree, scratchDir, signedInContext, startServer } from "./lib/bench-kit.mjs";
import { generateProject, makeEnvironment } from "./lib/bench-projects.mjs";

const REVISIONS = Number(flag("--revisions", 5000));
const MERGES = Number(flag("--merges", 50));
const MINUTES = Number(flag("--minutes", 10));
const PORT = Number(flag("--port", 3230));
const SAMPLE_EVERY_MS = 15_000;
const RSS_TARGET = 600 * 1024 * 1024;
const SLOPE_LIMIT = 1024 * 1024; // bytes per minute
const DRIFT_LIMIT = 25 * 1024 * 1024;
const USER = { email: "bench@cairn.local", password: "bench-memory-password-1" };
const STORE = flag("--store", "embedded");
const STORE_DB = "cairn_bench_mem_store";
const adminUrl = process.env.CAIRN_BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const keep = hasFlag("--keep");
const work = scratchDir("memory");

/** `alembic history` on the project, in Debian's Python; its peak resident memory (ru_maxrss of the child). */
function alembicHistoryPeak(ini) {
  const script = ["import resource, subprocess, sys", "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)", "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"].join("\n");
  const out = execFileSync("/usr/bin/python3", ["-c", script, "/usr/bin/python3", "-m", "alembic", "-c", ini, "history"], { cwd: path.dirname(ini), encoding: "utf8" });
  return Number(out.trim()) * 1024; // ru_maxrss is in KiB on Linux
}

/** Least-squares slope of `ys` over `xs`. */
function slope(xs, ys) {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** A scratch PostgreSQL database for the store (dropped first, so a kept one from an earlier run never counts); its URL. */
async function scratchStore(drop = false) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${STORE_DB} WITH (FORCE)`);
    if (!drop) await admin.query(`CREATE DATABASE ${STORE_DB}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${STORE_DB}`;
  return u.toString();
}

const verdict = (ok) => (ok ? "met" : "MISSED");
let stopServer;
let browser;
try {
  ensureBuild();
  const gen = generateProject(path.join(work, "project"), REVISIONS, MERGES);
  const envs = [
    ["qa", gen.heads],
    ["staging", [gen.history[Math.floor(gen.history.length * 0.6)]]],
    ["production", [gen.history[Math.floor(gen.history.length * 0.3)]]],
  ].map(([name, revisions]) => {
    const file = path.join(work, `${name}.db`);
    makeEnvironment(file, revisions);
    return { name, url: `sqlite:///${file}` };
  });
  const config = path.join(work, "cairn.config.json");
  fs.writeFileSync(config, JSON.stringify({ projects: [{ name: "bench", alembic: gen.ini, environments: envs }] }, null, 2));
  if (STORE !== "embedded" && STORE !== "postgres") throw new Error(`--store is embedded or postgres, not ${STORE}`);
  // A shared store needs the operator's key for the environments' URLs (the embedded one keeps its own file).
  const storeEnv = STORE === "postgres" ? { DATABASE_URL: await scratchStore(), CAIRN_SECRET_KEY: randomBytes(32).toString("hex") } : {};
  log(
    `bench:memory — ${gen.history.length} revisions, ${gen.merges} merges, ${envs.length} environments, ${STORE === "postgres" ? "store in PostgreSQL" : "embedded store (PGlite)"}; ${os.cpus().length} CPUs, load ${load()}, node ${process.version}`,
  );

  const alembicPeak = alembicHistoryPeak(gen.ini);
  const started = await startServer({ port: PORT, dataDir: path.join(work, "store"), config, admin: USER, env: storeEnv });
  stopServer = started.stop;
  const rss = () => processTree(started.server.pid).rssBytes;
  const afterStart = rss();
  log(`  server started: ${mb(afterStart)}`);

  browser = await chromium.launch(chromiumOptions());
  const context = await signedInContext(browser, started.base, USER);
  const page = await context.newPage();
  const pages = ["/", "/projects/bench/graph", "/projects/bench/envs/qa", "/projects/bench/envs/production", "/projects/bench/drift", "/projects/bench/signoffs", "/runs", "/audit", "/projects/bench/graph", "/"];
  let peak = afterStart;
  for (const url of pages) {
    await page.goto(url, { waitUntil: "networkidle", timeout: 180_000 });
    if (url.endsWith("/graph")) await page.getByTestId("graph-node").first().waitFor({ timeout: 180_000 });
    const now = rss();
    peak = Math.max(peak, now);
    log(`  after ${url.padEnd(32)} ${mb(now)}`);
  }
  const afterBrowsing = rss();

  // The overview stays open: its own poll (TanStack Query) asks for the status every few seconds.
  let polls = 0;
  page.on("request", (r) => {
    if (r.url().includes("/api/projects/bench/status")) polls++;
  });
  const t0 = Date.now();
  const samples = [];
  while (Date.now() - t0 < MINUTES * 60_000) {
    await page.waitForTimeout(SAMPLE_EVERY_MS);
    const now = rss();
    samples.push({ min: (Date.now() - t0) / 60_000, rss: now });
    peak = Math.max(peak, now);
    if (samples.length % 4 === 0) log(`  poll ${samples.at(-1).min.toFixed(1)} min: ${mb(now)} (${polls} status polls so far, load ${load()})`);
  }
  const perMinute = Math.ceil(60_000 / SAMPLE_EVERY_MS);
  const first = median(samples.slice(0, perMinute).map((s) => s.rss));
  const last = median(samples.slice(-perMinute).map((s) => s.rss));
  const growth = slope(
    samples.map((s) => s.min),
    samples.map((s) => s.rss),
  );

  log(`\nsummary (load ${load()})`);
  log(`  RSS after browsing          ${mb(afterBrowsing).padStart(8)}   peak ${mb(peak)}   target < 600 MB: ${verdict(afterBrowsing < RSS_TARGET && peak < RSS_TARGET)}`);
  log(`    started at                ${mb(afterStart).padStart(8)}   alembic history on the same project peaks at ${mb(alembicPeak)}: the browsed server holds ${(afterBrowsing / alembicPeak).toFixed(1)}× that`);
  log(
    `  ${MINUTES}-minute poll, ${polls} polls  first minute ${mb(first)}, last minute ${mb(last)} (${last >= first ? "+" : "−"}${mb(Math.abs(last - first))}), slope ${(growth / 1024 / 1024).toFixed(2)} MB/min   ` +
      `target no growth (slope ≤ +1 MB/min, last − first ≤ +25 MB): ${verdict(growth <= SLOPE_LIMIT && last - first <= DRIFT_LIMIT)}`,
  );
  if (polls === 0) log("  the overview sent no status poll: the poll figure says nothing (check the page's refetch interval)");
} finally {
  await browser?.close().catch(() => {});
  await stopServer?.();
  if (STORE === "postgres" && !keep) await scratchStore(true).catch((e) => log(`could not drop ${STORE_DB}: ${e.message}`));
  if (!keep) fs.rmSync(work, { recursive: true, force: true });
  else log(`Kept ${work}`);
}
