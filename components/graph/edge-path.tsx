/** One displayed edge of the revision graph: a polyline styled by kind, blue when both ends are highlighted; its width is in screen pixels, so it stays visible zoomed out. */
import { memo } from "react";

export const EDGE_STYLE = {
  parent: { stroke: "#78716c", dash: undefined, width: 1.5 },
  depends: { stroke: "#7c3aed", dash: "6 4", width: 1.5 },
  dangling: { stroke: "#dc2626", dash: "4 3", width: 2 },
  "dangling-depends": { stroke: "#dc2626", dash: "2 3", width: 2 },
} as const;

export const EdgePath = memo(function EdgePath({ kind, pts, hot }: { kind: keyof typeof EDGE_STYLE; pts: number[]; hot: boolean }) {
  let d = `M${pts[0]} ${pts[1]}`;
  for (let i = 2; i < pts.length; i += 2) d += `L${pts[i]} ${pts[i + 1]}`;
  const s = EDGE_STYLE[kind];
  return <path d={d} fill="none" stroke={hot ? "#0284c7" : s.stroke} strokeWidth={hot ? 3 : s.width} strokeDasharray={s.dash} data-edge-kind={kind} vectorEffect="non-scaling-stroke" />;
});
