"use client";

/** Find a revision by id prefix or message; Enter jumps to the first match, a click to any. */
import { useMemo, useState } from "react";
import { searchRevisions, type GraphData } from "@/lib/graph-view/graph-model";
import { shortId } from "@/components/graph/graph-style";

export function RevisionSearch({ data, onJump }: { data: GraphData; onJump(id: string): void }) {
  const [query, setQuery] = useState("");
  const results = useMemo(() => searchRevisions(data, query, 12), [data, query]);
  return (
    <form
      role="search"
      className="relative"
      onSubmit={(e) => {
        e.preventDefault();
        if (results[0]) onJump(results[0].id);
      }}
    >
      <label className="sr-only" htmlFor="graph-search">
        Find a revision by id prefix or message
      </label>
      <input
        id="graph-search"
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="Find revision (id prefix or message)"
        className="w-72 rounded border border-stone-300 bg-white px-2 py-1 text-sm"
        autoComplete="off"
      />
      {query.trim() !== "" && (
        <ul aria-label="Search results" className="absolute z-20 mt-1 max-h-72 w-[28rem] overflow-auto rounded border border-stone-200 bg-white text-sm shadow-lg">
          {results.length === 0 ? <li className="px-2 py-1 text-stone-500">No revision matches “{query}”.</li> : null}
          {results.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                className="flex w-full gap-2 px-2 py-1 text-left hover:bg-sky-50"
                onClick={() => {
                  onJump(r.id);
                  setQuery("");
                }}
              >
                <code className="font-mono text-xs">{shortId(r.id, 16)}</code>
                <span className="truncate text-stone-600">{r.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
