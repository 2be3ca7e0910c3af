import { z } from "zod";
import type { LintFinding, LintSeverity } from "@/lib/lint/types";

/** The most revisions one request may name: a pending path of a large project is a few thousand ids. */
export const MAX_LINT_REVISIONS = 20_000;

const ZRevisionId = z.string().trim().min(1, "Name a revision.").max(255, "A revision id is at most 255 characters.");

/** GET /api/projects/:project/lint[?revision=ID]: without a revision, every revision's badge; with one, its findings. */
export const ZRevisionLintQuery = z.strictObject({ revision: ZRevisionId.optional() });

/** Findings one POST lists when it does not say: every finding of a large project is several MB of JSON. */
export const DEFAULT_LINT_FINDINGS_LIMIT = 1_000;

/**
 * POST /api/projects/:project/lint: the findings of the revisions named (an environment's pending path;
 * a revision named twice counts once); `open`: only those not acknowledged; `limit`: at most this many
 * findings (DEFAULT_LINT_FINDINGS_LIMIT when not given), the first in the order of the revisions named
 * (counts cover them all).
 */
export const ZRevisionLintFindingsSchema = z.strictObject({
  revisions: z.array(ZRevisionId).min(1, "Name at least one revision.").max(MAX_LINT_REVISIONS, `Name at most ${MAX_LINT_REVISIONS} revisions per request.`),
  open: z.boolean().optional(),
  limit: z.number().int().min(1, "Ask for at least one finding.").max(10_000, "Ask for at most 10,000 findings.").default(DEFAULT_LINT_FINDINGS_LIMIT),
});
export type TRevisionLintFindings = z.infer<typeof ZRevisionLintFindingsSchema>;

/**
 * The findings of the revisions asked for (POST, or GET with ?revision=), by revision id (a JSON object:
 * a client must not rely on its key order — ids that look like integers come first — but on the order it asked in);
 * `counts` by severity over every finding selected, `omitted` how many of them `limit` left out (a revision
 * whose findings were all left out is absent).
 */
export type RevisionLintFindings = { ok: true; version: string; revisions: Record<string, LintFinding[]>; counts: Record<LintSeverity, number>; omitted: number } | { ok: false; message: string };
