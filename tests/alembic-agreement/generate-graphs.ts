/**
 * Seeded random migration directories for the agreement harness: real alembic.ini + versions/*.py
 * files that real Alembic loads. Shapes: linear runs, side branches, merges of 2–4 heads, branch
 * labels (also on roots), depends_on across branches by id and by label, several bases, several
 * heads, and file names unrelated to graph order so load order differs from history order.
 */
import fs from "node:fs";
import path from "node:path";
import type { MigrationScript } from "@/lib/graph/types";

export interface GenRevision {
  id: string;
  down: string[];
  labels: string[];
  deps: string[];
  /** File name inside versions/. */
  file: string;
  message: string;
}

export interface GeneratedProject {
  name: string;
  revisions: GenRevision[];
}

/** mulberry32: small, fast, good enough to make reproducible shapes. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ["add", "drop", "users", "orders", "index", "mail", "status", "cleanup", "audit", "billing", "expand", "contract"];

export function generateGraph(seed: number, size: number): GeneratedProject {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const revisions: GenRevision[] = [];
  const byId = new Map<string, GenRevision>();
  const children = new Map<string, number>();
  const ids = new Set<string>();
  let labelCount = 0;

  const newId = () => {
    for (;;) {
      const len = rand() < 0.8 ? 12 : 4 + Math.floor(rand() * 10);
      let id = "";
      for (let i = 0; i < len; i++) id += "0123456789abcdef"[Math.floor(rand() * 16)];
      // Ids that prefix each other are legal but make every 4-char prefix ambiguous; allow a few.
      if (!ids.has(id) && (rand() < 0.1 || ![...ids].some((o) => o.startsWith(id) || id.startsWith(o)))) {
        ids.add(id);
        return id;
      }
    }
  };
  const heads = () => revisions.filter((r) => !children.get(r.id)).map((r) => r.id);
  const ancestors = (id: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [id];
    while (todo.length) {
      const x = todo.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      const r = byId.get(x)!;
      todo.push(...r.down, ...r.deps.map((d) => revisions.find((o) => o.labels.includes(d))?.id ?? d));
    }
    return seen;
  };

  for (let i = 0; i < size; i++) {
    const id = newId();
    const hs = heads();
    let down: string[] = [];
    const labels: string[] = [];
    const roll = rand();
    let startsBranch = false;
    if (revisions.length === 0 || roll < 0.06) {
      startsBranch = true;
    } else if (roll < 0.2 && hs.length >= 2) {
      const n = Math.min(hs.length, 2 + Math.floor(rand() * 3));
      const pool = [...hs];
      while (down.length < n) down.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
    } else if (roll < 0.35) {
      down = [pick(revisions).id];
      startsBranch = (children.get(down[0]!) ?? 0) > 0;
    } else {
      down = [pick(hs)];
    }
    if (startsBranch && rand() < 0.45) labels.push(`br${++labelCount}`);
    const deps: string[] = [];
    if (revisions.length > 3 && rand() < 0.15) {
      const own = new Set(down.flatMap((d) => [...ancestors(d)]));
      const candidates = revisions.filter((r) => !own.has(r.id));
      // Two depends_on make Alembic's own order hash-seed dependent (a Python set); keep them rare.
      const nDeps = rand() < 0.04 ? 2 : 1;
      for (let k = 0; k < nDeps && candidates.length > 0; k++) {
        const target = candidates.splice(Math.floor(rand() * candidates.length), 1)[0]!;
        const byLabel = target.labels.length > 0 && rand() < 0.5;
        deps.push(byLabel ? target.labels[0]! : target.id);
      }
    }
    const slug = `${pick(WORDS)}_${pick(WORDS)}`;
    const stamp = String(1000 + Math.floor(rand() * 9000));
    const style = rand();
    const file = style < 0.3 ? `${id}_${slug}.py` : style < 0.7 ? `2025${stamp}_${slug}_${i}.py` : `${slug}_${stamp}_${i}.py`;
    const rev: GenRevision = { id, down, labels, deps, file, message: slug.replace("_", " ") };
    revisions.push(rev);
    byId.set(id, rev);
    for (const d of down) children.set(d, (children.get(d) ?? 0) + 1);
  }
  return { name: `seed-${seed}`, revisions };
}

function pyValue(values: string[], q: string, asList: boolean): string {
  if (values.length === 0) return "None";
  if (values.length === 1 && !asList) return `${q}${values[0]}${q}`;
  const inner = values.map((v) => `${q}${v}${q}`).join(", ");
  return asList ? `[${inner}]` : `(${inner}${values.length === 1 ? "," : ""})`;
}

/** Writes the project as real files; returns the ini and what each file declares, in file-name order. */
export function writeProject(root: string, project: GeneratedProject, seed = 1): { ini: string; versionsDir: string; scripts: MigrationScript[] } {
  const rand = rng(seed * 7919 + 17);
  const versionsDir = path.join(root, "versions");
  fs.mkdirSync(versionsDir, { recursive: true });
  const ini = path.join(root, "alembic.ini");
  fs.writeFileSync(ini, `[alembic]\nscript_location = ${root}\n`);
  const scripts: MigrationScript[] = [];
  for (const r of project.revisions) {
    const q = rand() < 0.5 ? '"' : "'";
    const lines = [`"""${r.message}`, "", `Revision ID: ${r.id}`, `Revises: ${r.down.join(", ")}`, "Create Date: 2025-09-15 10:00:00.000000", "", '"""', "", "# revision identifiers, used by Alembic."];
    const at = (s: string) => {
      lines.push(s);
      return lines.length;
    };
    const revisionLine = at(`revision = ${q}${r.id}${q}`);
    const downLine = at(`down_revision = ${pyValue(r.down, q, r.down.length > 1 && rand() < 0.15)}`);
    const labelsLine = at(`branch_labels = ${pyValue(r.labels, q, false)}`);
    const depsLine = at(`depends_on = ${pyValue(r.deps, q, r.deps.length > 1 && rand() < 0.3)}`);
    lines.push("", "", "def upgrade():", "    pass", "", "", "def downgrade():", "    pass", "");
    const file = path.join(versionsDir, r.file);
    fs.writeFileSync(file, lines.join("\n"));
    scripts.push({
      revision: r.id,
      downRevisions: r.down,
      branchLabels: r.labels,
      dependsOn: r.deps,
      path: file,
      message: r.message,
      createDate: "2025-09-15 10:00:00.000000",
      lines: { revision: revisionLine, downRevision: downLine, branchLabels: labelsLine, dependsOn: depsLine },
    });
  }
  scripts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ini, versionsDir, scripts };
}
