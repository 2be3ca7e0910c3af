export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading">
      <div className="h-7 w-40 animate-pulse rounded bg-stone-200" />
      <div className="h-48 animate-pulse rounded-lg bg-stone-200" />
    </div>
  );
}
