/**
 * A stand-in Cairn process for the crash test: rehearses c3 on a copy of TARGET_URL with every
 * migration slowed down, printing "scratch <name>" once the copy exists, so the test can `kill -9` it.
 * Started as `node --conditions=react-server --import tsx tests/rehearsal/harness/rehearse-in-child.ts`
 * with TARGET_URL, PROJECT_DIR and REHEARSAL_ID in its environment.
 */
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { rehearsePath } from "@/lib/rehearsal/rehearse-path";

const dir = process.env.PROJECT_DIR!;
const { graph } = readProjectGraph(dir);
await rehearsePath({
  id: process.env.REHEARSAL_ID,
  targetUrl: process.env.TARGET_URL!,
  projectDir: dir,
  alembic: { command: ["/usr/bin/python3", "-m", "alembic"], xArgs: ["step_delay=30"] },
  versionTable: "alembic_version",
  graph,
  from: ["b2"],
  direction: "upgrade",
  steps: ["c3"],
  onScratch: (s) => console.log(`scratch ${s.name}`),
});
console.log("finished");
