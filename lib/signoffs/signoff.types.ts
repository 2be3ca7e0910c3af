import { z } from "zod";

/** A QA sign-off request: "fromRevision..toRevision verified on environment", shared by the form and the route. */
export const ZSignOffRequestSchema = z.object({
  environment: z.string().trim().min(1, "Choose the environment you verified the revisions on."),
  /** Exclusive lower bound; null or empty = from base. */
  fromRevision: z
    .string()
    .trim()
    .max(200)
    .nullish()
    .transform((v) => (v ? v : null)),
  /** Revision spec: an id, a unique prefix, `heads`, `label@head`. */
  toRevision: z.string().trim().min(1, 'Name the last revision you verified (an id, a prefix, "heads" or "label@head").').max(200),
  note: z.string().trim().max(2000, "Keep the note under 2000 characters.").default(""),
});
export type TSignOffRequest = z.infer<typeof ZSignOffRequestSchema>;
export type TSignOffRequestInput = z.input<typeof ZSignOffRequestSchema>;

export const ZRevokeSignOffSchema = z.object({
  reason: z.string().trim().min(3, "Say why you revoke this sign-off (at least 3 characters).").max(2000),
});
export type TRevokeSignOff = z.infer<typeof ZRevokeSignOffSchema>;

/** A sign-off as pages and the API show it (no secrets). */
export interface SignOffView {
  id: string;
  environment: string;
  fromRevision: string | null;
  toRevision: string;
  /** Every revision the range covers, oldest first. */
  revisions: string[];
  note: string;
  signedBy: { id: string; email: string; name: string } | null;
  createdAt: string;
  revokedAt: string | null;
  /** Why it was revoked (from the audit trail), when revoked. */
  revokeReason: string | null;
  revokedBy: string | null;
}
