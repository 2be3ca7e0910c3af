// DELETE /api/projects/:project/lint/acknowledgements/:id — an admin revokes a lint acknowledgement: the finding blocks again.
import { json, route } from "@/lib/api/route";
import { revokeLintAcknowledgement } from "@/lib/lint-service/revoke-lint-acknowledgement";

export const dynamic = "force-dynamic";

export const DELETE = route<{ project: string; id: string }>("lint.acknowledge", async ({ db, actor, params }) => {
  await revokeLintAcknowledgement(db, { project: params.project, id: params.id, actor });
  return json({ ok: true });
});
