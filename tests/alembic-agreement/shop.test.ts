/**
 * The demo project against the real `alembic history` / `alembic heads` commands (Alembic 1.8.1,
 * unmodified, loading files in os.listdir order): Cairn must print the same text, in the same order.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { formatAlembicHeads, formatAlembicHistory } from "@/lib/graph/format-alembic-lines";
import { skipWithoutAlembic } from "@/tests/support/alembic";

const ALEMBIC = "/usr/bin/alembic";
const SHOP = path.resolve(import.meta.dirname, "../../examples/shop");

function alembic(command: string): string {
  // env.py is not run by history/heads; DATABASE_URL only satisfies the ini's interpolation.
  return execFileSync(ALEMBIC, ["-c", path.join(SHOP, "alembic.ini"), command], {
    cwd: SHOP,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "sqlite://", PYTHONDONTWRITEBYTECODE: "1" },
  });
}

describe.skipIf(skipWithoutAlembic(fs.existsSync(ALEMBIC), ALEMBIC))("examples/shop agrees with real alembic history and heads", () => {
  const { graph } = readProjectGraph(SHOP, { cacheDir: false });

  it("prints `alembic history` byte for byte", () => {
    const expected = alembic("history");
    expect(expected.split("\n").length).toBeGreaterThan(30);
    expect(formatAlembicHistory(graph)).toBe(expected);
  });

  it("prints `alembic heads` byte for byte, in Alembic's order", () => {
    const expected = alembic("heads");
    expect(expected.trim().split("\n")).toHaveLength(2);
    expect(formatAlembicHeads(graph)).toBe(expected);
  });
});
