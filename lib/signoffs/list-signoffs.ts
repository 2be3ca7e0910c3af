import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getDb } from "@/lib/db/client";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import type { SignOffView } from "@/lib/signoffs/signoff.types";

/** A project's sign-offs, newest first, with who signed and (for revoked ones) who revoked and why. */
export async function listProjectSignOffs(db: PrismaClient, projectName: string): Promise<SignOffView[]> {
  const project = await getProjectOrThrow(db, projectName);
  const rows = await db.signOff.findMany({
    where: { projectId: project.id },
    include: { environment: { select: { name: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  const userIds = [...new Set(rows.map((r) => r.userId))];
  const users = userIds.length ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, name: true } }) : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  const revokedIds = rows.filter((r) => r.revokedAt).map((r) => r.id);
  const revocations = new Map<string, { reason: string | null; by: string }>();
  if (revokedIds.length) {
    const events = await db.auditEvent.findMany({ where: { action: "signoff.revoke", projectId: project.id }, orderBy: { id: "asc" } });
    for (const e of events) {
      const d = (e.details ?? {}) as { signOffId?: unknown; reason?: unknown };
      if (typeof d.signOffId === "string") revocations.set(d.signOffId, { reason: typeof d.reason === "string" ? d.reason : null, by: e.actor });
    }
  }
  return rows.map((r) => ({
    id: r.id,
    environment: r.environment.name,
    fromRevision: r.fromRevision,
    toRevision: r.toRevision,
    revisions: r.revisions,
    note: r.note,
    signedBy: byId.get(r.userId) ?? null,
    createdAt: r.createdAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
    revokeReason: revocations.get(r.id)?.reason ?? null,
    revokedBy: revocations.get(r.id)?.by ?? null,
  }));
}

/** For pages (the graph, the sign-off page): the project's sign-offs from the app's store. */
export async function listSignOffs(projectName: string): Promise<SignOffView[]> {
  return listProjectSignOffs(await getDb(), projectName);
}
