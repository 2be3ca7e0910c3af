/**
 * Contracts of the gates: may this run happen, and if not, why not and what would unblock it.
 * Pure data: nothing here imports next, react, prisma or pg.
 */
import type { MigrationPath, RevisionGraph } from "@/lib/graph/types";
import type { LintReport } from "@/lib/lint/types";
import type { EditedAppliedFile } from "@/lib/applied-files/describe-edited-file";

export type GateId =
  "typed-confirmation" | "graph-soundness" | "promotion-order" | "sign-off" | "two-person" | "downgrade-safety" | "preview-complete" | "version-width" | "schema-drift" | "lint" | "rehearsal" | "applied-files" | "backup";

export type GateVerdict = "pass" | "block" | "warn" | "needs-input";

/** One gate's verdict, in plain words. */
export interface GateResult {
  id: GateId;
  label: string;
  verdict: GateVerdict;
  /** Why, in a sentence a release manager understands. */
  reason: string;
  /** What would change the verdict (for block and needs-input). */
  unblock?: string;
  /** Machine-readable specifics for the UI (e.g. the revisions to name in a confirmation). */
  details?: Record<string, unknown>;
}

/** A succeeded run on an environment, as far as the promotion-order gate cares. */
export interface SucceededRunFact {
  target: string;
  path: string[];
  resultRevisions: string[] | null;
}

export interface SignOffFact {
  revisions: string[];
  /** null (or absent) while in force. */
  revokedAt?: Date | string | null;
  /** Who signed, for messages. */
  by?: string;
}

/** What `alembic … --sql` could not render for this run's path. */
export interface PreviewFact {
  /** Migrations Alembic's offline mode could not render, in path order; file relative to the project. */
  notPreviewed: Array<{ revision: string; file?: string; reason: string }>;
  /** Steps after a failure that Alembic never reached, so their SQL is not shown either. */
  skipped: string[];
}

/** The latest rehearsal of the same path (same from, target and migration file hashes), as the rehearsal gate judges it. */
export interface RehearsalFact {
  now: Date | string;
  /** How old a passing rehearsal may be (default 24 h). */
  maxAgeMs: number;
  /** The environment requires a reversible round trip. */
  requireReversible: boolean;
  /** A passing rehearsal is required (default: on protected environments); otherwise a missing or failed one is a warning. */
  required: boolean;
  /** Why this environment cannot be rehearsed yet (e.g. MySQL): the gate warns instead of blocking. */
  unsupported?: string;
  latest: null | {
    id?: string;
    status: "running" | "finished" | "error" | "interrupted";
    finishedAt: Date | string | null;
    stepsOk: boolean;
    reversible: boolean | null;
    differences: string[];
    /** The failing step in one line, e.g. "c3: operator does not exist: json ? unknown". */
    failure?: string;
    /** Why the round trip was not checked (reversible null), e.g. "a schema could not be read (…)". */
    roundTripNote?: string;
  };
}

/** Everything the gates look at. The caller gathers it; the gates only judge. */
/**
 * Lint gave no report: `not-applicable` when there was nothing it could read (a dialect it does not
 * know, no migration on the path); `failed` when it was meant to run and could not — `what` says
 * which part failed in plain words (no traceback, no file contents).
 */
export type LintUnavailable = { kind: "not-applicable"; reason: string } | { kind: "failed"; what: string };

export interface GateFacts {
  kind: "upgrade" | "downgrade" | "promotion";
  environment: {
    name: string;
    protected: boolean;
    /** E-mails allowed to approve; [] = any release manager or admin. */
    approvers: string[];
    versionTable: string;
    /** version_num's character width read from the target; null when unknown. */
    versionNumWidth: number | null;
    /** False for SQLite, which stores any length in a VARCHAR(n); absent means it enforces. */
    enforcesVersionWidth?: boolean;
  };
  /** Resolved target revision id ("base" for a full downgrade). */
  target: string;
  path: MigrationPath;
  graph: Pick<RevisionGraph, "revisions" | "problems">;
  /** The project's directory (alembic.ini's): file paths in verdicts are shown relative to it. */
  projectRoot?: string;
  /** The environment before this one in promotion order; null when this one is first. */
  previousEnvironment: null | {
    name: string;
    currentRevisions: string[];
    succeededRuns: SucceededRunFact[];
  };
  /** The project's sign-offs (any environment). */
  signOffs: SignOffFact[];
  requester: { userId: string; email: string };
  /** null until someone approves. */
  approver: null | { userId: string; email: string; role: string };
  /** Drift findings against the baseline; null when not checked (no baseline). */
  drift: null | { findings: number; /** What it differs from: "its baseline", "qa at the same revision". */ against?: string[] };
  /** Why drift could not be checked when the environment's schema could not be read now (drift is then null): said instead of "no baseline". */
  driftUnread?: string;
  /** What the SQL preview could not show; absent when no preview was made. */
  preview?: PreviewFact;
  /** The latest rehearsal of this exact path (lib/rehearsal); absent when not checked. */
  rehearsal?: RehearsalFact;
  /** What lint found on the path (upgrades), acknowledged findings included; absent when not linted. */
  lint?: Pick<LintReport, "findings" | "notApplicable">;
  /** Why an upgrade has no lint report: lint did not apply, or it failed to run (a failure must never read as a pass). */
  lintUnavailable?: LintUnavailable;
  /** The path's migrations whose files changed since they were applied to some environment (lib/applied-files); absent when not checked. */
  appliedFileEdits?: EditedAppliedFile[];
  /** The environment's beforeRun (a backup or the operator's command) and what is wrong with it now; absent when none is configured. */
  beforeRun?: { description: string; problem: string | null };
  /** Migration file sources by revision id, for the downgrade scan; null when unreadable. */
  migrationSources: Record<string, string | null | undefined>;
  inputs: {
    /** What the user typed to confirm acting on a protected environment. */
    typedConfirmation?: string;
    /** Revision ids the user named to confirm a destructive downgrade. */
    destructiveConfirmation?: string[];
    /** Revision ids the user typed to acknowledge migrations the SQL preview could not show. */
    previewAcknowledgement?: string[];
    driftOverride?: { reason: string; byRole: string; byEmail?: string };
  };
}

export type Gate = (facts: GateFacts) => GateResult;
