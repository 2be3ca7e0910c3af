/**
 * What the run dialog (and the CLI) sends, and what the server answers with. Shared by the client
 * form and the route handlers. Pure: zod only.
 */
import { z } from "zod";
import type { GateResult } from "@/lib/gates/types";
import type { BeforeRunIntent, RunBackupRecord } from "@/lib/backups/types";

export const RUN_KINDS = ["upgrade", "downgrade", "promotion"] as const;
export type RunKind = (typeof RUN_KINDS)[number];
/** Every kind a stored run can be: the requested ones, and a stamp (lib/runs/stamp-environment: no migration runs). */
export type StoredRunKind = RunKind | "stamp";

/** An open run: at most one per environment (the store's Run_one_open_per_environment index); the ones that can be cancelled. */
export const OPEN_RUN_STATUSES = ["awaiting_approval", "queued", "running"] as const;
export function isOpenRunStatus(status: string): status is (typeof OPEN_RUN_STATUSES)[number] {
  return (OPEN_RUN_STATUSES as readonly string[]).includes(status);
}

/** A run request on one environment (the environment comes from the URL). */
export const ZRunRequestSchema = z.object({
  kind: z.enum(RUN_KINDS, { error: "kind must be upgrade, downgrade or promotion" }),
  /** Revision spec: an id or unique prefix, "heads", "base", "label@head", "-1"… Not used for a promotion. Upgrade default: heads. */
  target: z.string().trim().max(200, "The target is too long").optional(),
  /** The environment's name, typed by the user (protected environments). */
  typedConfirmation: z.string().max(200).optional(),
  /** Revision ids the user named to confirm a destructive downgrade. */
  destructiveConfirmation: z.array(z.string().trim().max(200)).max(500).optional(),
  /** Revision ids the user typed to acknowledge migrations the SQL preview could not show (protected environments). */
  previewAcknowledgement: z.array(z.string().trim().max(200)).max(500).optional(),
  /** An admin's written reason to go ahead despite schema drift. */
  driftOverrideReason: z.string().max(2000).optional(),
  /**
   * The plan's `reviewedFiles` as the dialog showed them: the request is refused when the files now
   * differ (edited since), so what is stored and run is what the requester saw. The dialog always sends it.
   */
  reviewedFiles: z.array(z.string().max(4200)).max(20_000).optional(),
});
export type TRunRequest = z.infer<typeof ZRunRequestSchema>;

/** A reject needs a reason; the requester sees it. */
export const ZRejectRunSchema = z.object({
  reason: z.string().trim().min(1, "Say why you reject this run; the requester will see it.").max(2000),
});
export type TRejectRun = z.infer<typeof ZRejectRunSchema>;

/** A cancel needs a reason: the requester, the approvers and the audit trail see it. */
export const ZCancelRunSchema = z.object({
  reason: z.string({ error: "Say why you cancel this run (reason)." }).trim().min(1, "Say why you cancel this run (reason).").max(2000),
});
export type TCancelRun = z.infer<typeof ZCancelRunSchema>;

/** Filters of GET /api/runs. */
export const ZListRunsQuery = z.object({
  project: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  status: z
    .enum(["awaiting_approval", "rejected", "queued", "running", "succeeded", "failed", "interrupted", "cancelled", "stale"], {
      error: "status must be one of awaiting_approval, rejected, queued, running, succeeded, failed, interrupted, cancelled, stale",
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TListRunsQuery = z.infer<typeof ZListRunsQuery>;

/** One step of a planned path, with its migration message. */
export interface PlannedStep {
  revision: string;
  message: string;
}

/** The answer of the plan route: everything the dialog shows. No credentials. */
export interface RunPlan {
  project: string;
  environment: { id: string; name: string; protected: boolean; approvers: string[] };
  kind: RunKind;
  /** The environment before this one in promotion order, if any. */
  previousEnvironment: { name: string; revisions: string[] } | null;
  /** The environment's revisions, read live from its version table. */
  from: string[];
  /** What Alembic is given: a revision id, "heads" or "base". */
  target: string;
  /** The revision ids the target names ([] for base). */
  targetRevisions: string[];
  path: { direction: "upgrade" | "downgrade"; steps: PlannedStep[]; resultHeads: string[]; versionTableError?: string };
  sqlPreview: string;
  /** The files the SQL preview was rendered from (the Alembic config, env.py, the Python/SQL files beside the migrations, then each step's migration), as `sha256sum` lines (readReviewedFiles). */
  reviewedFiles: string[];
  gates: GateResult[];
  /** No gate blocks and every input is given (approval may still be outstanding). */
  canRequest: boolean;
  /** A second person must approve before it runs (protected environment). */
  needsApproval: boolean;
  /** What runs before Alembic (the environment's beforeRun): where the backup goes, or which command runs; null for nothing. */
  beforeRun: BeforeRunIntent | null;
}

/** A run as the browser sees it. */
export interface RunView {
  id: string;
  project: string;
  environment: string;
  environmentProtected: boolean;
  kind: StoredRunKind;
  status: string;
  fromRevisions: string[];
  target: string;
  path: string[];
  sqlPreview: string;
  /** RunPlan.reviewedFiles as stored with the request. */
  reviewedFiles: string[];
  gates: GateResult[];
  requestedBy: { id: string; email: string };
  approvedBy: { id: string; email: string } | null;
  approvedAt: string | null;
  rejectedBy: { id: string; email: string } | null;
  rejectReason: string | null;
  /** Who cancelled it (or asked a running run to stop), why, and when. */
  cancelRequestedBy: string | null;
  cancelReason: string | null;
  cancelRequestedAt: string | null;
  driftOverride: string | null;
  /** A stamp's written reason. */
  reason: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  errorTail: string | null;
  resultRevisions: string[] | null;
  /** The backup made before Alembic started (the environment's beforeRun): file, size and restore command, or the operator's command; null when none ran. */
  backup: RunBackupRecord | null;
}
