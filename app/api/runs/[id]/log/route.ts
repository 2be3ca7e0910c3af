// GET /api/runs/:id/log — the run's log as Server-Sent Events, read from the store (works on any instance; resumes with Last-Event-ID).
import { route } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { followRunLog } from "@/lib/runner/follow-run-log";

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;

export const GET = route<{ id: string }>("status.read", async ({ db, req, params: { id } }) => {
  const exists = await db.run.findUnique({ where: { id }, select: { id: true } });
  if (!exists) throw new AppError("not-found", `run ${id} not found`, `Run ${id} does not exist.`);
  const url = new URL(req.url);
  const last = req.headers.get("last-event-id") ?? url.searchParams.get("lastEventId");
  const fromSeq = last != null && /^\d+$/.test(last) ? Number(last) + 1 : 0;
  // A client may ask for a slower or faster poll, within bounds that keep the store unburdened.
  const pollMs = Math.min(5_000, Math.max(200, Number(url.searchParams.get("pollMs")) || 500));

  const stop = new AbortController();
  req.signal.addEventListener("abort", () => stop.abort(), { once: true });
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (s: string) => {
        if (!stop.signal.aborted) controller.enqueue(encoder.encode(s));
      };
      const heartbeat = setInterval(() => send(`: heartbeat ${new Date().toISOString()}\n\n`), HEARTBEAT_MS);
      try {
        send(": connected\nretry: 2000\n\n");
        for await (const line of followRunLog(db, id, fromSeq, { signal: stop.signal, pollMs })) {
          send(`id: ${line.seq}\ndata: ${JSON.stringify({ seq: line.seq, text: line.text, at: line.at.toISOString() })}\n\n`);
        }
        if (!stop.signal.aborted) {
          const run = await db.run.findUnique({ where: { id }, select: { status: true } });
          send(`event: end\ndata: ${JSON.stringify({ status: run?.status ?? "unknown" })}\n\n`);
        }
      } catch (e) {
        console.error(`[cairn] log stream of run ${id} failed`, e);
        send(`event: error\ndata: ${JSON.stringify({ message: "The log stream broke off; reload to resume." })}\n\n`);
      } finally {
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      }
    },
    cancel() {
      stop.abort();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
});
