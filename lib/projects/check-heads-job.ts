import "server-only";
import { z } from "zod";
import { defineJob, type JobDefinition } from "@/lib/jobs/define-job";
import type { JobQueue } from "@/lib/jobs/job-queue";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { noticeNewHeads } from "@/lib/projects/notice-new-heads";
import { projectConstants } from "@/lib/projects/project-constants";

const ZCheckHeads = z.object({});

/**
 * Reads every project's migrations and announces the heads not seen before (graph.new_head), so a
 * head that reached the files is announced even when nobody has Cairn open — the pages do the same
 * whenever they read a graph, and whichever reads first announces it (noticeNewHeads is conditional).
 * Once per due time across instances; a project whose files cannot be read is skipped (its pages say
 * why), and a failed check is not retried: the next one comes anyway.
 */
export const checkHeadsJob: JobDefinition<typeof ZCheckHeads> = defineJob(
  "graph-heads",
  ZCheckHeads,
  async (_data, { db }) => {
    for (const project of await db.project.findMany({ select: { id: true, name: true, alembicPath: true, constants: true } })) {
      const read = await readProjectGraphAsync(project.alembicPath, { constants: projectConstants(project) }).catch(() => null);
      if (read) await noticeNewHeads(db, project, read.graph);
    }
  },
  { retryLimit: 0, expireInSeconds: 600 },
);

/** Every five minutes (UTC), from start-up: the schedule lives in the store, so once across instances. */
export async function scheduleHeadChecks(queue: JobQueue): Promise<void> {
  await queue.schedule(checkHeadsJob, "*/5 * * * *");
}
