#!/usr/bin/env node
// `npm test`: type-check, lint, unit + integration suites (Vitest), end-to-end suite (Playwright).
// Runs every stage even after a failure, then prints one summary line: "N passed, N failed".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const bin = (name) => path.join("node_modules", ".bin", name);
const out = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-test-"));
const only = process.argv.slice(2);
const stages = [
  { name: "typecheck", cmd: [bin("tsc"), "--noEmit", "-p", "."] },
  // Lint is ESLint and the layering rules (.dependency-cruiser.cjs), exactly as `npm run lint`.
  { name: "lint", cmd: ["npm", "run", "lint", "--silent"] },
  {
    name: "vitest",
    cmd: [bin("vitest"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${path.join(out, "vitest.json")}`],
    counts: () => {
      const r = JSON.parse(fs.readFileSync(path.join(out, "vitest.json"), "utf8"));
      return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
    },
  },
  {
    name: "e2e",
    cmd: [bin("playwright"), "test"],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(out, "playwright.json") },
    counts: () => {
      const r = JSON.parse(fs.readFileSync(path.join(out, "playwright.json"), "utf8"));
      return { passed: r.stats.expected, failed: r.stats.unexpected + r.stats.flaky, skipped: r.stats.skipped };
    },
  },
].filter((s) => only.length === 0 || only.includes(s.name));

const total = { passed: 0, failed: 0, skipped: 0 };
const failedStages = [];
for (const stage of stages) {
  console.log(`\n=== ${stage.name}: ${stage.cmd.join(" ")}`);
  const started = Date.now();
  const r = spawnSync(stage.cmd[0], stage.cmd.slice(1), { stdio: "inherit", env: { ...process.env, ...stage.env } });
  const ok = r.status === 0;
  let counts;
  try {
    counts = stage.counts?.();
  } catch {
    counts = undefined;
  }
  if (counts) {
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
  } else if (!stage.counts) {
    // typecheck and lint count as one check each
    if (ok) total.passed += 1;
    else total.failed += 1;
  }
  if (!ok) {
    failedStages.push(stage.name);
    if (stage.counts && (!counts || counts.failed === 0)) total.failed += 1; // the stage itself failed
  }
  console.log(`=== ${stage.name}: ${ok ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (failedStages.length) console.log(`\nFailed stages: ${failedStages.join(", ")}`);
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedStages.length ? 1 : 0);
