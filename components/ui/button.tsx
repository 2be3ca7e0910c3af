import type { ButtonHTMLAttributes } from "react";

const VARIANTS = {
  /** The one main action of a form: Create, Save, Sign in. */
  primary: "bg-stone-900 font-medium text-white hover:bg-stone-700 disabled:opacity-60",
  /** Everything beside it: Cancel, Edit, row actions. */
  secondary: "border border-stone-300 text-stone-700 hover:bg-stone-100 disabled:opacity-50",
  /** Saying yes to something another person asked for: Approve and run. */
  approve: "bg-green-700 font-medium text-white hover:bg-green-800 disabled:opacity-40",
  /** Actions that bypass the usual guard rails and must never pass for a routine one: Stamp. */
  warning: "bg-amber-700 font-medium text-white hover:bg-amber-800 disabled:opacity-40",
  /** Actions that destroy: Delete, Revoke. */
  danger: "border border-red-300 text-red-700 hover:bg-red-50 disabled:opacity-50",
} as const;

const SIZES = {
  xs: "px-2 py-1 text-xs",
  sm: "px-2 py-1 text-sm",
  md: "px-3 py-1.5 text-sm",
  /** Full width, for the single action of a narrow card (sign-in, set-up). */
  block: "w-full px-3 py-2 text-sm",
} as const;

export type ButtonVariant = keyof typeof VARIANTS;
export type ButtonSize = keyof typeof SIZES;

/** Cairn's button. `type` defaults to "button": a form submits only through a button that says so. */
export function Button({ variant = "secondary", size = "md", type = "button", className, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; size?: ButtonSize }) {
  return <button type={type} className={`rounded-md ${SIZES[size]} ${VARIANTS[variant]}${className ? ` ${className}` : ""}`} {...props} />;
}
