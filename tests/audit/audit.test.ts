import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { csvCell } from "@/lib/audit/format-audit-csv";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import * as auditRoute from "@/app/api/audit/route";
import * as exportRoute from "@/app/api/audit/export.csv/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let viewer: User;

const list = (user: User | undefined, qs = "") => auditRoute.GET(request("GET", `/api/audit${qs}`, { cookie: user?.cookie }), ctx({}));
const exportCsv = (user: User | undefined, qs = "") => exportRoute.GET(request("GET", `/api/audit/export.csv${qs}`, { cookie: user?.cookie }), ctx({}));

/** A minimal RFC 4180 parser, to read the export back the way a spreadsheet would. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

beforeAll(async () => {
  app = await useAppStore("cairn_audit_ui");
  db = app.db;
  viewer = await signedIn(db, "viewer");
  const project = await db.project.create({ data: { name: "shop", alembicPath: "/nowhere" } });
  const at = (iso: string) => ({ at: new Date(iso) });
  const rows = [
    { actor: { label: "ann@example.com" }, action: "signoff.create", environment: "qa", fromRevision: "a1", toRevision: "d4", outcome: "ok", details: { note: 'checked, "all" fine' } },
    { actor: { label: "bob@example.com" }, action: "run.request", environment: "staging", toRevision: "e5", outcome: "queued", details: { note: '=HYPERLINK("http://evil")' } },
    { actor: { label: "bob@example.com" }, action: "run.succeeded", environment: "staging", toRevision: "e5", outcome: "succeeded" },
    { actor: { label: "-2+3" }, action: "signoff.revoke", environment: "qa", toRevision: "d4", outcome: "ok", details: { reason: "line one\nline two" } },
    { actor: { label: "@SUM(A1)" }, action: "user.create", outcome: "ok" },
  ];
  for (const r of rows) await recordAudit(db, { ...r, projectId: r.environment ? project.id : null });
  // Spread the rows over days so date filters have something to cut.
  const all = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
  const days = ["2025-03-01T10:00:00Z", "2025-03-02T10:00:00Z", "2025-03-02T23:30:00Z", "2025-03-03T09:00:00Z", "2025-03-04T09:00:00Z"];
  // The table is append-only (a trigger refuses UPDATE), so re-insert copies with chosen times instead.
  await expect(db.auditEvent.update({ where: { id: all[0]!.id }, data: at(days[0]!) })).rejects.toThrow();
  for (const [i, r] of all.entries()) {
    await db.auditEvent.create({
      data: {
        actorId: r.actorId,
        actor: r.actor,
        projectId: r.projectId,
        environment: r.environment,
        fromRevision: r.fromRevision,
        toRevision: r.toRevision,
        outcome: r.outcome,
        details: r.details ?? {},
        at: new Date(days[i]!),
        action: `dated.${r.action}`,
      },
    });
  }
}, 60_000);

afterAll(async () => {
  await app?.close();
});

describe("GET /api/audit", () => {
  it("refuses anonymous; viewers may read", async () => {
    expect((await list(undefined)).status).toBe(401);
    expect((await list(viewer)).status).toBe(200);
  });

  it("filters by action prefix, actor, environment, outcome, project and dates", async () => {
    const actions = async (qs: string) => (await body(await list(viewer, qs))).events.map((e: { action: string }) => e.action);
    expect(await actions("?action=signoff")).toEqual(["signoff.revoke", "signoff.create"]);
    expect(await actions("?actor=BOB&action=run")).toEqual(["run.succeeded", "run.request"]);
    expect(await actions("?environment=qa&action=signoff")).toEqual(["signoff.revoke", "signoff.create"]);
    expect(await actions("?outcome=succeeded")).toEqual(["dated.run.succeeded", "run.succeeded"]);
    expect(await actions("?project=shop&action=run")).toEqual(["run.succeeded", "run.request"]);
    expect(await actions("?project=nope")).toEqual([]);
    // Bare dates: from the start of `from` to the end of `to` (UTC).
    expect(await actions("?action=dated&from=2025-03-02&to=2025-03-03")).toEqual(["dated.signoff.revoke", "dated.run.succeeded", "dated.run.request"]);
    expect(await actions("?action=dated&to=2025-03-02T12:00:00Z")).toEqual(["dated.run.request", "dated.signoff.create"]);
    const bad = await list(viewer, "?from=yesterday");
    expect(bad.status).toBe(422);
    expect((await body(bad)).error.message).toMatch(/from must be a date such as 2025-01-31/);
  });

  it("pages by cursor, newest first, without gaps or repeats", async () => {
    const seen: string[] = [];
    let qs = "?limit=3";
    for (let i = 0; i < 10; i++) {
      const page = await body(await list(viewer, qs));
      seen.push(...page.events.map((e: { id: string }) => e.id));
      if (!page.nextCursor) break;
      qs = `?limit=3&cursor=${page.nextCursor}`;
    }
    const all = (await db.auditEvent.findMany({ orderBy: { id: "desc" } })).map((e) => e.id.toString());
    expect(seen).toEqual(all);
    expect((await list(viewer, "?cursor=abc")).status).toBe(422);
  });
});

describe("GET /api/audit/export.csv", () => {
  it("csvCell quotes per RFC 4180 and neutralises formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell("=1+2")).toBe("'=1+2");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@x")).toBe("'@x");
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell(null)).toBe("");
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it("streams the filtered rows as a download, quoted and neutralised", async () => {
    expect((await exportCsv(undefined)).status).toBe(401);
    const res = await exportCsv(viewer, "?environment=qa&action=signoff");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="cairn-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await res.text();
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(["id", "at", "actor", "action", "project", "environment", "run", "from", "to", "outcome", "details"]);
    expect(rows.slice(1).map((r) => [r[2], r[3], r[4], r[5], r[7], r[8]])).toEqual([
      ["'-2+3", "signoff.revoke", "shop", "qa", "", "d4"],
      ["ann@example.com", "signoff.create", "shop", "qa", "a1", "d4"],
    ]);
    expect(JSON.parse(rows[1]![10]!)).toEqual({ reason: "line one\nline two" });
    expect(JSON.parse(rows[2]![10]!)).toEqual({ note: 'checked, "all" fine' });
    // The raw text really is quoted (the embedded quote doubled, the line break inside quotes).
    expect(text).toContain('"{""note"":""checked, \\""all\\"" fine""}"');

    const all = parseCsv(await (await exportCsv(viewer)).text());
    expect(all).toHaveLength(1 + (await db.auditEvent.count()));
    expect(all.some((r) => r[2] === "'@SUM(A1)")).toBe(true);
    // No cell starts with a formula character.
    for (const r of all.slice(1)) for (const c of r) expect(c).not.toMatch(/^[=+\-@]/);
    expect((await exportCsv(viewer, "?to=never")).status).toBe(422);
  });
});
