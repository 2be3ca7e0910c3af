import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Backup before the run";

/**
 * An environment whose beforeRun asks for a backup (or the operator's command) must be able to make it:
 * a missing CAIRN_BACKUP_DIR, an unwritable directory or a missing pg_dump blocks the run now, in the
 * dialog, rather than failing it after it was approved. The backup itself runs under the database lock.
 */
export function checkBackup(f: GateFacts): GateResult {
  const b = f.beforeRun;
  if (!b) return { id: "backup", label: LABEL, verdict: "pass", reason: `No backup is configured before runs on ${f.environment.name} (beforeRun in cairn.config.json).` };
  if (b.problem) return { id: "backup", label: LABEL, verdict: "block", reason: b.problem, unblock: "An operator fixes it on Cairn's server (cairn.config.json or its environment); then plan the run again." };
  return { id: "backup", label: LABEL, verdict: "pass", reason: b.description, details: { description: b.description } };
}
