/**
 * Compares two schemas object by object and says what differs in one readable line each, e.g.
 * `blocks.created_at: nullable → NOT NULL` or `index ix_notes_search_vector only on staging`.
 */
import { asNormalizedSnapshot, DISPLAY, type NormalizedConstraint, type NormalizedIndex, type NormalizedSnapshot } from "@/lib/drift/normalize-snapshot";
import type { DiffLabels, DriftDifference, SchemaSnapshot } from "@/lib/drift/types";

const CONSTRAINT_NOUN: Record<NormalizedConstraint["kind"], string> = {
  primary: "primary key",
  foreign: "foreign key",
  unique: "unique constraint",
  check: "check constraint",
  exclusion: "exclusion constraint",
};

/**
 * Walks two lists sorted by key (normalisation sorts them) in step, so differences come out in key
 * order whichever side an object is on; `both` sees pairs with equal keys, `only` the rest.
 */
function mergeByKey<T>(left: readonly T[], right: readonly T[], keyOf: (x: T) => string, only: (x: T, side: "left" | "right") => void, both: (l: T, r: T) => void): void {
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const l = left[i];
    const r = right[j];
    if (l === undefined) {
      only(r!, "right");
      j++;
      continue;
    }
    if (r === undefined) {
      only(l, "left");
      i++;
      continue;
    }
    const lk = keyOf(l);
    const rk = keyOf(r);
    if (lk === rk) {
      both(l, r);
      i++;
      j++;
    } else if (lk < rk) {
      only(l, "left");
      i++;
    } else {
      only(r, "right");
      j++;
    }
  }
}

/** The name to show; a snapshot that went through JSON has lost its display names, so fall back to the key. */
function shown(x: { key: string; [DISPLAY]?: string }): string {
  return x[DISPLAY] ?? x.key.replace(/^name /, "");
}

function list(xs: readonly string[]): string {
  return `(${xs.join(", ")})`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function indexSummary(i: NormalizedIndex): string {
  return `${i.unique ? "unique " : ""}${i.method && i.method !== "btree" ? `${i.method} ` : ""}${list(i.columns)}${i.include.length ? ` include ${list(i.include)}` : ""}${i.predicate ? ` where ${i.predicate}` : ""}`;
}

/** Differences from `left` to `right`; empty when the schemas are the same after normalisation. */
export function diffSnapshots(left: SchemaSnapshot | NormalizedSnapshot, right: SchemaSnapshot | NormalizedSnapshot, labels: DiffLabels = { left: "left", right: "right" }): DriftDifference[] {
  const a = asNormalizedSnapshot(left);
  const b = asNormalizedSnapshot(right);
  const out: DriftDifference[] = [];
  const sideLabel = (side: "left" | "right") => (side === "left" ? labels.left : labels.right);
  const onlyOn = (kind: DriftDifference["kind"], object: string, value: string, side: "left" | "right") => out.push({ kind, object, [side]: value, message: `${object} only on ${sideLabel(side)}` });
  const changed = (kind: DriftDifference["kind"], object: string, aspect: string, l: string, r: string) => out.push({ kind, object, left: l, right: r, message: `${object}: ${aspect}${aspect ? " " : ""}${l} → ${r}` });

  if (a.dialect !== b.dialect) changed("dialect", "database", "dialect", a.dialect, b.dialect);

  mergeByKey(
    a.tables,
    b.tables,
    (t) => t.key,
    (t, side) => onlyOn("table-only", `table ${t.key}`, `${t.columns.length} columns`, side),
    (lt, rt) => {
      mergeByKey(
        lt.columns,
        rt.columns,
        (c) => c.name,
        (c, side) => onlyOn("column-only", `column ${lt.key}.${c.name}`, `${c.type}${c.nullable ? "" : " NOT NULL"}`, side),
        (lc, rc) => {
          const obj = `${lt.key}.${lc.name}`;
          if (lc.type !== rc.type) changed("column-type", obj, "type", lc.type, rc.type);
          if (lc.nullable !== rc.nullable) changed("column-nullable", obj, "", lc.nullable ? "nullable" : "NOT NULL", rc.nullable ? "nullable" : "NOT NULL");
          if (lc.default !== rc.default) changed("column-default", obj, "default", lc.default ?? "none", rc.default ?? "none");
          if (lc.identity !== rc.identity) changed("column-identity", obj, "identity", lc.identity ?? "none", rc.identity ?? "none");
          if (lc.generated !== rc.generated) changed("column-generated", obj, "generated as", lc.generated ?? "none", rc.generated ?? "none");
        },
      );
      mergeByKey(
        lt.constraints,
        rt.constraints,
        (c) => c.key,
        (c, side) => onlyOn("constraint-only", `${CONSTRAINT_NOUN[c.kind]} ${shown(c)}`, c.definition, side),
        (lc, rc) => {
          if (lc.definition !== rc.definition || lc.kind !== rc.kind) {
            const object = `${CONSTRAINT_NOUN[lc.kind]} ${shown(lc)}`;
            out.push({ kind: "constraint-changed", object, left: lc.definition, right: rc.definition, message: `${object} differs` });
          }
        },
      );
      mergeByKey(
        lt.indexes,
        rt.indexes,
        (i) => i.key,
        (i, side) => onlyOn("index-only", `index ${shown(i)}`, indexSummary(i), side),
        (li, ri) => {
          const obj = `index ${shown(li)}`;
          if (!sameList(li.columns, ri.columns)) changed("index-changed", obj, "columns", list(li.columns), list(ri.columns));
          if (li.unique !== ri.unique) changed("index-changed", obj, "", li.unique ? "unique" : "not unique", ri.unique ? "unique" : "not unique");
          if (li.predicate !== ri.predicate) changed("index-changed", obj, "where", li.predicate ?? "none", ri.predicate ?? "none");
          if (li.method !== ri.method) changed("index-changed", obj, "method", li.method ?? "default", ri.method ?? "default");
          if (!sameList(li.include, ri.include)) changed("index-changed", obj, "include", list(li.include), list(ri.include));
        },
      );
    },
  );

  mergeByKey(
    a.views,
    b.views,
    (v) => v.key,
    (v, side) => onlyOn("view-only", `${v.materialized ? "materialized view" : "view"} ${v.key}`, v.definition, side),
    (lv, rv) => {
      if (lv.definition !== rv.definition || lv.materialized !== rv.materialized) {
        const object = `${lv.materialized ? "materialized view" : "view"} ${lv.key}`;
        out.push({ kind: "view-changed", object, left: lv.definition, right: rv.definition, message: `${object} differs` });
      }
    },
  );

  mergeByKey(
    a.enums,
    b.enums,
    (e) => e.key,
    (e, side) => onlyOn("enum-only", `enum ${e.key}`, list(e.labels), side),
    (le, re) => {
      if (!sameList(le.labels, re.labels)) changed("enum-labels", `enum ${le.key}`, "labels", list(le.labels), list(re.labels));
    },
  );

  mergeByKey(
    a.sequences,
    b.sequences,
    (s) => s.key,
    (s, side) => onlyOn("sequence-only", `sequence ${shown(s)}`, `${s.type} increment ${s.increment}`, side),
    (ls, rs) => {
      const obj = `sequence ${shown(ls)}`;
      for (const f of ["type", "start", "increment", "min", "max"] as const) {
        if (ls[f] !== rs[f]) changed("sequence-changed", obj, f, ls[f], rs[f]);
      }
      if (ls.cycle !== rs.cycle) changed("sequence-changed", obj, "", ls.cycle ? "cycle" : "no cycle", rs.cycle ? "cycle" : "no cycle");
      if (ls.ownedBy !== rs.ownedBy) changed("sequence-changed", obj, "owned by", ls.ownedBy ?? "none", rs.ownedBy ?? "none");
    },
  );

  return out;
}
