/**
 * Who may cancel a run, asked by the cancel route's lib (cancelRun) and by the run page to show the
 * Cancel button, so the page never offers what the API would refuse. Pure.
 *
 * - awaiting approval or queued: an admin, or the person who requested it (withdrawing it);
 * - running: an admin or a release manager (it asks the executor to stop Alembic).
 */
import type { Role } from "@/lib/generated/prisma/enums";

export function mayCancelRun(actor: { userId: string; role: Role } | null | undefined, run: { status: string; requestedById: string | null | undefined }): boolean {
  if (!actor) return false;
  if (run.status === "awaiting_approval" || run.status === "queued") return actor.role === "admin" || actor.userId === run.requestedById;
  if (run.status === "running") return actor.role === "admin" || actor.role === "release_manager";
  return false;
}
