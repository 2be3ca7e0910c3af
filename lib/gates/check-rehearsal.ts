import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Rehearsal";

function hoursText(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 1 ? `${Math.round(h * 10) / 10} h` : `${Math.max(1, Math.round(ms / 60_000))} min`;
}

/**
 * A run on a protected environment (or one whose rehearsal.required is set) needs a passing
 * rehearsal of the same path (same starting revisions, same target, same migration files by
 * content hash) no older than the configured age; elsewhere a missing or failed rehearsal is a
 * warning, and so is an environment whose database cannot be rehearsed yet (MySQL). An irreversible round trip is a
 * warning listing the differences (a round-trip step that fails is one), or blocks where the environment requires reversibility;
 * so is a round trip that could not be checked.
 */
export function checkRehearsal(f: GateFacts): GateResult {
  const r = f.rehearsal;
  const env = f.environment.name;
  if (!r || f.path.steps.length === 0) {
    return { id: "rehearsal", label: LABEL, verdict: "pass", reason: r ? "Nothing to rehearse: the run applies no migration." : "Rehearsal was not checked for this run." };
  }
  if (r.unsupported) return { id: "rehearsal", label: LABEL, verdict: "warn", reason: `${env} cannot be rehearsed: ${r.unsupported}` };
  const required = r.required;
  const rehearse = `Rehearse this path (the Rehearse button, POST …/rehearsals, or \`cairn rehearse\`) and wait for it to pass.`;
  const notOk = (reason: string): GateResult =>
    required
      ? { id: "rehearsal", label: LABEL, verdict: "block", reason: `${reason} A run on ${env} needs a passing rehearsal of this exact path.`, unblock: rehearse, ...(details ? { details } : {}) }
      : { id: "rehearsal", label: LABEL, verdict: "warn", reason, unblock: rehearse, ...(details ? { details } : {}) };
  const latest = r.latest;
  const details = latest?.id ? { rehearsalId: latest.id } : undefined;
  if (!latest) return notOk("This path has not been rehearsed (from these revisions, to this target, with these migration files).");
  if (latest.status === "running") return notOk("A rehearsal of this path is still running.");
  if (latest.status !== "finished" || !latest.stepsOk) {
    return notOk(`The latest rehearsal of this path failed${latest.failure ? `: ${latest.failure}` : "."}`);
  }
  const age = new Date(r.now).getTime() - new Date(latest.finishedAt ?? 0).getTime();
  if (age > r.maxAgeMs) return notOk(`The latest passing rehearsal of this path is ${hoursText(age)} old; it counts for ${hoursText(r.maxAgeMs)}.`);
  if (latest.reversible === null) {
    // Unchecked is not reversible: it only passes where nobody asked for reversibility, and then as a warning.
    const reason = `The rehearsal passed, but its round trip was not checked: ${latest.roundTripNote ?? "unknown reason"}.`;
    if (r.requireReversible) {
      return { id: "rehearsal", label: LABEL, verdict: "block", reason: `${reason} ${env} requires a reversible round trip.`, unblock: "Rehearse again so the round trip can be checked.", ...(details ? { details } : {}) };
    }
    return { id: "rehearsal", label: LABEL, verdict: "warn", reason, unblock: "Rehearse again so the round trip can be checked.", ...(details ? { details } : {}) };
  }
  if (latest.reversible === false) {
    const reason = `The rehearsal passed, but the round trip is not reversible: ${latest.differences.join("; ")}.`;
    if (r.requireReversible) {
      return {
        id: "rehearsal",
        label: LABEL,
        verdict: "block",
        reason: `${reason} ${env} requires a reversible round trip.`,
        unblock: "Fix the migration's downgrade so it restores the schema, then rehearse again.",
        details: { ...details, differences: latest.differences },
      };
    }
    return { id: "rehearsal", label: LABEL, verdict: "warn", reason, unblock: "Fix the downgrade before you need it.", details: { ...details, differences: latest.differences } };
  }
  return {
    id: "rehearsal",
    label: LABEL,
    verdict: "pass",
    reason: `This path was rehearsed on a copy of ${env} ${hoursText(Math.max(age, 60_000))} ago: every step passed and the round trip is reversible.`,
    ...(details ? { details } : {}),
  };
}
