import type { ReactNode } from "react";

const TONES = {
  error: "border-red-200 bg-red-50 text-red-800",
  success: "border-green-200 bg-green-50 text-green-800",
} as const;

/**
 * A message about what just happened: an error is announced at once (role="alert"), a success
 * politely (role="status").
 */
export function Alert({ tone, className, children }: { tone: keyof typeof TONES; className?: string; children: ReactNode }) {
  return (
    <p role={tone === "error" ? "alert" : "status"} className={`rounded-md border px-3 py-2 text-sm whitespace-pre-line ${TONES[tone]}${className ? ` ${className}` : ""}`}>
      {children}
    </p>
  );
}
