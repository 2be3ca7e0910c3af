import type { ReactNode } from "react";

const TONES = {
  green: "bg-green-100 text-green-900 ring-green-700/20",
  amber: "bg-amber-100 text-amber-900 ring-amber-700/20",
  red: "bg-red-100 text-red-900 ring-red-700/20",
  gray: "bg-stone-100 text-stone-800 ring-stone-700/20",
  blue: "bg-sky-100 text-sky-900 ring-sky-700/20",
  violet: "bg-violet-100 text-violet-900 ring-violet-700/20",
} as const;

export type BadgeTone = keyof typeof TONES;

export function Badge({ tone = "gray", children, title }: { tone?: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>
      {children}
    </span>
  );
}
