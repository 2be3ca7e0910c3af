// GET /api/projects/:project/graph-at-ref?ref=REF[&base=REF] — the migrations at a git ref of the project's
// repository (nothing checked out): added, removed, edited revisions, new heads, each environment's pending list.
// Any signed-in user (status.read): it changes nothing, and shows revisions and environment positions the
// graph page and the overview already show; paths are relative to the project.
import { z } from "zod";
import { json, route } from "@/lib/api/route";
import { compareProjectAtRef } from "@/lib/git/compare-project-at-ref";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

const ZRef = z.string().min(1, "give a branch, tag or commit").max(255);
const ZGraphAtRefQuery = z.strictObject({ ref: ZRef, base: ZRef.optional() });

export const GET = route<{ project: string }>("status.read", async ({ req, db, params }) => {
  const query = ZGraphAtRefQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return json(await compareProjectAtRef(db, { project: params.project, ref: query.ref, ...(query.base ? { base: query.base } : {}) }, { key: getSecretKey() }));
});
