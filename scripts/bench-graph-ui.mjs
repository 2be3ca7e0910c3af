#!/usr/bin/env node
// npm run bench:graph-ui — the revision graph page in Debian's Chromium against the built app, beside
// what a user would run instead (`alembic history` on the same project). Two generated shapes:
//   588 revisions with 53 merges and 2 bases (open-event-server's shape: short arms of 1–3 revisions),
//   5,000 revisions with 50 merges.
// For each shape a fresh server (its own store) is started and the page opened at once — the first
// visit after start-up, racing the server's own start-up work — then opened again (later visits,
// median). Printed: time to the first drawn node (target ≤ 1.5 s), server time to first byte, HTML
// bytes, nodes in the DOM, the layout time the page reports, the slowest /api/health answer while
// the page was loading (target < 0.5 s), the ratio against the target and against `alembic history`,
// and the machine's load. Optionally a real project too (--project name=/path/alembic.ini, e.g.
// open-event-server's migrations/alembic.ini; PYTHONPATH passes through to `alembic history`).
// It starts the built app (next build when the sources are newer): run it under the e2e lock so no
// Playwright run rebuilds .next meanwhile:
//   flock /tmp/cairn-e2e.lock npm run bench:graph-ui -- [--shapes 588x53,5000x50] [--later 3] [--port 3220] [--pan] [--keep]
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { chromiumOptions, ensureBuild, flag, hasFlag, load, log, median, ms, kb, scratchDir, signedInContext, startServer } from "./lib/bench-kit.mjs";
import { generateProject, makeEnvironment } from "./lib/bench-projects.mjs";

const args = process.argv.slice(2);
const flags = (name) => args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]] : []));
const SHAPES = String(flag("--shapes", "588x53,5000x50"))
  .split(",")
  .filter(Boolean)
  .map((s) => {
    const [n, m] = s.split("x").map(Number);
    return { name: `${n} revisions, ${m} merges`, revisions: n, merges: m };
  });
const EXTRA = flags("--project").map((p) => {
  const [name, ini] = p.split("=");
  return { name, ini: path.resolve(ini) };
});
const LATER = Number(flag("--later", 3));
const PORT = Number(flag("--port", process.env.CAIRN_E2E_PORT ?? 3220));
const keep = hasFlag("--keep");
const pan = hasFlag("--pan");
const TARGET_MS = 1500;
const HEALTH_TARGET_MS = 500;
const ALEMBIC = ["/usr/bin/python3", "-m", "alembic"];
const EMAIL = "bench@cairn.local";
const PASSWORD = "bench-graph-password-1";
const work = scratchDir("graph-ui");

function alembicHistory(ini) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(ALEMBIC[0], [...ALEMBIC.slice(1), "-c", ini, "history"], { cwd: path.dirname(ini), maxBuffer: 1 << 26 }, (err, stdout, stderr) =>
      err ? reject(new Error(`alembic history failed: ${String(stderr).slice(-400)}`)) : resolve({ ms: performance.now() - t0, lines: stdout.split("\n").length - 1 }),
    );
  });
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Pings /api/health every 100 ms until stopped; the slowest answer. */
function healthPinger(url) {
  let stop = false;
  let worst = 0;
  let count = 0;
  const done = (async () => {
    while (!stop) {
      const t0 = performance.now();
      try {
        await fetch(url);
      } catch {}
      worst = Math.max(worst, performance.now() - t0);
      count++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    stop = true;
    await done;
    return { worst, count };
  };
}

// Records when the first graph node enters the DOM (after hydration: the canvas draws on the client).
const FIRST_NODE_PROBE = `
  new MutationObserver((_, obs) => {
    if (document.querySelector('[data-testid="graph-node"]')) { window.__firstNode = performance.now(); obs.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
`;

async function measureProject({ name, ini, envs }) {
  const alembicRuns = [];
  await alembicHistory(ini); // compiles __pycache__ once, as on a developer's machine
  for (let k = 0; k < 3; k++) alembicRuns.push((await alembicHistory(ini)).ms);
  const alembicMs = median(alembicRuns);

  const config = path.join(work, `${name.replace(/\W+/g, "-")}.config.json`);
  fs.writeFileSync(config, JSON.stringify({ projects: [{ name: "bench", alembic: ini, environments: envs }] }, null, 2));
  const dataDir = path.join(work, `store-${name.replace(/\W+/g, "-")}`);
  const { base, stop } = await startServer({ port: PORT, dataDir, config, admin: { email: EMAIL, password: PASSWORD } });
  let browser;
  try {
    browser = await chromium.launch(chromiumOptions());
    const context = await signedInContext(browser, base, { email: EMAIL, password: PASSWORD });
    await context.addInitScript(FIRST_NODE_PROBE);
    const page = await context.newPage();
    const visit = async () => {
      const stopPing = healthPinger(`${base}/api/health`);
      const response = await page.goto("/projects/bench/graph", { waitUntil: "commit", timeout: 120_000 });
      await page.waitForFunction(() => window.__firstNode !== undefined, null, { timeout: 120_000, polling: 50 });
      const health = await stopPing();
      const html = (await response.body()).length;
      const m = await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        return {
          firstNode: window.__firstNode,
          ttfb: nav.responseStart,
          dom: document.getElementsByTagName("*").length,
          nodes: document.querySelectorAll('[data-testid="graph-node"]').length,
          layout: document.body.innerText.match(/Layout (from cache|[\d.]+ ms)/)?.[1] ?? "?",
        };
      });
      return { ...m, html, health: health.worst };
    };
    const first = await visit();
    const later = [];
    for (let k = 0; k < LATER; k++) later.push(await visit());
    if (pan) await measurePan(page);
    return { alembicMs, first, later };
  } finally {
    await browser?.close();
    await stop();
  }
}

async function measurePan(page) {
  const box = await page.getByTestId("graph-canvas").boundingBox();
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    window.__stop = false;
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  for (let sweep = 0; sweep < 4; sweep++) {
    await page.mouse.move(cx, cy - 200);
    await page.mouse.down();
    await page.mouse.move(cx + (sweep % 2 ? -200 : 200), cy + 200, { steps: 60 });
    await page.mouse.up();
  }
  const frames = await page.evaluate(() => {
    window.__stop = true;
    return window.__frames.slice(2);
  });
  log(`  pan: ${frames.length} frames, p50 ${pct(frames, 50).toFixed(1)} ms, p95 ${pct(frames, 95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms`);
}

try {
  ensureBuild();
  log(`${os.cpus().length} CPUs, load average ${load()} (1/5/15 min), node ${process.version}; target: first render ≤ ${TARGET_MS} ms, health < ${HEALTH_TARGET_MS} ms\n`);
  const projects = [];
  for (const s of SHAPES) {
    const dir = path.join(work, `p${s.revisions}x${s.merges}`);
    const gen = generateProject(dir, s.revisions, s.merges);
    const qa = path.join(work, `qa-${s.revisions}.db`);
    const staging = path.join(work, `staging-${s.revisions}.db`);
    makeEnvironment(qa, gen.heads);
    makeEnvironment(staging, [gen.history[Math.floor(gen.history.length * 0.6)]]);
    projects.push({
      name: `${gen.history.length} revisions, ${gen.merges} merges`,
      ini: gen.ini,
      envs: [
        { name: "qa", url: `sqlite:///${qa}` },
        { name: "staging", url: `sqlite:///${staging}` },
      ],
    });
  }
  for (const e of EXTRA) {
    const qa = path.join(work, `qa-${e.name}.db`);
    makeEnvironment(qa, []);
    projects.push({ name: e.name, ini: e.ini, envs: [{ name: "qa", url: `sqlite:///${qa}` }] });
  }
  const rows = [];
  for (const p of projects) {
    log(`${p.name}: load ${load()}`);
    const r = await measureProject(p);
    const show = (label, v) =>
      log(
        `  ${label.padEnd(6)} first node ${ms(v.firstNode).padStart(8)}  (${(v.firstNode / TARGET_MS).toFixed(2)}× target, ${(v.firstNode / r.alembicMs).toFixed(2)}× alembic history)  ` +
          `TTFB ${ms(v.ttfb)}, HTML ${kb(v.html)}, ${v.dom} elements, ${v.nodes} nodes drawn, layout ${v.layout}, slowest health ${ms(v.health)}`,
      );
    show("first", r.first);
    r.later.forEach((v, k) => show(`later${k + 1}`, v));
    rows.push({ name: p.name, alembic: r.alembicMs, first: r.first.firstNode, later: median(r.later.map((v) => v.firstNode)), health: Math.max(r.first.health, ...r.later.map((v) => v.health)) });
  }
  log(`\nsummary (load ${load()}; target ${TARGET_MS} ms; alembic history = \`alembic history\` on the same project, median of 3)`);
  log(
    `${"project".padEnd(34)} ${"first visit".padStart(12)} ${"later".padStart(9)} ${"alembic".padStart(9)} ${"first/target".padStart(13)} ${"later/target".padStart(13)} ${"first/alembic".padStart(14)} ${"health max".padStart(11)}`,
  );
  for (const r of rows)
    log(
      `${r.name.padEnd(34)} ${ms(r.first).padStart(12)} ${ms(r.later).padStart(9)} ${ms(r.alembic).padStart(9)} ${(r.first / TARGET_MS).toFixed(2).padStart(12)}× ${(r.later / TARGET_MS).toFixed(2).padStart(12)}× ${(r.first / r.alembic).toFixed(2).padStart(13)}× ${ms(r.health).padStart(11)}`,
    );
} finally {
  if (!keep) fs.rmSync(work, { recursive: true, force: true });
  else log(`Kept ${work}`);
}
