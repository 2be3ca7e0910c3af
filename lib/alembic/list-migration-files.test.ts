import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { listMigrationFiles } from "@/lib/alembic/list-migration-files";
import type { AlembicLocation } from "@/lib/alembic/types";

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-listing-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function location(dir: string): AlembicLocation {
  return { rootDir: dir, versionLocations: [dir], recursiveVersionLocations: true };
}

describe("listing version locations recursively (Alembic ≥ 1.10, os.walk)", () => {
  it("does not enter a link to a directory, as os.walk(followlinks=False), and says so", () => {
    const dir = path.join(tmp, "cycle");
    fs.mkdirSync(path.join(dir, "sub"), { recursive: true });
    fs.writeFileSync(path.join(dir, "a.py"), "");
    fs.writeFileSync(path.join(dir, "sub", "b.py"), "");
    fs.symlinkSync(".", path.join(dir, "selfdir"));
    fs.symlinkSync("..", path.join(dir, "sub", "up"));
    const started = performance.now();
    const { files, problems } = listMigrationFiles(location(dir));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(files).toEqual([path.join(dir, "a.py"), path.join(dir, "sub", "b.py")]);
    expect(problems.map((p) => [p.code, p.severity, path.relative(dir, p.path!)])).toEqual([
      ["linked-directory-skipped", "warning", "selfdir"],
      ["linked-directory-skipped", "warning", "sub/up"],
    ]);
    expect(problems[0]!.message).toMatch(/does not descend into linked directories/);
  });

  it("stops at a depth bound with an error instead of walking on", () => {
    const dir = path.join(tmp, "deep");
    let d = dir;
    for (let i = 0; i < 6; i++) d = path.join(d, `l${i}`);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, "deep.py"), "");
    const { files, problems } = listMigrationFiles(location(dir), { maxDepth: 4 });
    expect(files).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ code: "version-locations-too-deep", severity: "error", message: expect.stringMatching(/more than 4 levels/) })]);
  });

  it("stops at a file-count bound with an error", () => {
    const dir = path.join(tmp, "many");
    fs.mkdirSync(dir);
    for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(dir, `m${String(i).padStart(2, "0")}.py`), "");
    const { files, problems } = listMigrationFiles(location(dir), { maxFiles: 10 });
    expect(files).toHaveLength(10);
    expect(problems).toEqual([expect.objectContaining({ code: "too-many-migration-files", severity: "error", message: expect.stringMatching(/more than 10 migration files/) })]);
  });
});
