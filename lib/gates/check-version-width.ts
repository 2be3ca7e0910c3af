import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Revision id width";

/** Refuses a revision id longer than the environment's version_num column can hold. */
export function checkVersionWidth(f: GateFacts): GateResult {
  const env = f.environment.name;
  const table = f.environment.versionTable;
  // An upgrade writes every step it applies; a downgrade writes the heads it returns to.
  const written = [...new Set(f.kind === "downgrade" ? f.path.resultHeads : [...f.path.steps, ...f.path.resultHeads])];
  const width = f.environment.versionNumWidth;
  if (width == null) {
    const longest = written.reduce((m, r) => Math.max(m, r.length), 0);
    return {
      id: "version-width",
      label: LABEL,
      verdict: longest > 32 ? "warn" : "pass",
      reason:
        longest > 32
          ? `Cairn could not read the width of ${env}'s ${table}.version_num and this run writes a ${longest}-character revision id; Alembic's default column holds 32.`
          : `Cairn could not read the width of ${env}'s ${table}.version_num, but every revision id here fits Alembic's default of 32.`,
    };
  }
  const tooLong = written.filter((r) => r.length > width);
  if (tooLong.length && f.environment.enforcesVersionWidth === false) {
    // SQLite keeps any length in a VARCHAR(n): the run works here, and fails later on a stricter database.
    return {
      id: "version-width",
      label: LABEL,
      verdict: "warn",
      reason: `${tooLong.map((r) => `Revision "${r}" is ${r.length} characters`).join("; ")}, longer than ${env}'s ${table}.version_num (${width}). This database does not enforce the width, so the run works here, but the same id fails on PostgreSQL or MySQL.`,
      unblock: `Before this reaches a PostgreSQL or MySQL environment, widen version_num there (op.alter_column("${table}", "version_num", type_=sa.String(${Math.max(64, ...tooLong.map((r) => r.length))}))) or shorten the id.`,
      details: { width, tooLong },
    };
  }
  if (tooLong.length) {
    return {
      id: "version-width",
      label: LABEL,
      verdict: "block",
      reason: `${tooLong.map((r) => `Revision "${r}" is ${r.length} characters`).join("; ")}, but ${env}'s ${table}.version_num holds at most ${width}. Alembic would run the migration and then fail writing its id.`,
      unblock: `Widen the column before the long id is written: in an earlier migration run op.alter_column("${table}", "version_num", type_=sa.String(${Math.max(64, ...tooLong.map((r) => r.length))})) (or create the version table wider in env.py), apply that first, then retry.`,
      details: { width, tooLong },
    };
  }
  return { id: "version-width", label: LABEL, verdict: "pass", reason: `Every revision id fits ${table}.version_num (${width} characters).` };
}
