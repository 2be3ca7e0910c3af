/**
 * Contracts of a rehearsal: a planned run played on a throwaway copy of the target, one migration
 * at a time, then round-tripped. Pure data: nothing here imports next, react, prisma or pg.
 */

export type RehearsalDirection = "upgrade" | "downgrade";

/** Which part of the rehearsal a step belongs to. */
export type RehearsalPhase = "path" | "back" | "again";

/** One migration applied (or reverted) on the scratch copy. */
export interface RehearsalStep {
  revision: string;
  direction: RehearsalDirection;
  /** "path": the run itself; "back": the round trip's return; "again": the run repeated after it. */
  phase: RehearsalPhase;
  ok: boolean;
  ms: number;
  /** The database's (or Alembic's) error, one line: never the traceback. */
  error?: string;
  /** Alembic's full output for this step, redacted. */
  log?: string;
}

/** The round trip: back to where the target stood, then the run again. */
export interface RehearsalRoundTrip {
  /** False when it could not be made (a step failed first, or there was nothing to run). */
  checked: boolean;
  /** True when both comparisons found no difference. */
  reversible: boolean;
  /** In plain words, e.g. "index ix_notifications_user_id on notifications is missing after downgrade". */
  differences: string[];
}

/** What a rehearsal found. */
export interface RehearsalResult {
  /** Every step passed and the round trip is reversible. */
  ok: boolean;
  from: string[];
  to: string[];
  direction: RehearsalDirection;
  steps: RehearsalStep[];
  roundTrip: RehearsalRoundTrip;
  /** One sentence for the top of the page: what happened, where. */
  headline: string;
}

/** Live progress while a rehearsal runs. */
export interface RehearsalProgress {
  stage: "copying" | "path" | "back" | "again" | "comparing" | "done";
  steps: RehearsalStep[];
  /** e.g. "Applying c3 (2 of 4) on the copy". */
  label: string;
}

/** A rehearsal row as the API shows it: plain JSON, no credentials (logs are redacted when written). */
export interface RehearsalView {
  id: string;
  project: string;
  environment: string;
  kind: "upgrade" | "downgrade" | "promotion";
  from: string[];
  target: string;
  path: string[];
  filesHash: string;
  status: string;
  ok: boolean | null;
  steps: RehearsalStep[];
  roundTrip: { checked: boolean; reversible: boolean; differences: string[] };
  headline: string | null;
  progress: string | null;
  requestedBy: string;
  createdAt: string;
  finishedAt: string | null;
}

/** The JSON `cairn rehearse --json` prints (issue 14). */
export interface RehearsalJson {
  ok: boolean;
  from: string[];
  to: string[];
  steps: Array<{ revision: string; direction: RehearsalDirection; ok: boolean; ms: number; error?: string }>;
  roundTrip: RehearsalRoundTrip;
}

/** The public JSON shape of a result: steps without their logs, the phase folded into the order. */
export function toRehearsalJson(r: Pick<RehearsalResult, "ok" | "from" | "to" | "steps" | "roundTrip">): RehearsalJson {
  return {
    ok: r.ok,
    from: r.from,
    to: r.to,
    steps: r.steps.map((s) => ({ revision: s.revision, direction: s.direction, ok: s.ok, ms: s.ms, ...(s.error ? { error: s.error } : {}) })),
    roundTrip: r.roundTrip,
  };
}
