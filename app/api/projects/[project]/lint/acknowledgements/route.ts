// POST /api/projects/:project/lint/acknowledgements — an admin acknowledges one lint finding (revision, rule, reason) for the migration file's current bytes.
import { json, route } from "@/lib/api/route";
import { acknowledgeLintFinding } from "@/lib/lint-service/acknowledge-lint-finding";
import { ZLintAcknowledgementSchema } from "@/lib/lint-service/lint-acknowledgement.types";

export const dynamic = "force-dynamic";

export const POST = route<{ project: string }, typeof ZLintAcknowledgementSchema>("lint.acknowledge", ZLintAcknowledgementSchema, async ({ db, actor, params, body }) =>
  json({ ok: true, acknowledgement: await acknowledgeLintFinding(db, { ...body, project: params.project, actor }) }, 201),
);
