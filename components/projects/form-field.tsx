import type { ReactNode } from "react";

export const inputClass = "w-full rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm aria-[invalid=true]:border-red-500";

/** A labelled field with its hint and, when the client or the server refused it, the reasons right under it. */
export function FormField({ id, label, hint, errors, children }: { id: string; label: string; hint?: ReactNode; errors?: string[]; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium text-stone-700">
        {label}
      </label>
      {children}
      {hint && !errors?.length && <p className="text-xs text-stone-500">{hint}</p>}
      {errors?.length ? (
        <div id={`${id}-error`} className="text-xs text-red-700">
          {errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** Props that tie an input to its errors for assistive technology. */
export function invalidProps(id: string, errors?: string[]) {
  return errors?.length ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};
}
