import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-stone-700">There is nothing at this address. It may have been renamed or removed.</p>
      <Link href="/" className="mt-4 inline-block text-sky-700 underline">
        Back to the overview
      </Link>
    </main>
  );
}
