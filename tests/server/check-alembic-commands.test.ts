import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore, type Store } from "@/lib/db/client";
import { checkAlembicCommands } from "@/lib/server/start-up";

// The banner a newcomer sees when Alembic is missing: which project, what to install.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-alembic-check-"));
let store: Store;

beforeAll(async () => {
  store = await openStore({ dataDir: path.join(tmp, "store") });
});
afterAll(async () => {
  await store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("checkAlembicCommands", () => {
  it("says exactly what to install when a project's Alembic command cannot run, and nothing when it can", async () => {
    const ini = path.resolve("examples/shop/alembic.ini");
    await store.db.project.create({ data: { name: "missing", alembicPath: ini, command: [path.join(tmp, "no-such-alembic")] } });
    await store.db.project.create({ data: { name: "present", alembicPath: ini, command: ["/usr/bin/alembic"] } });
    const problems = await checkAlembicCommands(store.db);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('Alembic is not available for project "missing"');
    expect(problems[0]).toContain("apt-get install alembic python3-psycopg2");
    expect(problems[0]).toContain("pip install alembic psycopg2-binary");
    // Each is a program started as the server's user: on record, like every run of a project's command.
    const audited = await store.db.auditEvent.findMany({ where: { action: "command.run" }, orderBy: { project: "asc" } });
    expect(audited.map((a) => [a.project, a.actor, (a.details as { purpose: string; argv: string[] }).purpose, (a.details as { argv: string[] }).argv])).toEqual([
      ["missing", "cairn", "version", [path.join(tmp, "no-such-alembic"), "--version"]],
      ["present", "cairn", "version", ["/usr/bin/alembic", "--version"]],
    ]);
  });
});
