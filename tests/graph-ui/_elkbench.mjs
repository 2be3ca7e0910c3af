import ELK from "elkjs/lib/elk.bundled.js";
const elk = new ELK();
function gen(n, branchEvery) {
  const nodes = [], edges = [];
  let prev = null;
  for (let i = 0; i < n; i++) {
    nodes.push({ id: "r" + i, width: 200, height: 40 });
    if (prev) edges.push({ id: "e" + i, sources: [prev], targets: ["r" + i] });
    if (branchEvery && i % branchEvery === 0 && i > 10) edges.push({ id: "x" + i, sources: ["r" + (i - 7)], targets: ["r" + i] });
    prev = "r" + i;
  }
  return { id: "root", layoutOptions: { "elk.algorithm": "layered", "elk.direction": "UP", "elk.layered.nodePlacement.strategy": process.argv[3] || "BRANDES_KOEPF", "elk.layered.thoroughness": "1" }, children: nodes, edges };
}
for (const n of [300, 1000, Number(process.argv[2] || 5000)]) {
  const t = performance.now();
  const r = await elk.layout(gen(n, 10));
  console.log(n, Math.round(performance.now() - t), "ms", r.children[5].x, r.children[5].y);
}
