// The floor under `cairn graph` for scripts/bench-graph.mjs: the least work any Node program must do
// to answer for a versions directory — start Node, list the directory, stat every file ("stat":
// what a warm run that notices any edit cannot skip) and, for "read", also open and read every
// file (what a cold run cannot skip). No parsing, no graph, no output. CommonJS, one module, no
// dependencies: the cheapest start Node has.
"use strict";
const fs = require("node:fs");

const [dir, mode] = process.argv.slice(2);
if (!dir || (mode !== "stat" && mode !== "read")) {
  process.stderr.write("usage: node scripts/bench-floor.cjs <versions-dir> stat|read\n");
  process.exit(2);
}
const buf = Buffer.allocUnsafe(1 << 16);
let sum = 0;
for (const name of fs.readdirSync(dir)) {
  const file = `${dir}/${name}`;
  const st = fs.statSync(file);
  sum += st.mtimeMs;
  if (mode === "read" && st.isFile()) {
    const fd = fs.openSync(file, "r");
    try {
      while (fs.readSync(fd, buf, 0, buf.length, null) > 0) sum++;
    } finally {
      fs.closeSync(fd);
    }
  }
}
process.stdout.write(`${sum > 0 ? "ok" : "empty"}\n`);
