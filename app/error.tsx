"use client";

// Unexpected errors land here; the server logged the details, the browser gets no stack.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-xl font-semibold">This page could not be shown</h1>
      <p className="mt-2 text-stone-700">Something went wrong on the server. Cairn logged the details{error.digest ? ` (reference ${error.digest})` : ""}. Your databases were not changed by this error.</p>
      <button type="button" onClick={reset} className="mt-4 rounded bg-stone-900 px-3 py-1.5 text-white">
        Try again
      </button>
    </main>
  );
}
