#!/usr/bin/env node
// npm run bench:lint — lint of a generated 600-migration Alembic project beside Alembic rendering
// the same range offline (`alembic upgrade <after the 80 create-table migrations>:heads --sql`). Runs are interleaved; medians are
// compared. Target: Cairn's own analysis (read the graph and the files, split the rendered SQL,
// parse every statement with libpg_query, run the rules) costs less than the rendering itself.
// Pass --strict to exit 1 when the target is missed.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MIGRATIONS = 600;
const TABLES = 80;
/** The range linted and rendered: everything after the migrations that create the tables, so the tables exist and the locking rules run. */
const FROM = `r${String(TABLES - 1).padStart(4, "0")}a1b2c3`;
const ROUNDS = 5;
const ALEMBIC = ["/usr/bin/python3", "-m", "alembic"];
const URL_ = "postgresql://bench@localhost/bench";
const strict = process.argv.includes("--strict");

/** Bundles the TypeScript modules under test; "server-only" resolves to its empty build, as in a server. */
async function loadModules(outdir) {
  const entry = path.join(outdir, "entry.ts");
  const from = (p) => JSON.stringify(path.join(root, p));
  fs.writeFileSync(
    entry,
    [
      `export { readProjectGraph } from ${from("lib/project-graph/read-project-graph.ts")};`,
      `export { upgradePath } from ${from("lib/graph/migration-path.ts")};`,
      `export { lintMigrations } from ${from("lib/lint/lint-migrations.ts")};`,
      `export { loadSqlParser } from ${from("lib/lint/parse-sql.ts")};`,
      `export { splitRenderedSql } from ${from("lib/runner/render-migration-sql.ts")};`,
    ].join("\n"),
  );
  const outfile = path.join(outdir, "bundle.mjs");
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: path.join(root, "tsconfig.json"),
    alias: { "server-only": path.join(root, "node_modules/server-only/empty.js") },
    external: ["libpg-query", "zod", "esbuild"],
    logLevel: "error",
  });
  fs.symlinkSync(path.join(root, "node_modules"), path.join(outdir, "node_modules"), "dir");
  return import(pathToFileURL(outfile).href);
}

/** A linear history: 80 tables, then columns, indexes, checks, type changes, renames and data fixes on them. */
function generateProject(dir) {
  const versions = path.join(dir, "versions");
  fs.mkdirSync(versions, { recursive: true });
  fs.writeFileSync(path.join(dir, "alembic.ini"), "[alembic]\nscript_location = .\nversion_locations = %(here)s/versions\n");
  fs.writeFileSync(
    path.join(dir, "env.py"),
    [
      "import os",
      "from alembic import context",
      "url = os.environ['DATABASE_URL']",
      "context.configure(url=url, target_metadata=None, literal_binds=True, dialect_opts={'paramstyle': 'named'})",
      "with context.begin_transaction():",
      "    context.run_migrations()",
      "",
    ].join("\n"),
  );
  let prev = null;
  for (let i = 0; i < MIGRATIONS; i++) {
    const rev = `r${String(i).padStart(4, "0")}a1b2c3`;
    const t = `t${String(i % TABLES).padStart(3, "0")}`;
    let up;
    let down;
    if (i < TABLES) {
      up = [
        `op.create_table("${t}", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(100), nullable=False),`,
        `                sa.Column("payload", sa.JSON), sa.Column("data", postgresql.JSONB), sa.Column("created_at", sa.DateTime, server_default=sa.func.now()))`,
        `op.create_index("ix_${t}_name", "${t}", ["name"])`,
      ];
      down = [`op.drop_table("${t}")`];
    } else {
      const c = `c${i}`;
      switch (i % 6) {
        case 0:
          up = [`op.add_column("${t}", sa.Column("${c}", sa.Integer, nullable=False, server_default="0"))`, `op.create_index("ix_${t}_${c}", "${t}", ["${c}"])`];
          down = [`op.drop_index("ix_${t}_${c}", table_name="${t}")`, `op.drop_column("${t}", "${c}")`];
          break;
        case 1:
          up = [`op.add_column("${t}", sa.Column("${c}", sa.String(20)))`, `op.create_check_constraint("ck_${t}_${c}", "${t}", "length(${c}) > 0")`];
          down = [`op.drop_constraint("ck_${t}_${c}", "${t}", type_="check")`, `op.drop_column("${t}", "${c}")`];
          break;
        case 2:
          up = [`op.execute("UPDATE ${t} SET name = lower(name) WHERE data ? 'k' AND created_at < now() - interval '1 day'")`];
          down = ["pass  # cairn: allow irreversible-downgrade — a data fix"];
          break;
        case 3:
          up = [`op.add_column("${t}", sa.Column("${c}", sa.Text))`, `op.alter_column("${t}", "${c}", type_=sa.String(200), existing_type=sa.Text)`];
          down = [`op.drop_column("${t}", "${c}")`];
          break;
        case 4:
          up = [`op.add_column("${t}", sa.Column("${c}", sa.Integer))`, `op.create_foreign_key("fk_${t}_${c}", "${t}", "t000", ["${c}"], ["id"])`, `op.execute("DELETE FROM ${t} WHERE payload::jsonb @> '{\\"stale\\": true}'")`];
          down = [`op.drop_constraint("fk_${t}_${c}", "${t}", type_="foreignkey")`, `op.drop_column("${t}", "${c}")`];
          break;
        default:
          up = [`op.add_column("${t}", sa.Column("${c}", sa.Boolean))`, `op.alter_column("${t}", "${c}", new_column_name="${c}_flag")`];
          down = [`op.drop_column("${t}", "${c}_flag")`];
      }
    }
    const src = [
      `"""Step ${i}.`,
      "",
      `Revision ID: ${rev}`,
      `Revises: ${prev ?? ""}`,
      `"""`,
      "import sqlalchemy as sa",
      "from alembic import op",
      "from sqlalchemy.dialects import postgresql",
      "",
      `revision = "${rev}"`,
      `down_revision = ${prev ? `"${prev}"` : "None"}`,
      "branch_labels = None",
      "depends_on = None",
      "",
      "",
      "def upgrade():",
      ...up.map((l) => `    ${l}`),
      "",
      "",
      "def downgrade():",
      ...down.map((l) => `    ${l}`),
      "",
    ].join("\n");
    fs.writeFileSync(path.join(versions, `${rev}_step_${i}.py`), src);
    prev = rev;
  }
}

function renderOnce(dir) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(ALEMBIC[0], [...ALEMBIC.slice(1), "upgrade", `${FROM}:heads`, "--sql"], { cwd: dir, env: { ...process.env, DATABASE_URL: URL_ }, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`alembic failed: ${stderr.split("\n").filter(Boolean).pop()}`));
      resolve({ ms: performance.now() - t0, sql: stdout });
    });
  });
}

function renderStep(dir, range) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(ALEMBIC[0], [...ALEMBIC.slice(1), "upgrade", range, "--sql"], { cwd: dir, env: { ...process.env, DATABASE_URL: URL_ } }, (err) => (err ? reject(err) : resolve(performance.now() - t0)));
  });
}

/** Everything Cairn does besides Alembic: graph, files, split, parse, rules. */
function analyse(m, dir, sql) {
  const t0 = performance.now();
  const { graph } = m.readProjectGraph(dir);
  const plan = m.upgradePath(graph, [FROM], "heads");
  const parts = m.splitRenderedSql(sql);
  const t1 = performance.now();
  const migrations = plan.steps.map((revision) => {
    const file = graph.revisions.get(revision).path;
    return { revision, file: path.relative(dir, file), source: fs.readFileSync(file, "utf8"), rendered: { ok: true, sql: parts.get(revision) ?? "" } };
  });
  const report = m.lintMigrations({ dialect: "postgresql", migrations });
  const t2 = performance.now();
  return { ms: t2 - t0, graphMs: t1 - t0, lintMs: t2 - t1, report };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-bench-lint-"));
try {
  const project = path.join(work, "project");
  generateProject(project);
  const m = await loadModules(work);
  const tLoad = performance.now();
  await m.loadSqlParser();
  const loadMs = performance.now() - tLoad;

  // Warm-up (Python's bytecode cache, the parser's first calls), then interleaved rounds.
  const warm = await renderOnce(project);
  analyse(m, project, warm.sql);
  const render = [];
  const analysis = [];
  let last;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await renderOnce(project);
    render.push(r.ms);
    last = analyse(m, project, r.sql);
    analysis.push(last);
  }
  // Why the range is rendered once and split: one Alembic start per migration, sampled.
  const samples = [];
  for (const k of [100, 250, 400]) samples.push(await renderStep(project, `r${String(k - 1).padStart(4, "0")}a1b2c3:r${String(k).padStart(4, "0")}a1b2c3`));

  const renderMs = median(render);
  const analyseMs = median(analysis.map((a) => a.ms));
  const statements = [...m.splitRenderedSql(warm.sql).values()].join("\n").split(";\n").length;
  console.log(
    `cairn lint bench: ${MIGRATIONS}-migration project, range ${FROM}:heads (${last.report.migrations} migrations, ~${statements} rendered statements), ${last.report.findings.length} findings; medians of ${ROUNDS} interleaved rounds`,
  );
  console.log(`  alembic upgrade ${FROM}:heads --sql  ${fmt(renderMs)}`);
  console.log(
    `  Cairn's analysis                          ${fmt(analyseMs)}   (graph+split ${median(analysis.map((a) => a.graphMs)).toFixed(0)} ms, parse+rules ${median(analysis.map((a) => a.lintMs)).toFixed(0)} ms; parser load once ${loadMs.toFixed(0)} ms)`,
  );
  console.log(`  analysis / render                         ${(analyseMs / renderMs).toFixed(3)}×   target < 1`);
  const perStep = median(samples);
  console.log(`  one Alembic call per migration (sampled)  ${fmt(perStep)} each → ~${((perStep * MIGRATIONS) / 1000).toFixed(0)} s for ${MIGRATIONS}, ${((perStep * MIGRATIONS) / renderMs).toFixed(0)}× the range render`);
  const ok = analyseMs < renderMs;
  console.log(ok ? "  PASS: Cairn's analysis adds less than the rendering costs" : "  MISS: Cairn's analysis costs more than the rendering");
  if (strict && !ok) process.exitCode = 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
