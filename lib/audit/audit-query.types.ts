import { z } from "zod";

const dateParam = (field: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00.000Z` : v);
      if (Number.isNaN(d.getTime())) {
        ctx.addIssue({ code: "custom", message: `${field} must be a date such as 2025-01-31 or 2025-01-31T12:00:00Z` });
        return z.NEVER;
      }
      return { at: d, dateOnly: /^\d{4}-\d{2}-\d{2}$/.test(v) };
    });

const text = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => v || undefined);

/** Filters of the audit trail, shared by the page's form, GET /api/audit and the CSV export. */
export const ZAuditQuery = z.object({
  project: text,
  environment: text,
  /** Part of the actor's e-mail or label, case-insensitive. */
  actor: text,
  /** An action or its prefix: "signoff" matches signoff.create and signoff.revoke. */
  action: text,
  outcome: text,
  /** Inclusive; a bare date means from its start (UTC). */
  from: dateParam("from"),
  /** Inclusive; a bare date means up to its end (UTC). */
  to: dateParam("to"),
  /** The id of the last row of the previous page (rows come newest first). */
  cursor: z
    .string()
    .trim()
    .regex(/^\d{1,19}$/, "cursor must be the id of an audit row")
    .optional(),
  limit: z.coerce.number().int().min(1, "limit must be between 1 and 200").max(200, "limit must be between 1 and 200").default(50),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

/** The filter names, in the order forms and export links carry them. */
export const AUDIT_FILTERS = ["project", "environment", "actor", "action", "outcome", "from", "to"] as const;

/** One audit row as the API and the page show it. */
export interface AuditEventView {
  id: string;
  at: string;
  actor: string;
  action: string;
  project: string | null;
  environment: string | null;
  runId: string | null;
  fromRevision: string | null;
  toRevision: string | null;
  outcome: string | null;
  details: Record<string, unknown>;
}
