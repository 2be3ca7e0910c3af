/**
 * Canonical spelling of a column type, so `int4`/`integer`/`INT` and `character varying(32)`/`varchar(32)`
 * compare equal. Short forms win because they are what people write and read in messages.
 */
const ALIASES: Record<string, string> = {
  int: "integer",
  int4: "integer",
  integer: "integer",
  int8: "bigint",
  bigint: "bigint",
  int2: "smallint",
  smallint: "smallint",
  "character varying": "varchar",
  varchar: "varchar",
  character: "char",
  char: "char",
  bpchar: "char",
  float8: "double precision",
  "double precision": "double precision",
  double: "double precision",
  float4: "real",
  real: "real",
  bool: "boolean",
  boolean: "boolean",
  decimal: "numeric",
  numeric: "numeric",
  "bit varying": "varbit",
  varbit: "varbit",
  timestamp: "timestamp",
  timestamptz: "timestamptz",
  time: "time",
  timetz: "timetz",
};

const TIME_ZONE = /^(timestamp|time)\s*(\(\s*\d+\s*\))?\s+(with|without)\s+time\s+zone$/;

// Schemas repeat a handful of types thousands of times; remember the answers.
const cache = new Map<string, string>();

export function canonicalType(type: string): string {
  let hit = cache.get(type);
  if (hit === undefined) {
    hit = computeCanonicalType(type);
    if (cache.size > 10_000) cache.clear();
    cache.set(type, hit);
  }
  return hit;
}

function computeCanonicalType(type: string): string {
  let t = type.trim().replace(/\s+/g, " ").toLowerCase();
  if (t.startsWith("pg_catalog.")) t = t.slice("pg_catalog.".length);
  // Arrays: PostgreSQL prints `integer[]`; its internal name is `_int4`.
  let suffix = "";
  const arr = /((\s*\[\s*\d*\s*\])+)$/.exec(t);
  if (arr) {
    suffix = "[]".repeat((arr[1]!.match(/\[/g) ?? []).length);
    t = t.slice(0, arr.index).trim();
  } else if (/^_[a-z0-9]+$/.test(t)) {
    suffix = "[]";
    t = t.slice(1);
  }
  const tz = TIME_ZONE.exec(t);
  if (tz) {
    const base = tz[3] === "with" ? `${tz[1]}tz` : tz[1]!;
    const mod = tz[2] ? tz[2].replace(/\s+/g, "") : "";
    return base + mod + suffix;
  }
  const m = /^([^(]*?)\s*(\(([^)]*)\))?$/.exec(t);
  if (!m) return t + suffix;
  const base = m[1]!.trim();
  const mod =
    m[3] !== undefined
      ? `(${m[3]
          .split(",")
          .map((s) => s.trim())
          .join(",")})`
      : "";
  return (ALIASES[base] ?? base) + mod + suffix;
}
