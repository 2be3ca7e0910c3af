import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONE: Record<string, BadgeTone> = {
  awaiting_approval: "blue",
  queued: "violet",
  running: "violet",
  succeeded: "green",
  failed: "red",
  interrupted: "amber",
  rejected: "gray",
  cancelled: "gray",
  stale: "amber",
};

/** What each status means, in plain words (the badge's tooltip). */
export const RUN_STATUS_MEANING: Record<string, string> = {
  awaiting_approval: "Waiting for a second person to approve it.",
  queued: "Approved; starting as soon as the environment is free.",
  running: "Alembic is running it now.",
  succeeded: "Alembic finished and the environment is where the run was meant to take it.",
  failed: "Alembic stopped with an error; see what failed below.",
  interrupted: "Cairn stopped while it ran; the environment was re-read afterwards.",
  rejected: "An approver turned it down.",
  cancelled: "Cancelled before it ran, or it could not start.",
  stale: "The environment moved after this was requested, so the reviewed SQL is no longer what would run. It can never be approved: request again.",
};

export function RunStatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={TONE[status] ?? "gray"} title={RUN_STATUS_MEANING[status]}>
      <span data-run-status={status}>{status.replace("_", " ")}</span>
    </Badge>
  );
}
