import { z } from "zod";
import { LINT_RULE_IDS } from "@/lib/lint/types";

/** An admin's acknowledgement of one lint finding (POST /api/projects/:project/lint/acknowledgements); the run dialog's form sends the same. */
export const ZLintAcknowledgementSchema = z.object({
  revision: z.string().trim().min(1, "Name the revision whose finding you acknowledge."),
  rule: z.enum(LINT_RULE_IDS, { message: `Name one of the lint rules: ${LINT_RULE_IDS.join(", ")}.` }),
  reason: z.string().trim().min(10, "Write why this finding is safe to run (at least 10 characters): it is kept with the acknowledgement and in the audit trail."),
  /** The finding's `fileSha256` as the plan showed it: the acknowledgement is for the bytes the admin read, refused (409) if the file changed since. */
  fileSha256: z.string().regex(/^[0-9a-f]{64}$/, "Send the finding's fileSha256 as the plan showed it (64 hex digits): the acknowledgement holds for that version of the file only."),
});
export type TLintAcknowledgement = z.infer<typeof ZLintAcknowledgementSchema>;
