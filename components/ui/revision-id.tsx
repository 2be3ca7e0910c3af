/** A revision id in monospace, shortened with the full id on hover. */
export function RevisionId({ id, full = false }: { id: string; full?: boolean }) {
  const shown = full || id.length <= 14 ? id : `${id.slice(0, 12)}…`;
  return (
    <code title={id} className="rounded bg-stone-100 px-1 font-mono text-[0.8em] text-stone-800">
      {shown}
    </code>
  );
}
