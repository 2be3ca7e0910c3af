/**
 * What the stamp form (and the API) sends, and what the server answers. Shared by the client form
 * and the route handler. Pure: zod only.
 */
import { z } from "zod";

/** A written reason shorter than this says nothing an auditor can use ("fix", "oops"). */
export const STAMP_REASON_MIN = 10;

/** Set an environment's version table to chosen revisions without running a migration. */
export const ZStampRequestSchema = z.object({
  /** Revision ids or unique prefixes the version table will hold; ["base"] empties it. */
  revisions: z
    .array(z.string().trim().min(1, "A revision id cannot be empty.").max(200, "A revision id is at most 200 characters."), { error: "revisions must be a list of revision ids" })
    .min(1, 'Name the revision(s) the version table should hold, or "base" to empty it.')
    .max(50, "At most 50 revisions can be stamped at once."),
  /** The environment's name, typed by the user: always required, protected or not. */
  typedConfirmation: z.string({ error: "Type the environment's name to confirm the stamp (typedConfirmation)." }).max(200),
  /** Why the version table is set by hand (the hand fix, the half-applied migration…). Audited. */
  reason: z
    .string({ error: "Say why you stamp this environment (reason); the audit trail keeps it." })
    .trim()
    .min(STAMP_REASON_MIN, `Say why you stamp this environment in at least ${STAMP_REASON_MIN} characters (what was fixed by hand, which migration half-applied); the audit trail keeps it.`)
    .max(2000),
});
export type TStampRequest = z.infer<typeof ZStampRequestSchema>;

/** The outcome of a stamp, as the form and the CLI show it. */
export interface StampResult {
  runId: string;
  status: "succeeded" | "failed" | "interrupted" | "cancelled";
  /** The version table read under the database lock before Alembic started. */
  before: string[];
  /** The version table re-read after the stamp (null when it could not be read). */
  after: string[] | null;
  /** Whether `alembic stamp --purge` was used (the table held rows). */
  purged: boolean;
  summary: string;
  /** Why no drift baseline was recorded. */
  baseline: string;
}
