import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { openStore, type Store } from "@/lib/db/client";
import { createTestDatabase } from "@/tests/support/databases";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-store-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * The store's lists (String[]) and a run's users (relations) as Prisma writes and reads them: the same strings in the
 * same order, the defaults, an empty list, and the requester, approver and rejecter joined by the store.
 */
async function roundTripsListsAndRunUsers(db: Store["db"]): Promise<void> {
  const odd = ["b,2", "it's", "ünïcode", "{braces}", 'quo"te', "", "NULL"];
  const alice = await db.user.create({ data: { email: "alice@example.com", role: "release_manager" } });
  const bob = await db.user.create({ data: { email: "bob@example.com", role: "release_manager" } });
  const project = await db.project.create({ data: { name: "shop", alembicPath: "./alembic.ini", command: ["poetry", "run", "alembic"], xArgs: odd } });
  const plain = await db.project.create({ data: { name: "plain", alembicPath: "./alembic.ini" } });
  expect([plain.command, plain.xArgs]).toEqual([["alembic"], []]);
  const env = await db.environment.create({ data: { projectId: project.id, name: "production", position: 1, urlMasked: "x", approvers: ["ops@example.com"] } });
  const run = await db.run.create({
    data: { projectId: project.id, environmentId: env.id, kind: "upgrade", status: "queued", target: "c3", fromRevisions: odd, path: ["b,2", "c3"], requestedById: alice.id, approvedById: bob.id },
  });
  await db.signOff.create({ data: { projectId: project.id, environmentId: env.id, toRevision: "c3", revisions: [], userId: alice.id } });
  await db.apiToken.create({ data: { name: "ci", prefix: "p", tokenHash: "h", userId: alice.id, scopes: ["runs:read"] } });
  const read = await db.run.findUniqueOrThrow({ where: { id: run.id }, include: { requestedBy: true, approvedBy: true, rejectedBy: true, project: true, environment: true } });
  expect([read.fromRevisions, read.path, read.project.xArgs, read.project.command, read.environment.approvers]).toEqual([odd, ["b,2", "c3"], odd, ["poetry", "run", "alembic"], ["ops@example.com"]]);
  expect([read.requestedBy.email, read.approvedBy?.email, read.rejectedBy]).toEqual(["alice@example.com", "bob@example.com", null]);
  expect((await db.signOff.findFirstOrThrow()).revisions).toEqual([]);
  expect((await db.apiToken.findFirstOrThrow()).scopes).toEqual(["runs:read"]);
  // A list filter runs in the store, not in JavaScript.
  expect(await db.run.count({ where: { path: { has: "b,2" } } })).toBe(1);
  // Users are disabled, never deleted: the store refuses to orphan a run.
  await expect(db.user.delete({ where: { id: bob.id } })).rejects.toThrow();
}

describe("embedded store (PGlite)", () => {
  it("applies the committed migrations and keeps data across reopen", async () => {
    const dir = path.join(tmp, "a");
    const s = await openStore({ dataDir: dir });
    expect(s.kind).toBe("embedded");
    await s.db.project.create({ data: { name: "shop", alembicPath: "./alembic.ini" } });
    await s.close();
    const again = await openStore({ dataDir: dir });
    expect(await again.db.project.count()).toBe(1);
    await again.close();
  });

  it("keeps PGlite's own start settings and a 16MB page cache (its default 128MB stays resident)", async () => {
    const s = await openStore({ dataDir: path.join(tmp, "settings") });
    try {
      const show = async (name: string) => (await s.db.$queryRawUnsafe<Record<string, string>[]>(`SHOW ${name}`))[0]?.[name];
      expect([await show("shared_buffers"), await show("search_path"), await show("max_parallel_workers")]).toEqual(["16MB", "public", "0"]);
    } finally {
      await s.close();
    }
  });

  it("round-trips the store's lists and a run's users", async () => {
    const s = await openStore({ dataDir: path.join(tmp, "lists") });
    try {
      await roundTripsListsAndRunUsers(s.db);
    } finally {
      await s.close();
    }
  });

  it("keeps the audit trail append-only", async () => {
    const s = await openStore({ dataDir: path.join(tmp, "b") });
    await s.db.auditEvent.create({ data: { actor: "a@example.com", action: "test" } });
    await expect(s.db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(s.db.auditEvent.updateMany({ data: { actor: "x" } })).rejects.toThrow(/append-only/);
    expect(await s.db.auditEvent.count()).toBe(1);
    await s.close();
  });

  it("refuses a second process on the same data directory, naming the holder", async () => {
    const dir = path.join(tmp, "c");
    const s = await openStore({ dataDir: dir });
    const lock = JSON.parse(fs.readFileSync(path.join(dir, "cairn.lock"), "utf8"));
    expect(lock.pid).toBe(process.pid);
    // A second process finds the lock held by a live pid and must refuse.
    const probe = spawnSync(
      process.execPath,
      [
        "-e",
        `const fs=require("fs");const h=JSON.parse(fs.readFileSync(${JSON.stringify(path.join(dir, "cairn.lock"))},"utf8"));` +
          `try{fs.openSync(${JSON.stringify(path.join(dir, "cairn.lock"))},"wx");console.log("took")}catch(e){process.kill(h.pid,0);console.log("refused",h.pid)}`,
      ],
      { encoding: "utf8" },
    );
    expect(probe.stdout.trim()).toBe(`refused ${process.pid}`);
    await s.close();
    expect(fs.existsSync(path.join(dir, "cairn.lock"))).toBe(false);
  });

  it("takes over a lock left by a dead process", async () => {
    const dir = path.join(tmp, "d");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "cairn.lock"), JSON.stringify({ pid: 2 ** 22 + 17, hostname: os.hostname(), startedAt: "then", command: "gone" }));
    const s = await openStore({ dataDir: dir });
    expect(JSON.parse(fs.readFileSync(path.join(dir, "cairn.lock"), "utf8")).pid).toBe(process.pid);
    await s.close();
  });
});

describe("PostgreSQL store", () => {
  it("applies migrations once and is idempotent on restart", async () => {
    const tdb = await createTestDatabase("cairn_store");
    try {
      const s = await openStore({ databaseUrl: tdb.url });
      expect(s.kind).toBe("postgresql");
      // The migration lock is released once migrations are applied: a lingering one would keep
      // a second instance starting against this store waiting.
      const admin = new pg.Client({ connectionString: tdb.url });
      await admin.connect();
      const locks = await admin.query("SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = $1", [tdb.name]);
      await admin.end();
      expect(locks.rows[0].n).toBe(0);
      expect(s.location).not.toContain("@");
      await s.db.user.create({ data: { email: "a@example.com" } });
      await s.close();
      const again = await openStore({ databaseUrl: tdb.url });
      expect(await again.db.user.count()).toBe(1);
      await again.close();
    } finally {
      await tdb.drop();
    }
  });

  it("round-trips the store's lists and a run's users", async () => {
    const tdb = await createTestDatabase("cairn_store");
    try {
      const s = await openStore({ databaseUrl: tdb.url });
      try {
        await roundTripsListsAndRunUsers(s.db);
      } finally {
        await s.close();
      }
    } finally {
      await tdb.drop();
    }
  });
});
