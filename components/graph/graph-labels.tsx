/**
 * Zoomed out, the landmarks' labels (heads, merges, branch points, environments, missing
 * revisions) drawn at a constant screen size beside their nodes, with a dot on the node, so the
 * picture stays readable at any zoom. A click centres the node at a readable zoom.
 */
import { memo } from "react";
import { NODE_WIDTH, type GraphEnvironment } from "@/lib/graph-view/graph-model";
import type { Landmark } from "@/lib/graph-view/landmarks";
import { landmarkColour } from "@/components/graph/graph-style";

/** Screen pixels between label slots (about 28 characters of the label font). */
const SLOT_WIDTH = 190;

export const GraphLabels = memo(function GraphLabels({
  labels,
  pos,
  k,
  environments,
  onCenter,
}: {
  labels: readonly (Landmark & { slot: number })[];
  pos: Readonly<Record<string, [number, number, number, number]>>;
  /** The zoom the labels are sized for. */
  k: number;
  environments: readonly GraphEnvironment[];
  onCenter(id: string): void;
}) {
  const s = 1 / k;
  return (
    <g data-testid="graph-labels">
      {labels.map((l) => {
        const p = pos[l.id];
        if (!p) return null;
        const dot = landmarkColour(l, environments);
        return (
          <g
            key={l.id}
            data-testid="graph-label"
            data-label-for={l.id}
            data-kinds={l.kinds.join(" ")}
            transform={`translate(${p[0] + p[2] + (6 + l.slot * SLOT_WIDTH) * s} ${p[1] + p[3] / 2}) scale(${s})`}
            className="cursor-pointer"
            onClick={(e) => {
              e.stopPropagation();
              onCenter(l.id);
            }}
          >
            {l.slot === 0 ? <circle cx={(NODE_WIDTH / 2 - p[2]) * k - 6} cy={0} r={4} fill={dot} stroke="#ffffff" strokeWidth={1.5} /> : <circle cx={-4} cy={0} r={3} fill={dot} />}
            <text x={2} y={4} className="text-[12px] font-medium" fill={l.priority <= 1 ? "#1c1917" : "#44403c"} stroke="#fafaf9" strokeWidth={3} paintOrder="stroke">
              {l.text}
            </text>
          </g>
        );
      })}
    </g>
  );
});
