/**
 * Lint per revision for the graph: every migration of the rule fixtures rendered by real Alembic
 * (offline, PostgreSQL dialect) and linted against its own parent, cached per graph version, the
 * render audited under whoever asked first.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { createUser } from "@/lib/auth/create-user";
import type { Store } from "@/lib/db/client";
import { lintProjectRevisions } from "@/lib/lint-service/lint-project-revisions";
import { createStore } from "@/tests/runner/support";
import { seedProject } from "@/tests/runs-api/support";

let s: { store: Store; drop(): Promise<void> };
let dir: string;
let viewer: Actor;

beforeAll(async () => {
  s = await createStore();
  const u = await createUser(s.store.db, { email: `rev-lint-${Date.now()}@example.com`, name: "Viewer", password: "correct horse battery", role: "viewer" });
  viewer = { kind: "user", userId: u.id, email: u.email, name: "Viewer", role: "viewer" };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-rev-lint-"));
  fs.cpSync(path.resolve(import.meta.dirname, "project"), dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  await seedProject(s.store.db, { name: "rev-lint", dir, envs: [{ name: "qa", url: "postgresql://nobody@127.0.0.1:1/none" }] });
}, 60_000);

afterAll(async () => {
  await s?.store.close();
  await s?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const rules = (r: Awaited<ReturnType<typeof lintProjectRevisions>>, rev: string) => (r.ok ? (r.revisions[rev] ?? []).map((f) => f.rule) : []);
const lintRows = () => s.store.db.auditEvent.count({ where: { action: "command.run", details: { path: ["purpose"], equals: "lint" } } });

describe("lint per revision", () => {
  it("lints every revision against its own parent: tables from earlier migrations are existing ones", async () => {
    const r = await lintProjectRevisions(s.store.db, { project: "rev-lint", actor: viewer });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dialect).toBe("postgresql");
    expect(Object.keys(r.revisions)).toHaveLength(31);
    expect(rules(r, "drop_column_bad")).toContain("drop-column");
    expect(rules(r, "drop_column_ok")).not.toContain("drop-column");
    expect(rules(r, "index_bad")).toContain("non-concurrent-index");
    expect(rules(r, "index_ok")).not.toContain("non-concurrent-index");
    expect(r.revisions["drop_column_bad"]![0]).toMatchObject({ revision: "drop_column_bad", file: expect.stringMatching(/^versions\/03_drop_column_bad\.py$/) });
  }, 120_000);

  it("answers from its cache for the same files — no second render, no second audit row — and renders again after an edit", async () => {
    const rowsBefore = await lintRows();
    expect(rowsBefore).toBeGreaterThanOrEqual(1);
    const again = await lintProjectRevisions(s.store.db, { project: "rev-lint", actor: viewer });
    expect(await lintRows()).toBe(rowsBefore);
    const file = path.join(dir, "versions", "04_drop_column_ok.py");
    fs.appendFileSync(file, "\n# edited\n");
    const edited = await lintProjectRevisions(s.store.db, { project: "rev-lint", actor: viewer });
    expect(await lintRows()).toBeGreaterThan(rowsBefore);
    expect(edited.ok && again.ok && edited.version !== again.version).toBe(true);
    const row = await s.store.db.auditEvent.findFirst({ where: { action: "command.run" }, orderBy: { id: "desc" } });
    expect(row?.actorId).toBe(viewer.userId);
  }, 120_000);
});
