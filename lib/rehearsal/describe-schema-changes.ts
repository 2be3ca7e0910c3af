/**
 * A round trip's comparison in plain words: what the schema lacks or has extra after a downgrade
 * (or after the run is repeated), e.g. "index ix_notifications_user_id on notifications is missing
 * after downgrade". Built on the drift engine's per-object differences. Pure.
 */
import { diffSnapshots } from "@/lib/drift/diff-snapshots";
import type { DriftDifference, SchemaSnapshot } from "@/lib/drift/types";

const CONSTRAINT_NOUNS = ["primary key", "foreign key", "unique constraint", "check constraint", "exclusion constraint"];

/** The table an index or constraint belongs to, for "… on <table>". */
function tableOf(d: DriftDifference, snapshot: SchemaSnapshot): string | null {
  if (d.kind === "index-only" || d.kind === "index-changed") {
    const name = d.object.replace(/^index /, "");
    const t = snapshot.tables.find((x) => x.indexes.some((i) => i.name === name));
    return t ? (t.schema && t.schema !== "public" ? `${t.schema}.${t.name}` : t.name) : null;
  }
  if (d.kind === "constraint-only" || d.kind === "constraint-changed") {
    const noun = CONSTRAINT_NOUNS.find((n) => d.object.startsWith(`${n} `));
    const name = noun ? d.object.slice(noun.length + 1) : d.object;
    const t = snapshot.tables.find((x) => x.constraints.some((c) => c.name === name));
    return t ? (t.schema && t.schema !== "public" ? `${t.schema}.${t.name}` : t.name) : null;
  }
  return null;
}

/**
 * Differences from `expected` to `actual`, each one line ending in `when` ("after downgrade",
 * "after upgrading again"). Empty when the two schemas are the same after normalisation.
 */
export function describeSchemaChanges(expected: SchemaSnapshot, actual: SchemaSnapshot, when: string): string[] {
  return diffSnapshots(expected, actual, { left: "expected", right: "actual" }).map((d) => {
    const on = tableOf(d, d.left !== undefined && d.right === undefined ? expected : actual) ?? tableOf(d, expected);
    const object = on ? `${d.object} on ${on}` : d.object;
    if (d.kind.endsWith("-only")) {
      return d.right === undefined ? `${object} is missing ${when}` : `${object} is left over ${when} (it was not there before)`;
    }
    if (d.kind === "constraint-changed" || d.kind === "view-changed") return `${object} differs ${when}: ${d.left ?? "none"} → ${d.right ?? "none"}`;
    const message = d.message.startsWith(d.object) ? `${object}${d.message.slice(d.object.length)}` : d.message;
    return `${message} ${when}`;
  });
}
