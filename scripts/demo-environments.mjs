// Builds the demo's three environments (qa, staging, production) by really running Alembic,
// on SQLite files (default), PostgreSQL or MySQL/MariaDB databases. Shared by `npm run demo` and the e2e server.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SHOP = path.join(ROOT, "examples", "shop");

/** Environments in promotion order, and the revision each is brought to. */
export const DEMO_ENVIRONMENTS = [
  { name: "qa", target: "heads", protected: false },
  { name: "staging", target: "46b8d0f2a44d", protected: false },
  { name: "production", target: "0f7e6d5c4b3a", protected: true },
];

/** Finds a working Alembic: `alembic` on PATH, then Debian's python3 -m alembic. Returns the command or null. */
export function findAlembic() {
  const candidates = [["alembic"], ["/usr/bin/alembic"], ["/usr/bin/python3", "-m", "alembic"], ["python3", "-m", "alembic"]];
  for (const cmd of candidates) {
    const r = spawnSync(cmd[0], [...cmd.slice(1), "--version"], { encoding: "utf8" });
    if (r.status === 0) return cmd;
  }
  return null;
}

function run(cmd, args, env) {
  const r = spawnSync(cmd[0], [...cmd.slice(1), ...args], { cwd: SHOP, env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`alembic ${args.join(" ")} failed:\n${(r.stderr || r.stdout).split("\n").slice(-15).join("\n")}`);
  }
}

async function pgAdmin(baseUrl, sql) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs statements on a MySQL/MariaDB server given as a SQLAlchemy URL (mysql+pymysql://root@127.0.0.1:3306/). */
async function mysqlAdmin(baseUrl, statements) {
  const { default: mysql } = await import("mysql2/promise");
  const u = new URL(baseUrl.replace(/^[a-z]+(\+[a-z0-9_]+)?:/i, "http:"));
  const socketPath = u.searchParams.get("unix_socket");
  const conn = await mysql.createConnection({
    ...(socketPath ? { socketPath } : { host: u.hostname || "localhost", port: Number(u.port || 3306) }),
    user: decodeURIComponent(u.username || "root"),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  });
  try {
    for (const sql of statements) await conn.query(sql);
  } finally {
    await conn.end();
  }
}

/** `mysql+pymysql://root@host:3306/?charset=utf8mb4` with the database put in its path (query kept). */
function mysqlDatabaseUrl(baseUrl, dbName) {
  const q = baseUrl.indexOf("?");
  const [head, query] = q >= 0 ? [baseUrl.slice(0, q), baseUrl.slice(q)] : [baseUrl, ""];
  const m = /^([a-z]+(?:\+[a-z0-9_]+)?:\/\/[^/]*)(\/.*)?$/i.exec(head);
  if (!m) throw new Error("--mysql needs a URL such as mysql+pymysql://root@127.0.0.1:3306/");
  return `${m[1]}/${dbName}${query}`;
}

/**
 * Creates the environments under `dir` (SQLite) or as databases on `pgBaseUrl` / `mysqlBaseUrl`,
 * unless already there. Returns { environments: [{ name, url, protected }], alembic, usedSnapshots }.
 */
export async function prepareDemoEnvironments({ dir, pgBaseUrl, mysqlBaseUrl, fresh = false, log = console.log, dbPrefix = "cairn_demo_" }) {
  fs.mkdirSync(dir, { recursive: true });
  const alembic = findAlembic();
  const marker = path.join(dir, "environments.json");
  if (!fresh && fs.existsSync(marker)) {
    const prepared = JSON.parse(fs.readFileSync(marker, "utf8"));
    if ((prepared.pgBaseUrl ?? null) === (pgBaseUrl ?? null) && (prepared.mysqlBaseUrl ?? null) === (mysqlBaseUrl ?? null)) return { ...prepared, alembic };
  }
  const environments = [];
  let usedSnapshots = false;
  for (const env of DEMO_ENVIRONMENTS) {
    let url;
    if (pgBaseUrl) {
      const dbName = `${dbPrefix}${env.name}`;
      await pgAdmin(pgBaseUrl, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await pgAdmin(pgBaseUrl, `CREATE DATABASE "${dbName}"`);
      const u = new URL(pgBaseUrl);
      u.pathname = `/${dbName}`;
      url = u.toString();
    } else if (mysqlBaseUrl) {
      const dbName = `${dbPrefix}${env.name}`;
      await mysqlAdmin(mysqlBaseUrl, [`DROP DATABASE IF EXISTS \`${dbName}\``, `CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4`]);
      url = mysqlDatabaseUrl(mysqlBaseUrl, dbName);
    } else {
      const file = path.join(dir, `${env.name}.db`);
      fs.rmSync(file, { force: true });
      url = `sqlite:///${file}`;
    }
    if (alembic) {
      // On PostgreSQL and MySQL (strict mode) the reporting chain's 38-character id does not fit VARCHAR(32):
      // stop qa just before it, which is exactly what Cairn's version-width check warns about.
      const server = pgBaseUrl || mysqlBaseUrl;
      const target = server && env.target === "heads" ? ["core@head", "reporting@3d5f7b9d1fa1"] : [env.target];
      for (const t of target) run(alembic, ["upgrade", t], { DATABASE_URL: url });
      log(`  ${env.name.padEnd(10)} alembic upgrade ${target.join(" + ")}`);
    } else if (!pgBaseUrl && !mysqlBaseUrl) {
      const { default: Database } = await import("better-sqlite3");
      const db = new Database(url.slice("sqlite:///".length));
      db.exec(fs.readFileSync(path.join(SHOP, "snapshots", `${env.name}.sql`), "utf8"));
      db.close();
      usedSnapshots = true;
      log(`  ${env.name.padEnd(10)} loaded from examples/shop/snapshots/${env.name}.sql (Alembic is not installed)`);
    } else {
      throw new Error("Alembic is not installed, so the PostgreSQL/MySQL demo databases cannot be built. Install it: apt-get install alembic python3-psycopg2 python3-pymysql (or pip install alembic psycopg2-binary pymysql).");
    }
    environments.push({ name: env.name, url, protected: env.protected });
  }
  const prepared = { pgBaseUrl: pgBaseUrl ?? null, mysqlBaseUrl: mysqlBaseUrl ?? null, environments, usedSnapshots };
  fs.writeFileSync(marker, JSON.stringify(prepared, null, 2));
  return { ...prepared, alembic };
}

/**
 * For the end-to-end suite only: a second project ("lab", from tests/fixtures/runner-project) whose
 * `broken` branch holds a migration that fails halfway, so the suite can show how a failure is reported,
 * whose empty protected environment "guarded" shows stale and cancelled requests, and whose "vault" and
 * "vault-fail" back up before their runs (demo.mjs sets CAIRN_BACKUP_DIR for the e2e server).
 */
export function prepareLabProject({ dir, alembic }) {
  if (!alembic) throw new Error("The e2e lab project needs Alembic: apt-get install alembic python3-psycopg2.");
  const projectDir = path.join(dir, "lab-project");
  fs.rmSync(projectDir, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, "tests", "fixtures", "runner-project"), projectDir, { recursive: true });
  const file = path.join(dir, "lab-qa.db");
  fs.rmSync(file, { force: true });
  const url = `sqlite:///${file}`;
  const r = spawnSync(alembic[0], [...alembic.slice(1), "upgrade", "h8"], { cwd: projectDir, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`alembic upgrade h8 failed for the lab project:\n${r.stderr}`);
  // A protected environment after qa, empty, for the stale-request and cancel specs (they move it with Alembic).
  const guarded = path.join(dir, "lab-guarded.db");
  fs.rmSync(guarded, { force: true });
  fs.writeFileSync(guarded, "");
  // The stamp spec's own environment: at c3 by real Alembic; it sets the version table without migrating.
  const recover = path.join(dir, "lab-recover.db");
  fs.rmSync(recover, { force: true });
  const c3 = spawnSync(alembic[0], [...alembic.slice(1), "upgrade", "c3"], { cwd: projectDir, env: { ...process.env, DATABASE_URL: `sqlite:///${recover}` }, encoding: "utf8" });
  if (c3.status !== 0) throw new Error(`alembic upgrade c3 failed for the lab project's recover environment:\n${c3.stderr}`);
  // The backup spec's environments: "vault" (protected, at a1 by real Alembic) backs up before every run into
  // CAIRN_BACKUP_DIR and keeps the newest one; "vault-fail" (empty) runs a backup command that fails.
  const vault = path.join(dir, "lab-vault.db");
  fs.rmSync(vault, { force: true });
  const a1 = spawnSync(alembic[0], [...alembic.slice(1), "upgrade", "a1"], { cwd: projectDir, env: { ...process.env, DATABASE_URL: `sqlite:///${vault}` }, encoding: "utf8" });
  if (a1.status !== 0) throw new Error(`alembic upgrade a1 failed for the lab project's vault environment:\n${a1.stderr}`);
  const vaultFail = path.join(dir, "lab-vault-fail.db");
  fs.rmSync(vaultFail, { force: true });
  fs.writeFileSync(vaultFail, "");
  return {
    name: "lab",
    alembic: path.relative(dir, path.join(projectDir, "alembic.ini")),
    command: alembic,
    environments: [
      { name: "qa", url },
      // The stale and cancel specs move it with Alembic between requests: a rehearsal per request is not what they test.
      { name: "guarded", url: `sqlite:///${guarded}`, protected: true, rehearsal: { required: false } },
      { name: "recover", url: `sqlite:///${recover}`, protected: true, rehearsal: { required: false } },
      { name: "vault", url: `sqlite:///${vault}`, protected: true, rehearsal: { required: false }, beforeRun: { backup: true, keep: 1 } },
      { name: "vault-fail", url: `sqlite:///${vaultFail}`, beforeRun: { command: ["/bin/sh", "-c", "echo 'backup-tool: cannot reach the backup server' >&2; exit 1"] } },
    ],
  };
}

/** Writes the demo's cairn.config.json. Server URLs (`pg`: PostgreSQL or MySQL) go through env: references, never into the file. */
export function writeDemoConfig({ dir, environments, alembic, pg, extraProjects = [] }) {
  const config = {
    projects: [
      {
        name: "shop",
        alembic: path.relative(dir, path.join(SHOP, "alembic.ini")),
        ...(alembic ? { command: alembic } : {}),
        environments: environments.map((e) => ({
          name: e.name,
          url: pg ? `env:CAIRN_ENV_DEMO_${e.name.toUpperCase()}_URL` : e.url,
          ...(e.protected ? { protected: true } : {}),
        })),
      },
      ...extraProjects,
    ],
  };
  const file = path.join(dir, "cairn.config.json");
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
  const envVars = pg ? Object.fromEntries(environments.map((e) => [`CAIRN_ENV_DEMO_${e.name.toUpperCase()}_URL`, e.url])) : {};
  return { file, envVars };
}
