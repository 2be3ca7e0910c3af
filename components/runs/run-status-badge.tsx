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
};

export function RunStatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={TONE[status] ?? "gray"}>
      <span data-run-status={status}>{status.replace("_", " ")}</span>
    </Badge>
  );
}
