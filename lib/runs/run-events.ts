/**
 * A run's progress as typed events: what GET /api/runs/:id/log streams (one server-sent event each)
 * and what the run page renders from. The server reads Alembic's own step lines once, here, with the
 * parser the runner uses; the browser never reads log text to learn where a run stands.
 * Pure: used by the route (reader) and the browser (applyRunEvent).
 */
import { createProgressTracker, parseProgressLine } from "@/lib/runner/parse-progress";

/** One line of the run's log, already redacted, numbered by `seq` (the stream resumes after a seq). */
export interface RunLineEvent {
  type: "line";
  seq: number;
  text: string;
  at: string;
}

/** Alembic started one migration of the run: `index` of `total` (the reviewed path's length). */
export interface RunStepStartedEvent {
  type: "step-started";
  /** The log line where Alembic said so. */
  seq: number;
  /** The revision applied (upgrade) or removed (downgrade). */
  revision: string;
  direction: "upgrade" | "downgrade";
  /** Revisions before and after the step, as Alembic named them ([] at base). */
  from: string[];
  to: string[];
  index: number;
  total: number;
  message: string;
}

/** A migration completed: Alembic went on to the next one, or the run succeeded. */
export interface RunStepFinishedEvent {
  type: "step-finished";
  seq: number;
  revision: string;
  index: number;
  total: number;
}

/** The run finished (or was never going to run): no event follows. */
export interface RunEndEvent {
  type: "end";
  status: string;
  /** Where the environment stands after the run, when Cairn could read it. */
  resultRevisions: string[] | null;
}

export type RunEvent = RunLineEvent | RunStepStartedEvent | RunStepFinishedEvent | RunEndEvent;

/**
 * Turns a run's log lines, in order from the first, into events. `plannedSteps` is the run's
 * reviewed path (Run.path), which numbers the steps; a step outside it is counted on.
 */
export function createRunEventReader(plannedSteps: string[]) {
  const track = createProgressTracker(plannedSteps);
  let running: RunStepStartedEvent | null = null;
  const finish = (r: RunStepStartedEvent, seq: number): RunStepFinishedEvent => ({ type: "step-finished", seq, revision: r.revision, index: r.index, total: r.total });
  return {
    /** The line itself, then, when Alembic starts a migration there, the previous one finished and this one started. */
    line(l: { seq: number; text: string; at: Date }): RunEvent[] {
      const out: RunEvent[] = [{ type: "line", seq: l.seq, text: l.text, at: l.at.toISOString() }];
      const step = parseProgressLine(l.text);
      const p = step && track(l.text);
      if (!step || !p) return out;
      if (running) out.push(finish(running, l.seq));
      running = { type: "step-started", seq: l.seq, revision: p.revision, direction: step.direction, from: step.from, to: step.to, index: p.index, total: p.total, message: p.message };
      out.push(running);
      return out;
    },
    /** The last migration finished only if the run succeeded; then the end. */
    end(run: { status: string; resultRevisions: string[] | null; lastSeq: number }): RunEvent[] {
      const out: RunEvent[] = [];
      if (running && run.status === "succeeded") out.push(finish(running, run.lastSeq));
      running = null;
      out.push({ type: "end", status: run.status, resultRevisions: run.resultRevisions });
      return out;
    },
  };
}

/** One migration of the run as the page shows it. */
export interface RunStep {
  revision: string;
  direction: "upgrade" | "downgrade";
  index: number;
  total: number;
  message: string;
  /** "stopped": the run ended while this migration ran (failed, cancelled, interrupted). */
  state: "running" | "done" | "stopped";
}

/** What the run page knows from the stream so far. */
export interface RunProgress {
  lines: { seq: number; text: string }[];
  steps: RunStep[];
  end: RunEndEvent | null;
}

export const NO_RUN_PROGRESS: RunProgress = { lines: [], steps: [], end: null };

/**
 * Folds one event into what the page shows. Idempotent per event: a stream resumed after a broken
 * connection may repeat the events of the last line, and they are not counted twice.
 */
export function applyRunEvent(p: RunProgress, e: RunEvent): RunProgress {
  switch (e.type) {
    case "line":
      return (p.lines.at(-1)?.seq ?? -1) >= e.seq ? p : { ...p, lines: [...p.lines, { seq: e.seq, text: e.text }] };
    case "step-started":
      if (p.steps.some((s) => s.index === e.index && s.revision === e.revision)) return p;
      return { ...p, steps: [...p.steps, { revision: e.revision, direction: e.direction, index: e.index, total: e.total, message: e.message, state: "running" }] };
    case "step-finished":
      return { ...p, steps: p.steps.map((s) => (s.index === e.index && s.revision === e.revision ? { ...s, state: "done" } : s)) };
    case "end":
      return { ...p, end: e, steps: p.steps.map((s) => (s.state === "running" ? { ...s, state: e.status === "succeeded" ? "done" : "stopped" } : s)) };
  }
}

/** The migration running now, if any. */
export function runningStep(steps: RunStep[]): RunStep | undefined {
  return steps.findLast((s) => s.state === "running");
}
