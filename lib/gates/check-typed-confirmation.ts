import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Typed confirmation";

/** On a protected environment, the user types its name to act on it. */
export function checkTypedConfirmation(f: GateFacts): GateResult {
  const name = f.environment.name;
  if (!f.environment.protected) {
    return { id: "typed-confirmation", label: LABEL, verdict: "pass", reason: `${name} is not protected; no typed confirmation is needed.` };
  }
  const typed = f.inputs.typedConfirmation?.trim();
  if (!typed) {
    return {
      id: "typed-confirmation",
      label: LABEL,
      verdict: "needs-input",
      reason: `${name} is protected: confirm by typing its name.`,
      unblock: `Type "${name}" in the confirmation box.`,
    };
  }
  if (typed !== name) {
    return {
      id: "typed-confirmation",
      label: LABEL,
      verdict: "block",
      reason: `You typed "${typed}", which is not the environment's name "${name}".`,
      unblock: `Type "${name}" exactly (it is case-sensitive).`,
    };
  }
  return { id: "typed-confirmation", label: LABEL, verdict: "pass", reason: `Confirmed by typing "${name}".` };
}
