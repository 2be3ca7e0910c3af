import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export interface RunLogWriter {
  /** Queues one (already redacted) line. */
  append(text: string): void;
  /** Writes everything queued; resolves when stored. */
  flush(): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
  /** The next sequence number. */
  readonly nextSeq: number;
}

/**
 * Appends lines to RunLog in batches (every `intervalMs` or `batchSize` lines), numbered by `seq`
 * so any instance can follow the run by polling. Writes are serialised; a failed write is retried
 * with the next batch rather than losing lines.
 */
export function createRunLogWriter(db: PrismaClient, runId: string, o: { startSeq?: number; intervalMs?: number; batchSize?: number } = {}): RunLogWriter {
  let seq = o.startSeq ?? 0;
  const intervalMs = o.intervalMs ?? 250;
  const batchSize = o.batchSize ?? 200;
  let queue: { runId: string; seq: number; text: string }[] = [];
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const write = () => {
    chain = chain.then(async () => {
      if (queue.length === 0) return;
      const batch = queue;
      queue = [];
      try {
        await db.runLog.createMany({ data: batch, skipDuplicates: true });
      } catch {
        queue = batch.concat(queue);
      }
    });
    return chain;
  };
  const timer = setInterval(() => void write(), intervalMs);
  timer.unref?.();

  return {
    append(text) {
      if (closed) return;
      queue.push({ runId, seq: seq++, text });
      if (queue.length >= batchSize) void write();
    },
    flush: () => write(),
    async close() {
      clearInterval(timer);
      await write();
      if (queue.length) await write();
      closed = true;
    },
    get nextSeq() {
      return seq;
    },
  };
}

/** The next free seq for a run (0 when it has no log yet). */
export async function nextRunLogSeq(db: PrismaClient, runId: string): Promise<number> {
  const last = await db.runLog.findFirst({ where: { runId }, orderBy: { seq: "desc" }, select: { seq: true } });
  return last ? last.seq + 1 : 0;
}
