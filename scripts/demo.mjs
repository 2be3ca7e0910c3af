#!/usr/bin/env node
// `npm run demo`: Cairn on its embedded store (PGlite under .cairn/) with the demo shop's three environments.
//   PORT=3000 (default)        where to listen
//   CAIRN_DATA_DIR=.cairn      the embedded store and the demo's SQLite environments
//   --pg postgresql://…/       build the environments as PostgreSQL databases on that server instead
//   --mysql mysql+pymysql://root@127.0.0.1:3306/   … or as MySQL/MariaDB databases (Alembic uses PyMySQL)
//   --fresh                    rebuild the environments and start with an empty store
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, prepareDemoEnvironments, prepareLabProject, writeDemoConfig } from "./demo-environments.mjs";
import { NEXT_BIN, buildIsFresh, buildUnlessFresh } from "./lib/next-build.mjs";

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const port = Number(flag("--port") ?? process.env.PORT ?? 3000);
const dataDir = path.resolve(ROOT, flag("--data-dir") ?? process.env.CAIRN_DATA_DIR ?? ".cairn");
const pgBaseUrl = flag("--pg") ?? process.env.CAIRN_DEMO_PG_URL;
const mysqlBaseUrl = flag("--mysql") ?? process.env.CAIRN_DEMO_MYSQL_URL;
const fresh = args.includes("--fresh");
const quiet = args.includes("--quiet");
// The end-to-end suite adds a small project with a migration that fails halfway.
const e2e = args.includes("--e2e");
const log = (...m) => console.log(...m);

export const DEMO_PASSWORD = "cairn-demo-password";
const DEMO_USERS = [
  ["admin@cairn.local", "admin"],
  ["qa@cairn.local", "qa"],
  ["alice@cairn.local", "release manager"],
  ["bob@cairn.local", "release manager"],
  ["viewer@cairn.local", "viewer"],
];

if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}.`);
  process.exit(2);
}

if (fresh) fs.rmSync(path.join(dataDir, "pgdata"), { recursive: true, force: true });
if (pgBaseUrl && mysqlBaseUrl) {
  console.error("Choose one server for the demo environments: --pg or --mysql, not both.");
  process.exit(2);
}
const serverHost = (url) => url.replace(/^[^:]+:\/\/(?:[^@/]*@)?([^/?]*).*$/s, "$1") || "localhost";
const where = pgBaseUrl ? ` (PostgreSQL at ${serverHost(pgBaseUrl)})` : mysqlBaseUrl ? ` (MySQL/MariaDB at ${serverHost(mysqlBaseUrl)})` : " (SQLite files)";
log(`Preparing the demo environments in ${path.relative(ROOT, dataDir) || "."}${where}:`);
const demoDir = path.join(dataDir, "demo");
const prepared = await prepareDemoEnvironments({ dir: demoDir, pgBaseUrl, mysqlBaseUrl, fresh, log });
const extraProjects = e2e ? [prepareLabProject({ dir: demoDir, alembic: prepared.alembic })] : [];
// The lab project's "vault" backs up before its runs: into a directory of the e2e store's own, empty at each start.
const backupDir = e2e ? path.join(dataDir, "backups") : null;
if (backupDir) fs.rmSync(backupDir, { recursive: true, force: true });
const { file: configFile, envVars } = writeDemoConfig({ dir: demoDir, environments: prepared.environments, alembic: prepared.alembic, pg: Boolean(pgBaseUrl || mysqlBaseUrl), extraProjects });
if (!prepared.alembic) {
  log("\n  Alembic is not installed: Cairn will show the read-only state. To enable upgrades and promotions:");
  log("    apt-get install alembic python3-psycopg2 python3-pymysql    (or: pip install alembic psycopg2-binary pymysql)\n");
}

if (!buildIsFresh()) {
  log("Building the dashboard (first run only; about a minute)…");
  const status = buildUnlessFresh({ quiet });
  if (status !== 0) process.exit(status);
}

const child = spawn(NEXT_BIN, ["start", "-p", String(port), "-H", process.env.HOST ?? "127.0.0.1"], {
  cwd: ROOT,
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    ...envVars,
    NEXT_TELEMETRY_DISABLED: "1",
    CAIRN_DATA_DIR: dataDir,
    CAIRN_CONFIG: configFile,
    CAIRN_DEMO: "1",
    CAIRN_DEMO_PASSWORD: DEMO_PASSWORD,
    ...(backupDir ? { CAIRN_BACKUP_DIR: backupDir } : {}),
  },
});

log(`\nCairn is starting at http://127.0.0.1:${port}`);
log(`Sign in with any of these (password: ${DEMO_PASSWORD}):`);
for (const [email, role] of DEMO_USERS) log(`  ${email.padEnd(22)} ${role}`);
log("Press Ctrl-C to stop.\n");

let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
  setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
child.on("exit", (code, signal) => process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0))));
