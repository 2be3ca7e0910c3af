import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashFilesSync, type FileHashMemo } from "@/lib/alembic/hash-files-sync";

const sha256Of = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-hash-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("hashFilesSync", () => {
  it("sees an edit that kept the file's size and put its mtime back (touch -d, a tool that preserves times)", () => {
    const file = path.join(dir, "a1_add_orders.py");
    fs.writeFileSync(file, "op.add_column('orders', sa.Column('a', sa.Integer()))\n");
    const stamped = new Date("2026-11-01T12:00:00Z");
    fs.utimesSync(file, stamped, stamped);
    const memo: FileHashMemo = new Map();
    const [before] = hashFilesSync([file], memo);
    expect(before).toBe(sha256Of(file));
    fs.writeFileSync(file, "op.add_column('orders', sa.Column('b', sa.Integer()))\n");
    fs.utimesSync(file, stamped, stamped);
    expect(fs.statSync(file)).toMatchObject({ size: 54, mtimeMs: stamped.getTime() });
    const [after] = hashFilesSync([file], memo);
    expect(after).not.toBe(before);
    expect(hashFilesSync([file], new Map())).toEqual([after]);
    expect(after).toBe(sha256Of(file));
  });

  it("is null for a file that is missing", () => {
    expect(hashFilesSync([path.join(dir, "missing.py")], new Map())).toEqual([null]);
  });
});
