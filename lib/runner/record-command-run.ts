import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAudit, type AuditActor } from "@/lib/audit/record-audit";

/**
 * Who made Cairn run a project's configured command, and why: every run of it (an SQL preview, an
 * alembic check and its --version probe, a migration run, lint's own renders) is a program started as the server's
 * user, so each is audited before the process starts.
 */
export interface CommandAudit {
  db: PrismaClient;
  actor: AuditActor;
  /** "lint": a render lint makes beyond the preview (the migrations after one that stopped it). */
  purpose: "preview" | "check" | "version" | "run" | "lint" | "rehearsal" | "backup";
  projectId: string;
  environmentId?: string | null;
  environment?: string | null;
  runId?: string | null;
}

/** `-x` values whose key names a secret are masked even though a URL never travels on the command line. */
const SECRET_KEY = /pass|secret|token|key|credential|auth/i;

/** The argv as audited: every known secret redacted, secret-looking `-x key=value` values masked. */
export function argvForAudit(argv: readonly string[], redact: (s: string) => string): string[] {
  return argv.map((arg, i) => {
    const shown = redact(arg);
    if (argv[i - 1] !== "-x") return shown;
    const eq = shown.indexOf("=");
    return eq > 0 && SECRET_KEY.test(shown.slice(0, eq)) ? `${shown.slice(0, eq)}=****` : shown;
  });
}

export async function recordCommandRun(a: CommandAudit, argv: string[]): Promise<void> {
  await recordAudit(a.db, {
    actor: a.actor,
    action: "command.run",
    projectId: a.projectId,
    environmentId: a.environmentId ?? null,
    environment: a.environment ?? null,
    outcome: "started",
    // The run is named in details, not the runId column: a run's own rows stay its lifecycle (request, approve, start, outcome).
    details: { purpose: a.purpose, argv, ...(a.runId ? { runId: a.runId } : {}) },
  });
}
