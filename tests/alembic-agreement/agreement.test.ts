/**
 * The proof that Cairn equals Alembic: seeded random migration directories and hand-written ones
 * are written as real files, read by real Alembic 1.8.1 (oracle.py) and by Cairn, and every fact —
 * heads, bases, history order, labels, dependencies, upgrade/downgrade steps, version rows
 * afterwards, symbol resolution and its errors — must be identical.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "@/lib/alembic/load-project";
import type { MigrationScript } from "@/lib/graph/types";
import { buildQueries } from "@/tests/alembic-agreement/build-queries";
import { compareWithOracle, type Comparison } from "@/tests/alembic-agreement/compare-with-oracle";
import { FIXTURES } from "@/tests/alembic-agreement/fixtures";
import { generateGraph, writeProject, type GeneratedProject } from "@/tests/alembic-agreement/generate-graphs";
import { mapLimit, PYTHON, runOracleBatch, type OracleAnswer, type Query } from "@/tests/alembic-agreement/run-oracle";
import { pythonHasAlembic, skipWithoutAlembic } from "@/tests/support/alembic";

const GRAPHS = Number(process.env.CAIRN_AGREEMENT_GRAPHS ?? 60);
const ONLY = process.env.CAIRN_AGREEMENT_ONLY; // e.g. "seed-4" to replay one project
const hasAlembic = pythonHasAlembic(PYTHON);

interface Case {
  project: GeneratedProject;
  scripts: MigrationScript[];
  queries: Query[];
  oracle: OracleAnswer;
  comparison?: Comparison;
}

let tmp = "";
const cases: Case[] = [];

beforeAll(async () => {
  if (!hasAlembic) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-agreement-"));
  const projects: { project: GeneratedProject; seed: number }[] = [];
  for (let seed = 1; seed <= GRAPHS; seed++) {
    projects.push({ project: generateGraph(seed, 5 + ((seed * 37) % 76)), seed });
  }
  FIXTURES.forEach((project, i) => projects.push({ project, seed: 10_000 + i }));
  const selected = ONLY ? projects.filter((p) => p.project.name === ONLY) : projects;
  const prepared: (Omit<Case, "oracle"> & { ini: string })[] = [];
  for (const { project, seed } of selected) {
    // Cairn gets nothing but the directory: it lists and reads the files itself, as Alembic does.
    const { ini } = writeProject(path.join(tmp, project.name), project, seed);
    prepared.push({ project, ini, scripts: loadProject(ini, { cacheDir: false }).scripts, queries: buildQueries(project.revisions, seed) });
  }
  // Two interpreters (the machine has 2 cores), each answering half of the directories.
  const halves = [0, 1].map((h) => prepared.filter((_, i) => i % 2 === h));
  const answers = await mapLimit(halves, 2, (half, h) =>
    runOracleBatch(
      half.map((p) => ({ ini: p.ini, queries: p.queries })),
      path.join(tmp, `jobs-${h}.json`),
    ),
  );
  halves.forEach((half, h) => half.forEach((p, i) => cases.push({ ...p, oracle: answers[h]![i]! })));
}, 120_000);

afterAll(() => {
  // CAIRN_AGREEMENT_KEEP=1 keeps the directories for replaying a disagreement by hand.
  if (tmp && !process.env.CAIRN_AGREEMENT_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) console.log(`agreement directories kept in ${tmp}`);
});

describe.skipIf(skipWithoutAlembic(hasAlembic, `Alembic for ${PYTHON}`))("Cairn's revision graph agrees with real Alembic", () => {
  it(`agrees on ${GRAPHS} generated graphs and ${FIXTURES.length} hand-written fixtures`, () => {
    const report: string[] = [];
    let queries = 0;
    let loaded = 0;
    const started = performance.now();
    for (const c of cases) {
      c.comparison = compareWithOracle(c.scripts, c.oracle, c.queries);
      queries += c.comparison.compared.queries;
      if (!c.oracle.error) loaded++;
      if (c.comparison.disagreements.length > 0) {
        report.push(`${c.project.name}:\n  ${c.comparison.disagreements.join("\n  ")}`);
      }
    }
    const ambiguous = cases.filter((c) => c.comparison?.orderIsAmbiguous).length;
    const errors = cases.reduce((n, c) => n + (c.comparison?.compared.errorsMatched ?? 0), 0);
    const paths = cases.reduce((n, c) => n + (c.comparison?.compared.pathsMatched ?? 0), 0);
    console.log(
      `agreement (Cairn side ${Math.round(performance.now() - started)} ms): ${cases.length} projects (${loaded} loaded by Alembic), ${queries} queries: ${paths} identical plans, ${errors} identical refusals, ${ambiguous} with hash-order-dependent ties`,
    );
    if (!ONLY) expect(cases.length).toBe(GRAPHS + FIXTURES.length);
    expect(report.join("\n")).toBe("");
    // The sample must actually exercise paths, not only load graphs.
    expect(loaded).toBeGreaterThan(GRAPHS * 0.9);
    expect(queries).toBeGreaterThan(GRAPHS * 20);
    expect(paths).toBeGreaterThan(GRAPHS * 10);
  });

  it("generated graphs cover the shapes that break naive implementations", () => {
    const all = cases.filter((c) => c.project.name.startsWith("seed-") && !c.oracle.error);
    const revs = all.flatMap((c) => Object.values(c.oracle.revisions));
    expect(revs.some((r) => r.down_revisions.length >= 3)).toBe(true); // merges of 3+
    expect(revs.some((r) => r.dependencies.length > 0)).toBe(true); // depends_on
    expect(all.some((c) => c.oracle.bases.length > 1)).toBe(true); // several bases
    expect(all.some((c) => c.oracle.heads.length > 1)).toBe(true); // several heads
    expect(all.some((c) => c.project.revisions.some((r) => r.labels.length > 0 && r.down.length === 0))).toBe(true);
    expect(all.some((c) => c.project.revisions.some((r) => r.deps.some((d) => d.startsWith("br"))))).toBe(true);
    // lib/alembic reads files in raw directory order — the order unmodified Alembic 1.8 loads them.
    for (const c of all) expect(c.scripts.map((s) => s.revision)).toEqual(c.oracle.load_order);
    // ...which is not name order somewhere, or the test would not tell the two apart.
    expect(all.some((c) => c.scripts.map((s) => s.path).join() !== [...c.scripts.map((s) => s.path)].sort().join())).toBe(true);
    // Load order differs from history order somewhere (so tie-breaking is tested).
    expect(all.some((c) => c.oracle.load_order.join() !== [...c.oracle.history].reverse().join())).toBe(true);
  });

  it("reports a problem instead of crashing wherever Alembic itself fails to load", () => {
    const failing = cases.filter((c) => c.oracle.error);
    expect(failing.map((c) => c.project.name).sort()).toEqual(
      FIXTURES.filter((f) => f.name.startsWith("broken-"))
        .map((f) => f.name)
        .sort(),
    );
    for (const c of failing) {
      expect(c.comparison?.disagreements ?? ["not compared"]).toEqual([]);
    }
  });
});
