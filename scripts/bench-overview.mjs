#!/usr/bin/env node
// npm run bench:overview — the overview page at scale, beside what a user would do instead.
// A generated 2,000-revision chain; 20 PostgreSQL environments (databases cairn_bench_ov_<port>_NN,
// created and dropped here) standing 0, 100, …, 1,900 revisions behind heads, plus one unreachable
// environment (a closed port). PostgreSQL rather than SQLite files because a real overview reads
// over the network: a connection per environment and per poll is part of the cost, and
// `alembic current` pays it too. Interleaved rounds; medians of:
//   - the overview's HTML size and DOM elements (targets: HTML < 300 KB),
//   - time until the matrix is visible in Chromium (target: ≤ the slowest single `alembic current`, < 1 s idle),
//     with where that time went: the server's first and last byte, DOMContentLoaded, and when the
//     row was first painted (timed in the page: a MutationObserver, then the next animation frame),
//   - one poll of /api/projects/:project/status: bytes (target < 20 KB) and server CPU (target < 30 ms),
//     measured once the server is quiet (its own background work — job queue, schema readings — is
//     not the poll's), over --polls polls per round,
//   - `alembic current` for each environment in turn (its slowest single run).
// It starts the built app (next build when the sources are newer) on its own store: run it under the
// e2e lock so no Playwright run rebuilds .next meanwhile:
//   flock /tmp/cairn-e2e.lock npm run bench:overview -- [--envs 20] [--revisions 2000] [--rounds 3] [--polls 20] [--port 3210] [--keep]
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { chromium } from "@playwright/test";
import { chromiumOptions, ensureBuild, flag, hasFlag, kb, load, log, median, ms, processTree, scratchDir, signedInContext, startServer } from "./lib/bench-kit.mjs";

const ENVS = Number(flag("--envs", 20));
const REVISIONS = Number(flag("--revisions", 2000));
const ROUNDS = Number(flag("--rounds", 3));
const PORT = Number(flag("--port", 3210));
const POLLS_PER_ROUND = Number(flag("--polls", 20));
const keep = hasFlag("--keep");
const ALEMBIC = ["/usr/bin/python3", "-m", "alembic"];
const adminUrl = process.env.CAIRN_BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
// Per port, so two runs at once (two engineers, on different ports) never drop each other's databases.
const DB_PREFIX = `cairn_bench_ov_${PORT}_`;
const UNREACHABLE_URL = "postgresql://postgres@127.0.0.1:1/cairn_bench_ov_gone";
const EMAIL = "bench@cairn.local";
const PASSWORD = "bench-overview-password-1";

const work = scratchDir("overview");
const dbUrl = (name) => {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
};
const revId = (i) => `${i.toString(16).padStart(4, "0")}c0ffee${(i * 7919).toString(16).padStart(2, "0").slice(-2)}`;

/** A linear chain, written as Alembic writes revision files (docstring, ids, one op). */
function generateProject(dir) {
  const versions = path.join(dir, "versions");
  fs.mkdirSync(versions, { recursive: true });
  fs.writeFileSync(path.join(dir, "alembic.ini"), "[alembic]\nscript_location = %(here)s\nversion_locations = %(here)s/versions\n");
  fs.writeFileSync(
    path.join(dir, "env.py"),
    [
      "import os",
      "from alembic import context",
      "from sqlalchemy import create_engine",
      "engine = create_engine(os.environ['DATABASE_URL'])",
      "with engine.connect() as connection:",
      "    context.configure(connection=connection, target_metadata=None)",
      "    with context.begin_transaction():",
      "        context.run_migrations()",
      "",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(dir, "script.py.mako"), "");
  for (let i = 0; i < REVISIONS; i++) {
    const rev = revId(i);
    const down = i === 0 ? null : revId(i - 1);
    const message = `change ${i}: add column c${i} to table t${i % 50}`;
    fs.writeFileSync(
      path.join(versions, `${rev}_change_${i}.py`),
      `"""${message}\n\nRevision ID: ${rev}\nRevises: ${down ?? ""}\nCreate Date: 2026-01-01 00:00:00.000000\n\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n\nrevision = '${rev}'\ndown_revision = ${down ? `'${down}'` : "None"}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.add_column('t${i % 50}', sa.Column('c${i}', sa.Integer(), nullable=True))\n\n\ndef downgrade():\n    op.drop_column('t${i % 50}', 'c${i}')\n`,
    );
  }
}

async function withAdmin(fn) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createEnvironments() {
  const envs = [];
  await withAdmin(async (admin) => {
    for (let i = 0; i < ENVS; i++) {
      const name = `${DB_PREFIX}${String(i).padStart(2, "0")}`;
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.query(`CREATE DATABASE ${name}`);
      const behind = i * 100 < REVISIONS ? i * 100 : REVISIONS - 1;
      const at = revId(REVISIONS - 1 - behind);
      const c = new pg.Client({ connectionString: dbUrl(name) });
      await c.connect();
      await c.query("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
      await c.query("INSERT INTO alembic_version VALUES ($1)", [at]);
      await c.end();
      envs.push({ name: `env${String(i).padStart(2, "0")}`, url: dbUrl(name), behind });
    }
  });
  envs.push({ name: "gone", url: UNREACHABLE_URL, behind: null });
  return envs;
}

async function dropEnvironments() {
  await withAdmin(async (admin) => {
    for (let i = 0; i < ENVS; i++) await admin.query(`DROP DATABASE IF EXISTS ${DB_PREFIX}${String(i).padStart(2, "0")} WITH (FORCE)`);
  });
}

function alembicCurrent(dir, url) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    execFile(ALEMBIC[0], [...ALEMBIC.slice(1), "current"], { cwd: dir, env: { ...process.env, DATABASE_URL: url } }, (err, stdout) => resolve({ ms: performance.now() - t0, ok: !err, out: stdout.trim() }));
  });
}

const projectDir = path.join(work, "bench");
let stopServer;
let browser;
try {
  const t0 = performance.now();
  generateProject(projectDir);
  const envs = await createEnvironments();
  log(`Generated ${REVISIONS} revisions and ${ENVS} PostgreSQL environments + 1 unreachable in ${ms(performance.now() - t0)} (${work}).`);
  const config = path.join(work, "cairn.config.json");
  fs.writeFileSync(config, JSON.stringify({ projects: [{ name: "bench", alembic: path.join(projectDir, "alembic.ini"), environments: envs.map((e) => ({ name: e.name, url: e.url })) }] }, null, 2));

  ensureBuild();
  const started = await startServer({ port: PORT, dataDir: path.join(work, "store"), config, admin: { email: EMAIL, password: PASSWORD } });
  const { server, base } = started;
  stopServer = started.stop;
  browser = await chromium.launch(chromiumOptions());
  const context = await signedInContext(browser, base, { email: EMAIL, password: PASSWORD });
  const lastEnv = envs.at(-1).name;
  // In the page, from the first byte on: when the last row is in the DOM and shown (not in React's
  // hidden streaming container), and the animation frame after it (the first paint that can show it).
  await context.addInitScript((testId) => {
    const w = /** @type {any} */ (window);
    const seen = () => {
      const el = document.querySelector(`[data-testid="${testId}"]`);
      if (!el || !el.checkVisibility() || el.getClientRects().length === 0) return;
      observer.disconnect();
      w.__matrixInDom = performance.now();
      requestAnimationFrame(() => (w.__matrixPainted = performance.now()));
    };
    const observer = new MutationObserver(seen);
    observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden", "style", "class"] });
  }, `env-${lastEnv}`);

  /** Waits (up to 10 s) until the server's process tree used under 10 ms of CPU in 500 ms; its background rate then, in ms per second. */
  async function settle() {
    let rate = NaN;
    for (let i = 0; i < 20; i++) {
      const c0 = processTree(server.pid).cpuMs;
      await new Promise((r) => setTimeout(r, 500));
      rate = (processTree(server.pid).cpuMs - c0) * 2;
      if (rate < 20) break;
    }
    return rate;
  }

  // One unmeasured visit: the first compile of the route, the graph read and its cache.
  {
    const page = await context.newPage();
    await page.goto("/", { waitUntil: "load", timeout: 120_000 });
    await page.close();
  }

  const samples = { html: [], dom: [], visible: [], painted: [], firstByte: [], lastByte: [], dcl: [], pollBytes: [], pollCpu: [], pollMs: [], background: [], alembicSlowest: [], alembicTotal: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    // alembic current, one environment after another (what a user would run instead)
    const runs = [];
    for (const e of envs) runs.push({ env: e, ...(await alembicCurrent(projectDir, e.url)) });
    const reachable = runs.filter((r) => r.ok);
    if (round === 1) {
      const wrong = reachable.find((r) => !r.out.startsWith(revId(REVISIONS - 1 - r.env.behind)));
      if (wrong) throw new Error(`alembic current on ${wrong.env.name} printed "${wrong.out}"`);
      if (reachable.length !== ENVS) throw new Error(`alembic current failed on ${ENVS - reachable.length} reachable environments`);
    }
    samples.alembicSlowest.push(Math.max(...reachable.map((r) => r.ms)));
    samples.alembicTotal.push(runs.reduce((s, r) => s + r.ms, 0));

    // the overview in Chromium: navigation start → the last environment's row visible
    const page = await context.newPage();
    await page.goto("/", { waitUntil: "commit" });
    await page.getByTestId(`env-${lastEnv}`).waitFor({ state: "visible", timeout: 120_000 });
    samples.visible.push(await page.evaluate(() => performance.now()));
    // Where the time went: the server's first byte (the matrix needs every environment read).
    samples.firstByte.push(await page.evaluate(() => performance.getEntriesByType("navigation")[0]?.responseStart ?? NaN));
    await page.waitForLoadState("load");
    await page.waitForFunction(() => /** @type {any} */ (window).__matrixPainted !== undefined);
    const nav = await page.evaluate(() => {
      const n = /** @type {PerformanceNavigationTiming} */ (performance.getEntriesByType("navigation")[0]);
      return { lastByte: n.responseEnd, dcl: n.domContentLoadedEventEnd, painted: /** @type {any} */ (window).__matrixPainted };
    });
    samples.painted.push(nav.painted);
    samples.lastByte.push(nav.lastByte);
    samples.dcl.push(nav.dcl);
    samples.dom.push(await page.evaluate(() => document.getElementsByTagName("*").length));
    await page.close();

    // the HTML as served (drift summary streamed in included)
    const html = await context.request.get("/");
    samples.html.push((await html.body()).length);

    // polls, as the matrix polls every 10 s; CPU of the server process tree around them, once the
    // server is quiet (the page's visit leaves background work: drift and applied-file summaries)
    samples.background.push(await settle());
    const cpuBefore = processTree(server.pid).cpuMs;
    const p0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < POLLS_PER_ROUND; i++) {
      const r = await context.request.get("/api/projects/bench/status");
      if (!r.ok()) throw new Error(`poll answered ${r.status()}`);
      bytes = (await r.body()).length;
    }
    samples.pollMs.push((performance.now() - p0) / POLLS_PER_ROUND);
    samples.pollCpu.push((processTree(server.pid).cpuMs - cpuBefore) / POLLS_PER_ROUND);
    samples.pollBytes.push(bytes);
    log(
      `round ${round}/${ROUNDS}: visible ${ms(samples.visible.at(-1))} (painted ${ms(samples.painted.at(-1))}; first byte ${ms(samples.firstByte.at(-1))}, last byte ${ms(samples.lastByte.at(-1))}, DOMContentLoaded ${ms(samples.dcl.at(-1))}), HTML ${kb(samples.html.at(-1))}, poll ${kb(bytes)} / ${samples.pollCpu.at(-1).toFixed(0)} ms CPU (server background before: ${samples.background.at(-1).toFixed(0)} ms/s), slowest alembic current ${ms(samples.alembicSlowest.at(-1))} (load ${load()})`,
    );
  }

  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const verdict = (ok) => (ok ? "met" : "MISSED");
  log(
    `\nOverview bench: ${ENVS} environments + 1 unreachable × ${REVISIONS} revisions (pending 0…${Math.max(...envs.filter((e) => e.behind !== null).map((e) => e.behind))}), medians of ${ROUNDS} interleaved rounds; load average ${load()} on ${os.cpus().length} CPUs`,
  );
  log(`  overview HTML                       ${kb(m.html).padStart(10)}   ${m.dom} DOM elements        target < 300 KB: ${verdict(m.html < 300 * 1024)}`);
  log(
    `  matrix visible in Chromium          ${ms(m.visible).padStart(10)}   ${(m.visible / m.alembicSlowest).toFixed(2)}x the slowest alembic current   target ≤ 1x and < 1 s: ${verdict(m.visible <= m.alembicSlowest && m.visible < 1000)}`,
  );
  log(`    painted (in-page timing)          ${ms(m.painted).padStart(10)}   ${(m.painted / m.alembicSlowest).toFixed(2)}x`);
  log(`    the server's first / last byte    ${ms(m.firstByte).padStart(10)} / ${ms(m.lastByte)}   DOMContentLoaded ${ms(m.dcl)}`);
  log(`  slowest single alembic current      ${ms(m.alembicSlowest).padStart(10)}   (all ${envs.length} in turn: ${ms(m.alembicTotal)}; ${(m.alembicTotal / m.pollMs).toFixed(1)}x one poll)`);
  log(`  one poll /api/…/status              ${kb(m.pollBytes).padStart(10)}   target < 20 KB: ${verdict(m.pollBytes < 20 * 1024)}`);
  log(`  server CPU per poll                 ${ms(m.pollCpu).padStart(10)}   (wall ${ms(m.pollMs)})   target < 30 ms: ${verdict(m.pollCpu < 30)}`);
} finally {
  await browser?.close().catch(() => {});
  await stopServer?.();
  if (!keep) {
    await dropEnvironments().catch((e) => log(`could not drop the bench databases: ${e.message}`));
    fs.rmSync(work, { recursive: true, force: true });
  } else log(`Kept ${work} and the databases ${DB_PREFIX}*`);
}
