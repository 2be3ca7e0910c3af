import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { urlScheme } from "@/lib/targets/read-version-table";
import { rehearsalSettingsOf } from "@/lib/rehearsal/rehearsal-settings";
import { sweepScratchDatabases } from "@/lib/rehearsal/scratch-database";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";
import type { UrlOptions } from "@/lib/projects/load-project";

/** A running rehearsal that has not heartbeaten for this long belongs to a process that is gone. */
const STALE_MS = 60_000;

/**
 * Start-up's clean-up after rehearsals a dead process left behind: their rows (still "running",
 * heartbeat stale) become "interrupted", and their scratch databases are dropped on every
 * rehearsal server the store names (each project's rehearsal.url, else its PostgreSQL and
 * MySQL/MariaDB targets' servers) — only copies whose owning process is gone (see sweepScratchDatabases).
 */
export async function sweepRehearsals(db: PrismaClient, o: UrlOptions & { staleMs?: number } = {}): Promise<{ interrupted: number; dropped: string[]; problems: string[] }> {
  const { count } = await db.rehearsal.updateMany({
    where: { status: "running", OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: new Date(Date.now() - (o.staleMs ?? STALE_MS)) } }] },
    data: { status: "interrupted", headline: "The Cairn process running this rehearsal stopped before it finished; its scratch copy was dropped. Rehearse again.", progress: null, finishedAt: new Date() },
  });
  const projects = await db.project.findMany({ select: { rehearsal: true, environments: { select: { urlRef: true, urlEncrypted: true, rehearsal: true } } } });
  const servers: string[] = [];
  const kindOf = (url: string) => {
    const scheme = urlScheme(url) ?? "";
    return ["postgresql", "postgres"].includes(scheme) ? "postgresql" : ["mysql", "mariadb"].includes(scheme) ? "mysql" : null;
  };
  for (const p of projects) {
    const settings = rehearsalSettingsOf(p, {});
    const resolved = settings.server ? resolveEnvironmentUrl(settings.server, { key: o.key, env: o.env }) : null;
    const rehearsalServer = resolved?.ok && kindOf(resolved.url) ? resolved.url : null;
    if (rehearsalServer) servers.push(rehearsalServer);
    // Without a rehearsal server of their own kind, copies sit on each target's own server (MySQL copies always do, unless rehearsal.url is MySQL).
    for (const e of p.environments) {
      const r = resolveEnvironmentUrl(e, { key: o.key, env: o.env });
      const kind = r.ok ? kindOf(r.url) : null;
      if (r.ok && kind && (!rehearsalServer || kindOf(rehearsalServer) !== kind)) servers.push(r.url);
    }
  }
  const swept = await sweepScratchDatabases(servers);
  return { interrupted: count, ...swept };
}
