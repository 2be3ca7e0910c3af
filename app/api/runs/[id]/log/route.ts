// GET /api/runs/:id/log — the run's progress as typed Server-Sent Events (lib/runs/run-events: line, step-started,
// step-finished, end), read from the store (works on any instance; resumes with Last-Event-ID).
import { route } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { streamRunEvents } from "@/lib/runs/stream-run-events";

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;

export const GET = route<{ id: string }>("status.read", async ({ db, req, params: { id } }) => {
  const run = await db.run.findUnique({ where: { id }, select: { id: true, path: true } });
  if (!run) throw new AppError("not-found", `run ${id} not found`, `Run ${id} does not exist.`);
  const url = new URL(req.url);
  const last = req.headers.get("last-event-id") ?? url.searchParams.get("lastEventId");
  const afterSeq = last != null && /^\d+$/.test(last) ? Number(last) : -1;
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
        for await (const { id: eventId, event } of streamRunEvents(db, run, { afterSeq, signal: stop.signal, pollMs })) {
          send(`${eventId === undefined ? "" : `id: ${eventId}\n`}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
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
