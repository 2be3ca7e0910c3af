import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { EnvironmentState } from "@/lib/targets/types";

const LOOK: Record<EnvironmentState, { tone: BadgeTone; label: string; help: string }> = {
  current: { tone: "green", label: "current", help: "At the repo's heads: nothing pending." },
  behind: { tone: "amber", label: "behind", help: "Every applied revision is known; some revisions are pending." },
  "unknown-revision": { tone: "red", label: "unknown revision", help: "Stamped at a revision this repo does not have." },
  uninitialized: { tone: "violet", label: "no version table", help: "Alembic has never run here (no version table)." },
  empty: { tone: "violet", label: "empty", help: "The version table exists but holds no rows." },
  unreachable: { tone: "gray", label: "unreachable", help: "Cairn could not read this database." },
};

export function StateBadge({ state }: { state: EnvironmentState }) {
  const look = LOOK[state];
  return (
    <Badge tone={look.tone} title={look.help}>
      <span data-state={state}>{look.label}</span>
    </Badge>
  );
}
