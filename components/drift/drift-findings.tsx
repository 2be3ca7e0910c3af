import { Badge } from "@/components/ui/badge";
import { describeDriftFinding } from "@/lib/drift-service/describe-drift-finding";
import type { DriftFinding } from "@/lib/drift/detect-drift";

/** Each finding with its structured diff: object, both sides, and the one-line message. */
export function DriftFindings({ findings }: { findings: DriftFinding[] }) {
  if (findings.length === 0) {
    return (
      <p className="text-sm text-green-800" data-testid="drift-none">
        No drift: environments at the same revisions have the same schema, and every schema matches its baseline.
      </p>
    );
  }
  return (
    <ul className="space-y-4" data-testid="drift-findings">
      {findings.map((f, i) => {
        const [leftLabel, rightLabel] = f.kind === "environments-differ" ? [f.left, f.right] : ["baseline", f.environment];
        return (
          <li key={i} data-finding-kind={f.kind} className="rounded border border-amber-200 bg-amber-50/40 p-3">
            <p className="font-medium">
              <Badge tone="amber">{f.kind === "environments-differ" ? "environments differ" : "baseline differs"}</Badge> {describeDriftFinding(f)}
            </p>
            <p className="text-xs text-stone-600">{f.message}</p>
            <table className="mt-2 w-full text-left text-xs">
              <thead className="text-stone-500">
                <tr>
                  <th className="py-0.5 pr-2">Difference</th>
                  <th className="py-0.5 pr-2">{leftLabel}</th>
                  <th className="py-0.5">{rightLabel}</th>
                </tr>
              </thead>
              <tbody>
                {f.differences.map((d, j) => (
                  <tr key={j} className="border-t border-amber-100 align-top">
                    <td className="py-0.5 pr-2 font-mono">{d.message}</td>
                    <td className="py-0.5 pr-2 font-mono text-stone-700">{d.left ?? "—"}</td>
                    <td className="py-0.5 font-mono text-stone-700">{d.right ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        );
      })}
    </ul>
  );
}
