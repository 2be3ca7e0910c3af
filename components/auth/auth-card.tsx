import type { ReactNode } from "react";

/** The centred card the sign-in and first-run pages sit in (they render outside the dashboard shell). */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <p className="mb-6 text-center text-lg font-semibold tracking-tight text-stone-900">Cairn</p>
        <section className="rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
          <h1 className="text-base font-semibold text-stone-900">{title}</h1>
          {subtitle && <p className="mt-1 text-sm text-stone-600">{subtitle}</p>}
          <div className="mt-5">{children}</div>
        </section>
      </div>
    </main>
  );
}
