import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { findAlembicLocation } from "@/lib/alembic/find-alembic-location";
import { takeSchemaReading, type ReadingTrigger, type StoredSchemaReading } from "@/lib/drift-service/schema-readings";
import { loadProject, serverUrlOptions, type UrlOptions } from "@/lib/projects/load-project";

const state = globalThis as unknown as { __cairnSchemaReads?: Map<string, Promise<StoredSchemaReading>> };
/** Readings under way in this process, by environment id: a second ask waits for the first instead of reading again. */
const inFlight = (state.__cairnSchemaReads ??= new Map());

/**
 * Reads one environment's schema now and stores the reading ("Read now", the reading after a run,
 * and the schema-read job: the schedule and the reading after a stamp). Only the project's alembic.ini
 * is read to find where relative SQLite paths resolve, not its migrations. One reading per environment
 * at a time in this process (the job queue keeps it to one across instances); never throws for an unreachable database (that failure is the stored reading).
 */
export function refreshSchemaReading(db: PrismaClient, i: { project: string; environment: string; trigger: ReadingTrigger }, opts: UrlOptions = serverUrlOptions()): Promise<StoredSchemaReading> {
  const key = `${i.project}\0${i.environment}`;
  const running = inFlight.get(key);
  if (running) return running;
  const p = (async () => {
    const { project, environment } = await loadProject(db, i.project, opts);
    const env = environment(i.environment);
    const { rootDir } = findAlembicLocation(project.alembicPath);
    return takeSchemaReading(db, env, rootDir, i.trigger);
  })().finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}
