import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { it } from "vitest";

/** Debian's `alembic` launcher, which the CLI and shop suites compare output with. */
export const ALEMBIC_BIN = "/usr/bin/alembic";
/** True when `python -c "import alembic"` works (the agreement oracle imports Alembic's own classes). */
export function pythonHasAlembic(python: string): boolean {
  return fs.existsSync(python) && spawnSync(python, ["-c", "import alembic"], { stdio: "ignore" }).status === 0;
}

/**
 * For `describe.skipIf(skipWithoutAlembic(…))` around a suite that needs real Alembic. A developer
 * machine without it skips the suite; under CI=true a missing Alembic fails the run instead, with one
 * test saying what to install: a skipped agreement suite proves nothing while CI still reports green.
 */
export function skipWithoutAlembic(available: boolean, needs: string): boolean {
  if (available) return false;
  if (process.env.CI === "true") {
    it(`needs ${needs}`, () => {
      throw new Error(`${needs} is missing, and CI=true does not skip Alembic suites. Install it (apt-get install alembic, as .ci/run does) and run again.`);
    });
  }
  return true;
}
