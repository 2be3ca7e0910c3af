import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { urlScheme } from "@/lib/environments/read-version-table";
import { rehearsalSettingsOf } from "@/lib/rehearsal/rehearsal-settings";
import { sweepScratchDatabases } from "@/lib/rehearsal/scratch-database";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";

/** A running rehearsal that has not heartbeaten for this long belongs to a process that is gone. */
const STALE_MS = 60_000;

/**
 * Start-up's clean-up after rehearsals a dead process left behind: their rows (still "running",
 * heartbeat stale) become "interrupted", and their scratch databases are dropped on every
 * rehearsal server the store names (each project's rehearsal.url, else its PostgreSQL targets'
 * servers) — only copies whose owning process is gone (see sweepScratchDatabases).
 */
export async function sweepRehearsals(db: PrismaClient, o: { key?: Buffer; env?: Record<string, string | undefined>; staleMs?: number } = {}): Promise<{ interrupted: number; dropped: string[]; problems: string[] }> {
  const { count } = await db.rehearsal.updateMany({
    where: { status: "running", OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: new Date(Date.now() - (o.staleMs ?? STALE_MS)) } }] },
    data: { status: "interrupted", headline: "The Cairn process running this rehearsal stopped before it finished; its scratch copy was dropped. Rehearse again.", progress: null, finishedAt: new Date() },
  });
  const projects = await db.project.findMany({ select: { rehearsal: true, environments: { select: { urlRef: true, urlEncrypted: true, rehearsal: true } } } });
  const servers: string[] = [];
  for (const p of projects) {
    const settings = rehearsalSettingsOf(p, {});
    const candidates = settings.server ? [settings.server] : p.environments;
    for (const c of candidates) {
      const r = resolveEnvironmentUrl(c, { key: o.key, env: o.env });
      if (r.ok && ["postgresql", "postgres"].includes(urlScheme(r.url) ?? "")) servers.push(r.url);
    }
  }
  const swept = await sweepScratchDatabases(servers);
  return { interrupted: count, ...swept };
}
