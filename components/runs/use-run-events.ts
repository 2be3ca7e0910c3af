"use client";

/** A run's progress from its typed server-sent events (GET /api/runs/:id/log, lib/runs/run-events). */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer, useState } from "react";
import { runKey } from "@/components/runs/use-run";
import { applyRunEvent, NO_RUN_PROGRESS, type RunEvent } from "@/lib/runs/run-events";

const TYPES = ["line", "step-started", "step-finished", "end"] as const satisfies readonly RunEvent["type"][];

/**
 * Follows the run's events until its end, folding them into lines and steps. The browser resumes a
 * broken stream by itself (Last-Event-ID); the end closes it and reads the run again.
 */
export function useRunEvents(runId: string) {
  const qc = useQueryClient();
  const [progress, dispatch] = useReducer(applyRunEvent, NO_RUN_PROGRESS);
  const [streamError, setStreamError] = useState<string | null>(null);

  useEffect(() => {
    const es = new EventSource(`/api/runs/${encodeURIComponent(runId)}/log`);
    const onEvent = (e: MessageEvent<string>) => {
      const event = JSON.parse(e.data) as RunEvent;
      dispatch(event);
      if (event.type === "end") {
        es.close();
        void qc.invalidateQueries({ queryKey: runKey(runId) });
      }
    };
    for (const type of TYPES) es.addEventListener(type, onEvent);
    // The server's own "error" event carries a message; the browser's (a dropped connection) has none and retries.
    es.addEventListener("error", (e) => {
      const data = (e as MessageEvent).data;
      if (typeof data === "string") setStreamError((JSON.parse(data) as { message: string }).message);
    });
    return () => es.close();
  }, [runId, qc]);

  return { ...progress, streamError };
}
