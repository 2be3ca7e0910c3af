/**
 * Reads Alembic's `Running upgrade a -> b, msg` / `Running downgrade b -> a, msg` lines.
 * Pure.
 */

export interface MigrationStep {
  direction: "upgrade" | "downgrade";
  /** Revisions before the step ([] from base). */
  from: string[];
  /** Revisions after the step ([] back to base). */
  to: string[];
  message: string;
}

const RUNNING = /Running (upgrade|downgrade) ([^>]*?)\s*->\s*([^,]*?)(?:,\s*(.*))?$/;

function ids(list: string): string[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parses one log line; null when it is not a step line. */
export function parseProgressLine(line: string): MigrationStep | null {
  const m = RUNNING.exec(line.trimEnd());
  if (!m) return null;
  // Merge steps read `Running upgrade e5, g7 -> h8, msg`: the message starts after the first comma following the target.
  return { direction: m[1] as "upgrade" | "downgrade", from: ids(m[2] ?? ""), to: ids(m[3] ?? ""), message: (m[4] ?? "").trim() };
}

export interface Progress {
  /** 1-based index of the migration now running. */
  index: number;
  /** Total migrations in the run (the path's length when known). */
  total: number;
  /** The revision being applied (upgrade) or removed (downgrade). */
  revision: string;
  message: string;
  /** e.g. "Applying c3 (2 of 3): create orders". */
  label: string;
}

/** Tracks which migration of how many is running, given the planned path (revision ids in order). */
export function createProgressTracker(plannedSteps: string[]): (line: string) => Progress | null {
  let seen = 0;
  return (line) => {
    const step = parseProgressLine(line);
    if (!step) return null;
    seen += 1;
    const revision = (step.direction === "upgrade" ? step.to[0] : step.from[0]) ?? "";
    const planned = plannedSteps.indexOf(revision);
    const index = planned >= 0 ? planned + 1 : seen;
    const total = Math.max(plannedSteps.length, index);
    const verb = step.direction === "upgrade" ? "Applying" : "Reverting";
    const label = `${verb} ${revision || "base"} (${index} of ${total})${step.message ? `: ${step.message}` : ""}`;
    return { index, total, revision, message: step.message, label };
  };
}
