/**
 * Cairn's layering, enforced by `npm run lint` (docs/architecture.md explains it):
 *   app → components → lib, and cli → lib; arrows only point down; no import cycles;
 *   pure cores (graph engine, gates, drift comparison, lint, graph view models, rehearsal planning and comparison) never reach a
 *   database, the file system, a child process or the store, so they run in a test, a worker or
 *   the browser unchanged.
 * There is no exceptions list: a new violation fails CI.
 */
const PURE_CORES =
  "^lib/(graph|gates|drift|lint)/|^lib/graph-view/(graph-model|expand-segments)\\.ts$|^lib/rehearsal/(describe-schema-changes|hash-path-files|plan-rehearsal-steps|scratch-name|types)\\.ts$|^lib/(errors|revision-lists|format-utc)\\.ts$";
const TESTS = "\\.test\\.tsx?$";

module.exports = {
  forbidden: [
    { name: "no-cycles", comment: "An import cycle: one of its modules belongs in a lower layer.", severity: "error", from: {}, to: { circular: true } },
    { name: "lib-not-up", comment: "lib is the bottom layer: it never imports components or app.", severity: "error", from: { path: "^lib/" }, to: { path: "^(components|app)/" } },
    {
      name: "components-not-app",
      comment: "Components never import from app (routes, pages, server actions): a contract they share lives in lib or in the component.",
      severity: "error",
      from: { path: "^components/" },
      to: { path: "^app/" },
    },
    { name: "routes-not-components", comment: "API routes answer with contracts from lib, never types from UI components.", severity: "error", from: { path: "^app/api/" }, to: { path: "^components/" } },
    {
      name: "graph-engine-not-reader",
      comment: "The graph engine takes MigrationScripts and never reads files: reading is lib/alembic's, composing the two is lib/project-graph's.",
      severity: "error",
      from: { path: "^lib/graph/" },
      to: { path: "^lib/(alembic|project-graph)/" },
    },
    {
      name: "reader-not-engine",
      comment: "The static reader produces the engine's input types (lib/graph/types) and nothing more of it; building graphs from what it reads is lib/project-graph's.",
      severity: "error",
      from: { path: "^lib/alembic/" },
      to: { path: "^lib/project-graph/|^lib/graph/(?!types\\.ts$)" },
    },
    { name: "cli-not-ui", comment: "The CLI uses lib only.", severity: "error", from: { path: "^cli/" }, to: { path: "^(components|app)/" } },
    {
      name: "pure-cores-stay-pure",
      comment: "Pure cores take data and return data: no store, no database driver, no files, no processes.",
      severity: "error",
      from: { path: PURE_CORES, pathNot: TESTS },
      to: {
        path: "^(fs|node:fs|child_process|node:child_process|worker_threads|node:worker_threads|net|node:net|server-only|pg|better-sqlite3|mysql2|@prisma/|@electric-sql/)|^node_modules/(server-only|pg|better-sqlite3|mysql2|@prisma|@electric-sql)/|^lib/(db|generated|server)/",
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(\\.next|lib/generated/prisma/(internal|models))" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
