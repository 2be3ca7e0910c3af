import { it } from "vitest";
import { readProjectGraph } from "@/lib/alembic/read-project-graph";
it("x", () => { const r = readProjectGraph("/work/main/tests/fixtures/env-project/alembic.ini"); console.log(r.project.location, r.graph.heads, r.graph.problems); });
