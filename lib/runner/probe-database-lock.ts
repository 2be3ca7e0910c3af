import "server-only";
import { runAlembic, RUNNER_EXIT } from "@/lib/runner/run-alembic";

/** Whether a target database's migration lock is held: "unknown" when the database cannot be asked. */
export type LockProbe = "held" | "free" | "unknown";

/**
 * Asks the guarded runner (`cairn_run.py --probe`, the same code that takes the lock for a run)
 * whether anyone holds the database's migration lock right now. Takes and drops it at once.
 */
export async function probeDatabaseLock(o: { python: string[]; cwd: string; databaseUrl: string; urlEnvVar?: string; timeoutMs?: number }): Promise<LockProbe> {
  try {
    const r = await runAlembic({
      cwd: o.cwd,
      databaseUrl: o.databaseUrl,
      urlEnvVar: o.urlEnvVar,
      args: [],
      timeoutMs: o.timeoutMs ?? 20_000,
      guard: { python: o.python, probe: true, onLocked: async () => false },
    });
    if (r.runner?.busy || r.exitCode === RUNNER_EXIT.busy) return "held";
    if (r.exitCode === 0 && !r.runner?.error) return "free";
    return "unknown";
  } catch {
    return "unknown";
  }
}
