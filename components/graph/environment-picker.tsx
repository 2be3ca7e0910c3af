/** The graph page's environment toggles: one selected shows its pending path, two compare a promotion. */
import type { GraphEnvironment } from "@/lib/graph-view/graph-model";
import { STATE_COLOR, STATE_LABEL, shortId } from "@/components/graph/graph-style";

export function EnvironmentPicker({ environments, selected, onToggle, onClear }: { environments: readonly GraphEnvironment[]; selected: readonly string[]; onToggle(name: string): void; onClear(): void }) {
  return (
    <section aria-label="Environments" className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-stone-600">Environments (select one for its pending path, two to compare):</span>
      {environments.map((e) => {
        const pressed = selected.includes(e.name);
        return (
          <button
            key={e.name}
            type="button"
            aria-pressed={pressed}
            data-testid={`env-toggle-${e.name}`}
            onClick={() => onToggle(e.name)}
            title={e.error ?? `${e.name}: ${STATE_LABEL[e.state]}`}
            className={`inline-flex items-center gap-1.5 rounded-full px-3 py-1 text-xs font-semibold text-white ${pressed ? "ring-4 ring-sky-300" : ""}`}
            style={{ backgroundColor: STATE_COLOR[e.state] }}
          >
            {e.name}
            <span className="font-normal opacity-90">
              {STATE_LABEL[e.state]}
              {e.state === "behind" ? ` · ${e.pending.length} pending` : ""}
              {e.revisions.length === 0 && e.state !== "unreachable" ? " · no revision" : ""}
              {e.unknownRevisions.length > 0 ? ` · at ${e.unknownRevisions.map((r) => shortId(r, 12)).join(", ")} (not in repo)` : ""}
            </span>
            {e.protected ? <span className="rounded bg-white/25 px-1 font-normal">protected</span> : null}
          </button>
        );
      })}
      {selected.length > 0 ? (
        <button type="button" onClick={onClear} className="text-xs text-sky-700 underline">
          clear selection
        </button>
      ) : null}
    </section>
  );
}
