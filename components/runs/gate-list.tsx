import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { GateResult, GateVerdict } from "@/lib/gates/types";

const LOOK: Record<GateVerdict, { tone: BadgeTone; label: string }> = {
  pass: { tone: "green", label: "pass" },
  warn: { tone: "amber", label: "warning" },
  "needs-input": { tone: "blue", label: "needs input" },
  block: { tone: "red", label: "blocked" },
};

/** Every gate with its verdict, the reason in plain words and what would unblock it. */
export function GateList({ gates }: { gates: GateResult[] }) {
  return (
    <ul className="divide-y divide-stone-100 rounded border border-stone-200" data-testid="gate-list">
      {gates.map((g) => (
        <li key={g.id} className="flex gap-3 px-3 py-2 text-sm" data-gate={g.id} data-verdict={g.verdict}>
          <span className="w-24 shrink-0">
            <Badge tone={LOOK[g.verdict].tone}>{LOOK[g.verdict].label}</Badge>
          </span>
          <span>
            <span className="font-medium text-stone-900">{g.label}</span>
            <span className="text-stone-700"> — {g.reason}</span>
            {g.unblock && (g.verdict === "block" || g.verdict === "needs-input" || g.verdict === "warn") && <span className="block text-stone-600">→ {g.unblock}</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
