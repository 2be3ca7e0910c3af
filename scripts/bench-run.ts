// npm run bench:run — the run path beside what a user would do instead (issue 15):
//   plan           Cairn's plan (graph, version tables, gates, SQL preview)  vs  `alembic upgrade <from>:<to> --sql`   target: ≤ alembic + 150 ms
//   submit         the request after that plan (reuses its preview)                                                   target: no second preview
//   click-to-done  submit, then the guarded run to its recorded outcome     vs  plain `alembic upgrade <to>`          target: ≤ alembic + 300 ms
// On a copy of the runner fixture project (5 migrations a1 → e5), one unprotected PostgreSQL environment,
// a PostgreSQL store; Cairn's side runs in this process as a server instance would (lib, no HTTP).
// Interleaved rounds (the order alternates), medians, the machine's load printed beside them.
//   npm run bench:run -- [--rounds 5] [--target e5]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openStore } from "@/lib/db/client";
import { planRun } from "@/lib/runs/plan-run";
import { submitRun } from "@/lib/runs/submit-run";
import { runExecution } from "@/lib/runs/start-run";
import type { Actor } from "@/lib/auth/actor";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const ROUNDS = Number(flag("--rounds", "5"));
const TARGET = flag("--target", "e5");
const ALEMBIC = ["/usr/bin/python3", "-m", "alembic"];
const admin = process.env.CAIRN_BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const dbUrl = (name: string) => Object.assign(new URL(admin), { pathname: `/${name}` }).toString();
const STORE_DB = `cairn_bench_run_store_${process.pid}`;
const TARGET_DB = `cairn_bench_run_target_${process.pid}`;
const targetUrl = dbUrl(TARGET_DB);

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${Math.round(x)} ms`;

async function sql(q: string) {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

const project = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-bench-run-"));
fs.cpSync(path.resolve(import.meta.dirname, "../tests/fixtures/runner-project"), project, { recursive: true, filter: (src) => !src.includes("__pycache__") });

function alembic(...a: string[]): number {
  const t = performance.now();
  const r = spawnSync(ALEMBIC[0]!, [...ALEMBIC.slice(1), ...a], { cwd: project, env: { ...process.env, DATABASE_URL: targetUrl }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`alembic ${a.join(" ")} failed: ${r.stderr}`);
  return performance.now() - t;
}

await sql(`CREATE DATABASE ${STORE_DB}`);
await sql(`CREATE DATABASE ${TARGET_DB}`);
const store = await openStore({ databaseUrl: dbUrl(STORE_DB) });
try {
  const db = store.db;
  process.env.CAIRN_ENV_BENCH_RUN_URL = targetUrl;
  const p = await db.project.create({ data: { name: "bench-run", alembicPath: project, command: ALEMBIC } });
  await db.environment.create({ data: { projectId: p.id, name: "dev", position: 0, urlRef: "env:CAIRN_ENV_BENCH_RUN_URL", urlMasked: "env:CAIRN_ENV_BENCH_RUN_URL", rehearsal: { required: false } } });
  const user = await db.user.create({ data: { email: "bench@cairn.local", role: "release_manager" } });
  const actor: Actor = { kind: "user", userId: user.id, email: user.email, name: "bench", role: "release_manager" };
  const input = { project: "bench-run", environment: "dev", kind: "upgrade" as const, target: TARGET, actor };

  console.log(`bench:run — upgrade base → ${TARGET} (5 migrations), PostgreSQL target, ${ROUNDS} rounds; load at start ${load()}`);
  // Warm-up: the first plan reads the project and starts Python once.
  await planRun(db, input);
  const t = { sql: [] as number[], plan: [] as number[], submit: [] as number[], done: [] as number[], upgrade: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const cairnFirst = round % 2 === 0;
    const alembicSide = () => {
      t.sql.push(alembic("upgrade", TARGET, "--sql"));
      t.upgrade.push(alembic("upgrade", TARGET));
      alembic("downgrade", "base");
    };
    const cairnSide = async () => {
      // A new key each round is not needed: the preview of the same files from base is what a second person would see too.
      // But a kept preview would make "plan" look free: clear it, so every plan renders as the first look does.
      await db.sqlPreviewCache.deleteMany({});
      let s = performance.now();
      const plan = await planRun(db, input);
      t.plan.push(performance.now() - s);
      s = performance.now();
      const { runId } = await submitRun(db, { project: "bench-run", environment: "dev", actor, request: { kind: "upgrade", target: TARGET, reviewedFiles: plan.reviewedFiles } });
      t.submit.push(performance.now() - s);
      const outcome = await runExecution(runId);
      t.done.push(performance.now() - s);
      if (outcome?.status !== "succeeded") throw new Error(`run ${runId} ended ${outcome?.status}`);
      alembic("downgrade", "base");
    };
    if (cairnFirst) {
      await cairnSide();
      alembicSide();
    } else {
      alembicSide();
      await cairnSide();
    }
  }
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  const [sqlM, planM, submitM, doneM, upM] = [median(t.sql), median(t.plan), median(t.submit), median(t.done), median(t.upgrade)];
  console.log("");
  console.log(`| step          | cairn    | alembic                 | difference | ratio | target              |`);
  console.log(`|---------------|----------|-------------------------|------------|-------|---------------------|`);
  console.log(`| plan          | ${ms(planM)} | ${ms(sqlM)} (upgrade --sql) | ${ms(planM - sqlM)} | ${(planM / sqlM).toFixed(2)}× | ≤ +150 ms: ${verdict(planM - sqlM <= 150)} |`);
  console.log(`| submit        | ${ms(submitM)} | —                       |            |       | no second preview    |`);
  console.log(`| click-to-done | ${ms(doneM)} | ${ms(upM)} (upgrade)     | ${ms(doneM - upM)} | ${(doneM / upM).toFixed(2)}× | ≤ +300 ms: ${verdict(doneM - upM <= 300)} |`);
  console.log("");
  console.log(
    `medians of ${ROUNDS}; every round: plan ${t.plan.map(ms).join(", ")}; --sql ${t.sql.map(ms).join(", ")}; submit ${t.submit.map(ms).join(", ")}; done ${t.done.map(ms).join(", ")}; upgrade ${t.upgrade.map(ms).join(", ")}`,
  );
  console.log(`load at end ${load()} (1 / 5 / 15 min), ${os.cpus().length} CPUs`);
} finally {
  // The last run's schema baseline is recorded in the background: let it land before the store goes.
  await new Promise((r) => setTimeout(r, 2000));
  await store.close();
  await sql(`DROP DATABASE IF EXISTS ${STORE_DB} WITH (FORCE)`);
  await sql(`DROP DATABASE IF EXISTS ${TARGET_DB} WITH (FORCE)`);
  fs.rmSync(project, { recursive: true, force: true });
}
// The store's pool and the job queue may keep handles open.
process.exit(0);
