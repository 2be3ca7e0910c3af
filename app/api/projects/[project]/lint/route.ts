// GET /api/projects/:project/lint — every revision's lint badge (open findings by severity and rule), linted
// against its own parent, cached per graph version; ?revision=ID — that revision's findings (the side panel).
// POST /api/projects/:project/lint {revisions, open?, limit?} — the findings of the revisions named (an environment's
// pending path: a list of thousands of ids does not fit a URL), counted by severity. Nothing is changed by either.
import { json, route } from "@/lib/api/route";
import { serverUrlOptions } from "@/lib/projects/load-project";
import { readRevisionLintFindings, readRevisionLintSummary } from "@/lib/lint-service/read-revision-lint";
import { ZRevisionLintFindingsSchema, ZRevisionLintQuery } from "@/lib/lint-service/revision-lint.types";

export const dynamic = "force-dynamic";

// status.read: it changes nothing and shows what the graph page's source panel already shows, read as SQL.
// The render it may start is audited (command.run, purpose lint) under whoever asked first for this graph version.
export const GET = route<{ project: string }>("status.read", async ({ req, db, actor, params }) => {
  const query = ZRevisionLintQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const i = { project: params.project, actor, ...serverUrlOptions() };
  return json(query.revision === undefined ? await readRevisionLintSummary(db, i) : await readRevisionLintFindings(db, { ...i, revisions: [query.revision] }));
});

export const POST = route<{ project: string }, typeof ZRevisionLintFindingsSchema>("status.read", ZRevisionLintFindingsSchema, async ({ db, actor, params, body }) =>
  json(await readRevisionLintFindings(db, { project: params.project, actor, ...serverUrlOptions(), revisions: body.revisions, ...(body.open ? { open: true } : {}), limit: body.limit })),
);
