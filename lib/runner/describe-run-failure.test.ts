import { describe, expect, it } from "vitest";
import { describeRunFailure } from "@/lib/runner/describe-run-failure";

const TRACE_ON = "Cairn: MySQL commits each schema statement as it runs; Cairn lists every one that completes.";
const base = { direction: "upgrade" as const, plannedSteps: ["p1", "p2", "p3"], environment: "staging" };

describe("describeRunFailure on MySQL, where DDL commits as it runs", () => {
  it("names the statements of the failed migration that stayed", () => {
    const f = describeRunFailure({
      ...base,
      dialect: "mysql",
      resultRevisions: ["p1"],
      lines: [
        TRACE_ON,
        "INFO  [alembic.runtime.migration] Running upgrade  -> p1, create ledger",
        "Cairn: MySQL committed: CREATE TABLE ledger ( id INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (id) )",
        "INFO  [alembic.runtime.migration] Running upgrade p1 -> p2, add invoices",
        "Cairn: MySQL committed: CREATE TABLE invoices ( id INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (id) )",
        "sqlalchemy.exc.ProgrammingError: (pymysql.err.ProgrammingError) (1146, \"Table 'shop.no_such_table' doesn't exist\")",
      ],
    });
    expect(f.headline).toBe(
      "Migration p2 (2 of 3) failed: (1146, \"Table 'shop.no_such_table' doesn't exist\"). " +
        "MySQL does not roll back schema changes: these statements of p2 ran and stayed: CREATE TABLE invoices (…). Undo them, or finish p2 by hand, before running again. " +
        "staging is now at p1 (1 of 3 migrations applied).",
    );
  });

  it("says when nothing of the failed migration stayed, and when the version table lost an applied step", () => {
    const f = describeRunFailure({
      ...base,
      dialect: "mysql",
      resultRevisions: [],
      lines: [
        TRACE_ON,
        "INFO  [alembic.runtime.migration] Running upgrade  -> p1, create ledger",
        "Cairn: MySQL committed: CREATE TABLE ledger (id INTEGER)",
        "INFO  [alembic.runtime.migration] Running upgrade p1 -> p2, add invoices",
        "sqlalchemy.exc.ProgrammingError: (pymysql.err.ProgrammingError) (1146, \"Table 'shop.x' doesn't exist\")",
      ],
    });
    expect(f.headline).toContain("No schema statement of p2 had completed, so MySQL holds none of its schema changes.");
    expect(f.headline).toContain("The version table does not record p1, yet its statements stayed: CREATE TABLE ledger (id INTEGER).");
    expect(f.headline).toContain("staging is now at base (0 of 3 migrations applied).");
  });

  it("without the runner's trace (an older runner) it says what may have stayed, and PostgreSQL rolls back", () => {
    const lines = ["INFO  [alembic.runtime.migration] Running upgrade  -> p1, create ledger", "FAILED: boom"];
    expect(describeRunFailure({ ...base, dialect: "mysql", resultRevisions: [], lines }).headline).toContain("statements of p1 that ran before the error may have stayed");
    expect(describeRunFailure({ ...base, dialect: "postgresql", resultRevisions: [], lines }).headline).toContain("Its transaction was rolled back.");
  });
});
