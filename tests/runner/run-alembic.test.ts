import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAlembic, buildAlembicArgv, normaliseXArgs } from "@/lib/runner/run-alembic";
import { previewSql } from "@/lib/runner/preview-sql";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { createProgressTracker, parseProgressLine } from "@/lib/runner/parse-progress";
import { isAppError } from "@/lib/errors";
import { ALEMBIC, FIXTURE_DIR, createTarget, type Target } from "@/tests/runner/support";

let t: Target;
beforeAll(async () => {
  t = await createTarget("cairn_runner_pw_a");
});
afterAll(async () => {
  await t?.drop();
});

const base = () => ({ command: ALEMBIC, cwd: FIXTURE_DIR, databaseUrl: t.url });

describe("runAlembic", () => {
  it("passes the URL only through the environment and x-arguments before the subcommand", () => {
    const argv = buildAlembicArgv({ command: ["poetry", "run", "alembic"], args: ["upgrade", "e5"], xArgs: ["-x", "tenant=acme", "-xregion=eu"], versionTable: "vt", versionTableSchema: "ops" });
    expect(argv).toEqual(["poetry", "run", "alembic", "-x", "tenant=acme", "-x", "region=eu", "-x", "version_table=vt", "-x", "version_table_schema=ops", "upgrade", "e5"]);
    expect(() => normaliseXArgs(["no-equals"])).toThrow(/key=value/);
    expect(() => normaliseXArgs("tenant=acme")).toThrow(/list/);
  });

  it("explains a command that does not exist instead of crashing", async () => {
    const e = await runAlembic({ ...base(), command: ["/nonexistent/alembic"], args: ["current"] }).catch((x) => x);
    expect(isAppError(e) && e.userMessage).toMatch(/could not start "\/nonexistent\/alembic".*not found/);
    const e2 = await runAlembic({ ...base(), cwd: "/nonexistent-dir", args: ["current"] }).catch((x) => x);
    expect(isAppError(e2) && e2.userMessage).toMatch(/does not exist/);
  });

  it("upgrades and downgrades the real database, streaming redacted lines", async () => {
    const lines: string[] = [];
    const up = await runAlembic({ ...base(), args: ["upgrade", "c3"], xArgs: ["echo_url=1"], onLine: (l) => lines.push(l) });
    expect(up.exitCode).toBe(0);
    expect(await t.readRevisions()).toEqual(["c3"]);
    expect(await t.tables()).toEqual(expect.arrayContaining(["customers", "orders"]));
    expect(lines.some((l) => l.includes("Running upgrade b2 -> c3, create orders"))).toBe(true);
    // env.py printed the URL and the password; neither survives.
    expect(lines.some((l) => l.startsWith("connecting to postgresql://cairn_runner_pw_a:****@127.0.0.1"))).toBe(true);
    expect(lines.some((l) => l === "password is ****")).toBe(true);
    for (const text of [up.output, up.stdout, JSON.stringify(up), ...lines]) {
      expect(text).not.toContain(t.password);
      expect(text).not.toContain(encodeURIComponent(t.password));
    }
    const down = await runAlembic({ ...base(), args: ["downgrade", "a1"] });
    expect(down.exitCode).toBe(0);
    expect(await t.readRevisions()).toEqual(["a1"]);
    expect(await t.tables()).not.toContain("orders");
    await runAlembic({ ...base(), args: ["downgrade", "base"] });
    expect(await t.readRevisions()).toEqual([]);
  });
});

describe("previewSql", () => {
  it("previews from base, with the environment's version table", async () => {
    const p = await previewSql({ ...base(), direction: "upgrade", current: [], target: "c3", versionTable: "cairn_versions" });
    expect(p.mode).toBe("range");
    expect(p.sql).toContain("CREATE TABLE cairn_versions");
    expect(p.sql).toContain("CREATE TABLE customers");
    expect(p.sql).toContain("CREATE TABLE orders");
    expect(p.errors).toEqual([]);
    // Offline: nothing was applied.
    expect(await t.tables()).not.toContain("customers");
    expect(await t.tables()).not.toContain("cairn_versions");
  });

  it("previews only what lies between the actual current revision and the target", async () => {
    const p = await previewSql({ ...base(), direction: "upgrade", current: ["b2"], target: "e5", xArgs: ["echo_url=1"] });
    expect(p.sql).toContain("CREATE TABLE orders");
    expect(p.sql).toContain("CREATE INDEX ix_orders_customer_id ON orders (customer_id)");
    expect(p.sql).toContain("UPDATE alembic_version SET version_num='e5' WHERE alembic_version.version_num = 'd4'");
    expect(p.sql).not.toContain("CREATE TABLE customers");
    expect(JSON.stringify(p)).not.toContain(t.password);
  });

  it("previews a downgrade, including back to base", async () => {
    const p = await previewSql({ ...base(), direction: "downgrade", current: ["e5"], target: "b2" });
    expect(p.sql).toContain("DROP TABLE order_statuses");
    expect(p.sql).toContain("DROP TABLE orders");
    expect(p.sql).not.toContain("DROP TABLE customers");
    const toBase = await previewSql({ ...base(), direction: "downgrade", current: ["a1"], target: "base" });
    expect(toBase.sql).toContain("DROP TABLE customers");
    const none = await previewSql({ ...base(), direction: "downgrade", current: [], target: "base" });
    expect(none.mode).toBe("empty");
  });

  it("previews several current heads step by step and says what it cannot preview", async () => {
    const p = await previewSql({
      ...base(),
      direction: "upgrade",
      current: ["d4", "g7"],
      target: "h8",
      steps: [
        { revision: "e5", downRevisions: ["d4"] },
        { revision: "h8", downRevisions: ["e5", "g7"] },
      ],
    });
    expect(p.mode).toBe("per-step");
    expect(p.sql).toContain("several current heads (d4, g7)");
    expect(p.sql).toContain("CREATE TABLE order_statuses");
    expect(p.sql).not.toContain("CREATE TABLE reports");
    expect(p.notPreviewed.map((n) => n.revision)).toEqual(["h8"]);
    expect(p.sql).toMatch(/h8: not previewed — merge of e5, g7: Alembic's offline mode cannot start from several revisions/);
  });

  it("reports Alembic's own complaint when the range is impossible", async () => {
    const p = await previewSql({ ...base(), direction: "upgrade", current: ["b2"], target: "nope" });
    expect(p.errors.join("\n")).toMatch(/nope/);
    expect(p.sql).toMatch(/-- Alembic could not generate SQL for b2:nope/);
  });
});

describe("redaction and progress (pure)", () => {
  it("masks the URL, the password alone, any userinfo and password= forms", () => {
    const r = createRedactor(["postgresql+psycopg2://app:s%40cret-pw@db:5432/shop"]);
    expect(r("url postgresql+psycopg2://app:s%40cret-pw@db:5432/shop here")).toBe("url postgresql+psycopg2://app:****@db:5432/shop here");
    expect(r("the password s@cret-pw leaked")).toBe("the password **** leaked");
    expect(r("other mysql://root:hunter22@x/y")).toBe("other mysql://root:****@x/y");
    expect(r("dsn host=db password=abc123 user=x")).toBe("dsn host=db password=**** user=x");
    expect(r("plain line")).toBe("plain line");
  });
  it("masks password literals in SQL a run log quotes (MySQL lists each DDL statement it commits)", () => {
    const r = createRedactor([]);
    expect(r("Cairn: MySQL committed: CREATE USER 'app'@'%' IDENTIFIED BY 'Sup3r-s3cret'")).toBe("Cairn: MySQL committed: CREATE USER 'app'@'%' IDENTIFIED BY '****'");
    expect(r('ALTER USER app IDENTIFIED WITH mysql_native_password BY "x-pw-1"')).toBe("ALTER USER app IDENTIFIED WITH mysql_native_password BY '****'");
    expect(r("CREATE ROLE reporting LOGIN PASSWORD 'pg-s3cret' VALID UNTIL 'infinity'")).toBe("CREATE ROLE reporting LOGIN PASSWORD '****' VALID UNTIL 'infinity'");
    expect(r("SET PASSWORD FOR 'app'@'%' = 'n3w-one'")).toBe("SET PASSWORD FOR 'app'@'%' = '****'");
    expect(r("ALTER TABLE users ADD COLUMN password_hash VARCHAR(60)")).toBe("ALTER TABLE users ADD COLUMN password_hash VARCHAR(60)");
    expect(r("CREATE USER 'app'@'%' IDENTIFIED BY 'it''s-a-s3cret'")).toBe("CREATE USER 'app'@'%' IDENTIFIED BY '****'");
    expect(r("ALTER USER app IDENTIFIED BY 'back\\'slash'")).toBe("ALTER USER app IDENTIFIED BY '****'");
    expect(r("SET PASSWORD FOR app = PASSWORD('old-fn-pw')")).toBe("SET PASSWORD FOR app = PASSWORD('****')");
    expect(r("ALTER ROLE app PASSWORD E'esc\\'aped'")).toBe("ALTER ROLE app PASSWORD '****'");
    // Prose is not SQL: Alembic's own messages keep their quoted ids.
    expect(r("FAILED: Can't locate revision identified by 'nope'")).toBe("FAILED: Can't locate revision identified by 'nope'");
    expect(r("GRANT ALL ON shop.* TO 'app'@'%' IDENTIFIED BY 'old-style-pw'")).toBe("GRANT ALL ON shop.* TO 'app'@'%' IDENTIFIED BY '****'");
  });
  it("masks a password holding a raw '@', which SQLAlchemy reads up to the last '@'", () => {
    const r = createRedactor(["postgresql://app:p@ss:w0rd@db:5432/shop"]);
    expect(r("connecting to postgresql://app:p@ss:w0rd@db:5432/shop")).toBe("connecting to postgresql://app:****@db:5432/shop");
    expect(r("auth failed for p@ss:w0rd")).toBe("auth failed for ****");
  });

  it("parses Alembic step lines, including base and merges", () => {
    expect(parseProgressLine("INFO  [alembic.runtime.migration] Running upgrade  -> a1, create customers")).toEqual({ direction: "upgrade", from: [], to: ["a1"], message: "create customers" });
    expect(parseProgressLine("INFO  [alembic.runtime.migration] Running upgrade e5, g7 -> h8, merge")).toMatchObject({ from: ["e5", "g7"], to: ["h8"] });
    expect(parseProgressLine("INFO  [alembic.runtime.migration] Running downgrade a1 -> , create customers")).toMatchObject({ direction: "downgrade", from: ["a1"], to: [] });
    expect(parseProgressLine("INFO  [alembic.runtime.migration] Will assume transactional DDL.")).toBeNull();
    const track = createProgressTracker(["b2", "c3"]);
    expect(track("Running upgrade b2 -> c3, create orders")?.label).toBe("Applying c3 (2 of 2): create orders");
  });
});
