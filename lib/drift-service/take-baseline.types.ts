import { z } from "zod";
import { MIN_OVERRIDE_REASON } from "@/lib/gates/check-schema-drift";

/**
 * "Take baseline now", shared by the drift page's form and the route. `reason` is required (at
 * least MIN_OVERRIDE_REASON characters) only when the baseline would accept drift on a protected
 * environment; the server decides that from the schema it reads, not from the form.
 */
export const ZTakeBaselineSchema = z.object({
  reason: z
    .string()
    .trim()
    .max(2000, "Keep the reason under 2,000 characters.")
    .optional()
    .transform((v) => v || undefined),
});
export type TTakeBaselineInput = z.input<typeof ZTakeBaselineSchema>;

export { MIN_OVERRIDE_REASON };
