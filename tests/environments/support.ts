import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { spawnSync } from "node:child_process";
import { scrubSecrets } from "@/lib/secrets/mask-url";

export const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/env-project");
export const LONG_REV = "9e107d9d372bb6826bd81d3542a419d6e4f2c8b1";
export const MAIN_HEAD = "4d5e6f708104";
/** Debian's interpreter: the one with Alembic 1.8 + SQLAlchemy 1.4 installed. */
const PYTHON = "/usr/bin/python3";

/** A private copy of the fixture project (SQLite files and extra migrations go inside it). */
export function copyFixture(prefix = "cairn-envp-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  return dir;
}

/**
 * Runs real Alembic in `projectDir`; the URL reaches env.py through the process environment,
 * never the command line. Throws with Alembic's (scrubbed) output when it fails.
 */
export function alembic(projectDir: string, args: string[], opts: { url: string; versionTable?: string; versionTableSchema?: string }): void {
  const r = spawnSync(PYTHON, ["-m", "alembic", "-c", path.join(projectDir, "alembic.ini"), ...args], {
    cwd: projectDir,
    encoding: "utf8",
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      PYTHONDONTWRITEBYTECODE: "1",
      DATABASE_URL: opts.url,
      ...(opts.versionTable ? { VERSION_TABLE: opts.versionTable } : {}),
      ...(opts.versionTableSchema ? { VERSION_TABLE_SCHEMA: opts.versionTableSchema } : {}),
    } as unknown as NodeJS.ProcessEnv,
  });
  if (r.status !== 0) throw new Error(`alembic ${args.join(" ")} failed (${r.status}): ${scrubSecrets(`${r.stderr}${r.stdout}`, [opts.url])}`);
}

/** Adds a migration on top of `down` in a copied project: the repo of a "newer release". */
export function addMigration(projectDir: string, revision: string, down: string): void {
  fs.writeFileSync(
    path.join(projectDir, "migrations/versions", `${revision}_newer_release.py`),
    `"""newer release\n\nRevision ID: ${revision}\nRevises: ${down}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "${revision}"\ndown_revision = "${down}"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.create_table("coupons", sa.Column("id", sa.Integer, primary_key=True))\n\n\ndef downgrade():\n    op.drop_table("coupons")\n`,
  );
}

/** A local TCP port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function withUser(url: string, user: string, password?: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password ?? "";
  return u.toString();
}
