// GET /api/runs/:id/log as typed server-sent events (lib/runs/run-events): real runs of real Alembic on
// SQLite targets, a real PostgreSQL store, the route read as a browser's EventSource would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { runExecution } from "@/lib/runs/start-run";
import { applyRunEvent, NO_RUN_PROGRESS, type RunEvent, type RunStepStartedEvent } from "@/lib/runs/run-events";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject, sqliteRevisions } from "@/tests/runs-api/support";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";
import * as logRoute from "@/app/api/runs/[id]/log/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let fixture: ReturnType<typeof copyFixtureProject>;
let alice: User, viewer: User;

const P = "events";

/** One server-sent event as the browser's EventSource parses it. */
interface Sse {
  id?: string;
  event: string;
  data: string;
}

function parseSse(text: string): Sse[] {
  return text
    .split("\n\n")
    .filter((block) => block.split("\n").some((l) => l.startsWith("data: ")))
    .map((block) => {
      const e: Sse = { event: "message", data: "" };
      for (const l of block.split("\n")) {
        if (l.startsWith("id: ")) e.id = l.slice(4);
        else if (l.startsWith("event: ")) e.event = l.slice(7);
        else if (l.startsWith("data: ")) e.data = l.slice(6);
      }
      return e;
    });
}

async function stream(runId: string, headers: Record<string, string> = {}): Promise<Sse[]> {
  const res = await logRoute.GET(request("GET", `/api/runs/${runId}/log`, { cookie: viewer.cookie, headers }), ctx({ id: runId }));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
  return parseSse(await res.text());
}

const eventsOf = (sse: Sse[]) =>
  sse.map((e) => {
    const event = JSON.parse(e.data) as RunEvent;
    expect(event.type, "the SSE event name is the event's type").toBe(e.event);
    return event;
  });

const startOf = (events: RunEvent[], revision: string) => events.find((e): e is RunStepStartedEvent => e.type === "step-started" && e.revision === revision);

async function run(env: string, b: unknown, project = P): Promise<string> {
  const res = await envRunsRoute.POST(request("POST", `/api/projects/${project}/envs/${env}/runs`, { cookie: alice.cookie, body: b }), ctx({ project, env }));
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(202);
  const { runId } = await body(res);
  await runExecution(runId);
  return runId;
}

beforeAll(async () => {
  app = await useAppStore("cairn_run_events");
  db = app.db;
  fixture = copyFixtureProject(["qa", "lab"]);
  await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [{ name: "qa", url: fixture.urls.qa! }],
  });
  // A project of its own, so promotion order does not ask for the broken branch on qa first.
  await seedProject(db, { name: `${P}-lab`, dir: fixture.dir, envs: [{ name: "lab", url: fixture.urls.lab! }] });
  [alice, viewer] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "viewer")]);
}, 60_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
});

describe("the run's event stream", () => {
  let upgradeId = "";

  it("an upgrade: every log line, each migration started then finished in order with its revision ids, then the end with where it stands", async () => {
    upgradeId = await run("qa", { kind: "upgrade", target: "c3" });
    expect(sqliteRevisions(fixture.urls.qa!)).toEqual(["c3"]);
    const events = eventsOf(await stream(upgradeId));

    // Every stored line, in order, and nothing else as a line.
    const stored = await db.runLog.findMany({ where: { runId: upgradeId }, orderBy: { seq: "asc" } });
    expect(events.filter((e) => e.type === "line").map((e) => e.text)).toEqual(stored.map((l) => l.text));

    const steps = events.filter((e) => e.type === "step-started" || e.type === "step-finished").map((e) => (e.type === "step-started" ? `start ${e.revision} ${e.index}/${e.total} [${e.from}]→[${e.to}]` : `finish ${e.revision}`));
    expect(steps).toEqual(["start a1 1/3 []→[a1]", "finish a1", "start b2 2/3 [a1]→[b2]", "finish b2", "start c3 3/3 [b2]→[c3]", "finish c3"]);
    const started = startOf(events, "c3");
    expect(started).toMatchObject({ direction: "upgrade", message: "create orders" });
    // A step starts on Alembic's own line, after that line and after the previous step finished there.
    const at = events.indexOf(started!);
    expect(events.slice(at - 2, at)).toMatchObject([
      { type: "line", seq: started!.seq, text: expect.stringMatching(/Running upgrade b2 -> c3/) },
      { type: "step-finished", seq: started!.seq, revision: "b2" },
    ]);

    expect(events.at(-1)).toEqual({ type: "end", status: "succeeded", resultRevisions: ["c3"] });
    expect(events.filter((e) => e.type === "end")).toHaveLength(1);

    // What the run page shows, folded from the events: three migrations done.
    const shown = events.reduce(applyRunEvent, NO_RUN_PROGRESS);
    expect(shown.steps.map((s) => `${s.revision}:${s.state}`)).toEqual(["a1:done", "b2:done", "c3:done"]);
    expect(shown.lines).toHaveLength(stored.length);
  }, 60_000);

  it("a downgrade names the revisions it removes", async () => {
    const id = await run("qa", { kind: "downgrade", target: "a1", destructiveConfirmation: ["c3", "b2"] });
    const events = eventsOf(await stream(id));
    const started = events.filter((e) => e.type === "step-started");
    expect(started.map((e) => [e.direction, e.revision, e.index, e.total, e.from, e.to])).toEqual([
      ["downgrade", "c3", 1, 2, ["c3"], ["b2"]],
      ["downgrade", "b2", 2, 2, ["b2"], ["a1"]],
    ]);
    expect(events.at(-1)).toEqual({ type: "end", status: "succeeded", resultRevisions: ["a1"] });
  }, 60_000);

  it("a failing migration is started and never finished; the end says failed", async () => {
    const id = await run("lab", { kind: "upgrade", target: "f6" }, `${P}-lab`);
    const events = eventsOf(await stream(id));
    const steps = events.filter((e) => e.type === "step-started" || e.type === "step-finished").map((e) => `${e.type} ${e.revision}`);
    expect(steps).toEqual(["step-started a1", "step-finished a1", "step-started b2", "step-finished b2", "step-started c3", "step-finished c3", "step-started f6"]);
    expect(events.at(-1)).toMatchObject({ type: "end", status: "failed" });
    const shown = events.reduce(applyRunEvent, NO_RUN_PROGRESS);
    expect(shown.steps.at(-1)).toMatchObject({ revision: "f6", state: "stopped" });
  }, 60_000);

  it("resumes after Last-Event-ID with the events that follow it, numbered as before", async () => {
    const all = await stream(upgradeId);
    const whole = eventsOf(all);
    // Resume after the line where b2 started: the next line comes first, and b2 finishes and c3 starts as 2 and 3 of 3.
    const b2 = startOf(whole, "b2")!;
    const resumed = await stream(upgradeId, { "last-event-id": String(b2.seq) });
    const events = eventsOf(resumed);
    expect(events[0]).toMatchObject({ type: "line", seq: b2.seq + 1 });
    expect(events.filter((e) => e.type === "line" && e.seq <= b2.seq)).toEqual([]);
    expect(events.filter((e) => e.type === "step-started").map((e) => `${e.revision} ${e.index}/${e.total}`)).toEqual(["c3 3/3"]);
    expect(events.filter((e) => e.type === "step-finished").map((e) => e.revision)).toEqual(["b2", "c3"]);
    // The ids are the log's seqs, on the last event of each line: the browser resumes at a whole line.
    const ids = resumed.filter((e) => e.id !== undefined).map((e) => Number(e.id));
    expect(ids[0]).toBe(b2.seq + 1);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // The end and the last step's finish carry no id: resuming after the last line repeats them, nothing else.
    const afterLast = eventsOf(await stream(upgradeId, { "last-event-id": String(ids.at(-1)) }));
    expect(afterLast.map((e) => e.type)).toEqual(["step-finished", "end"]);
  }, 60_000);

  it("is refused to someone not signed in, and answers 404 for a run that does not exist", async () => {
    const anonymous = await logRoute.GET(request("GET", `/api/runs/${upgradeId}/log`), ctx({ id: upgradeId }));
    expect(anonymous.status).toBe(401);
    const missing = "00000000-0000-0000-0000-000000000000";
    const res = await logRoute.GET(request("GET", `/api/runs/${missing}/log`, { cookie: viewer.cookie }), ctx({ id: missing }));
    expect(res.status).toBe(404);
  });
});
