/** One-line summaries of drift findings for the overview and the drift page. Pure. */
import type { DriftFinding } from "@/lib/drift/detect-drift";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** e.g. "staging differs from qa at the same revision (3 differences)". */
export function describeDriftFinding(f: DriftFinding): string {
  const n = plural(f.differences.length, "difference");
  if (f.kind === "environments-differ") return `${f.right} differs from ${f.left} at the same revision (${n})`;
  return `${f.environment} differs from its baseline (${n})`;
}

/** The environments a finding is about. */
export function environmentsOf(f: DriftFinding): string[] {
  return f.kind === "environments-differ" ? [f.left, f.right] : [f.environment];
}
