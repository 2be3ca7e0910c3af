/**
 * Migration lint: reads the SQL Alembic rendered offline for each migration of a path with
 * PostgreSQL's parser, and its Python source with Cairn's tokenizer, and reports what will lock,
 * lose data, break deployed code or fail at run time. Pure: data in, data out (call
 * loadSqlParser() once before).
 */
import { LINT_RULES, notApplicableReason } from "@/lib/lint/lint-rules";
import { parseStatements, type PgNode } from "@/lib/lint/parse-sql";
import { readMigrationPython, type Acknowledgement, type MigrationPython, type PythonCall } from "@/lib/lint/read-migration-python";
import type { LintDialect, LintFinding, LintInput, LintMigration, LintReport, LintRuleId, NotApplicableRule } from "@/lib/lint/types";
import { LINT_RULE_IDS } from "@/lib/lint/types";

const JSONB_OPERATORS = new Set(["?", "?|", "?&", "@>", "<@"]);
/** Operators whose right side is also a json(b) value. */
const SYMMETRIC_JSONB_OPERATORS = new Set(["@>", "<@"]);
const SERIAL_TYPES = new Set(["serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"]);
const STATEMENT_CHARS = 300;

/** What the path has done so far: which tables and columns are new, and column types for type-aware rules. */
interface PathState {
  newTables: Set<string>;
  newColumns: Set<string>;
  /** table → column → type name (lower case, as PostgreSQL prints it: "json", "jsonb", "integer"). */
  columnTypes: Map<string, Map<string, string>>;
  indexTable: Map<string, string>;
}

/** One finding before it is placed on a line: the names that locate its op.* call. */
interface Pending {
  rule: LintRuleId;
  statement: string | null;
  detail: string;
  /** Names to find among the call's string arguments, most specific first. */
  names: string[];
  /** op.* functions that emit it. */
  calls: string[];
  /** For table-recreate: drop-table findings it replaces. */
  table?: string;
}

const LOCATE_CALLS: Record<LintRuleId, string[]> = {
  "drop-table": ["drop_table"],
  "drop-column": ["drop_column"],
  "table-recreate": ["batch_alter_table", "drop_table", "create_table", "rename_table"],
  "rename-table": ["rename_table"],
  "rename-column": ["alter_column"],
  "column-type-change": ["alter_column"],
  "not-null-without-default": ["add_column", "alter_column"],
  "non-concurrent-index": ["create_index", "drop_index"],
  "constraint-without-not-valid": ["create_foreign_key", "create_check_constraint"],
  "row-by-row-backfill": [],
  "jsonb-operator-on-json": [],
  "syntax-error": [],
  "irreversible-downgrade": [],
  "revision-id-too-long": [],
  "preview-unavailable": [],
};

/** The type's own name, lower case, as PostgreSQL prints it: "json", "int4", "varchar". */
function typeNameOf(typeName: unknown): string {
  const names = (field(typeName, "names") as unknown[] | undefined) ?? [];
  const last = names.length ? str(field(names[names.length - 1], "String", "sval")) : "";
  return (last ?? "").toLowerCase();
}

/** The type with its modifiers, for messages: "varchar(50)", "numeric(10,2)". */
function typeTextOf(typeName: unknown): string {
  const mods = list(field(typeName, "typmods")).map((m) => field(m, "A_Const", "ival", "ival"));
  return `${typeNameOf(typeName)}${mods.length && mods.every((m) => typeof m === "number") ? `(${mods.join(",")})` : ""}`;
}

/** Reads a path of keys through libpg_query's JSON. */
function field(node: unknown, ...keys: string[]): unknown {
  let v: unknown = node;
  for (const k of keys) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}
function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function kindOf(node: PgNode): [string, Record<string, unknown>] {
  const key = Object.keys(node)[0] ?? "";
  return [key, (node[key] ?? {}) as Record<string, unknown>];
}
/** The last name of a qualified name list (`schema.table` → table). */
function lastName(items: unknown): string | undefined {
  const names = list(field(items, "List", "items")).map((i) => str(field(i, "String", "sval")));
  return names[names.length - 1];
}

function shorten(sql: string): string {
  const one = sql.replace(/\s+/g, " ").trim();
  return one.length > STATEMENT_CHARS ? `${one.slice(0, STATEMENT_CHARS - 1)}…` : one;
}

function initialState(input: LintInput): PathState {
  const columnTypes = new Map<string, Map<string, string>>();
  const indexTable = new Map<string, string>();
  for (const t of input.schema?.tables ?? []) {
    columnTypes.set(t.name, new Map(t.columns.map((c) => [c.name, c.type.toLowerCase()])));
    for (const ix of t.indexes) indexTable.set(ix.name, t.name);
  }
  return { newTables: new Set(), newColumns: new Set(), columnTypes, indexTable };
}

/** Analyses one migration's statements; the path state carries over to the next migration. */
function lintStatements(sql: string, state: PathState, dialect: LintDialect, versionTable: string): Pending[] {
  const out: Pending[] = [];
  const createdHere = new Set<string>();
  const droppedHere = new Set<string>();
  const isNew = (table: string) => state.newTables.has(table);
  const typesOf = (table: string) => {
    let m = state.columnTypes.get(table);
    if (!m) state.columnTypes.set(table, (m = new Map()));
    return m;
  };

  for (const stmt of parseStatements(sql)) {
    if (!stmt.node) {
      if (dialect === "postgresql") out.push({ rule: "syntax-error", statement: shorten(stmt.text), detail: `PostgreSQL's parser rejects this statement: ${stmt.error}`, names: [], calls: ["execute"] });
      continue;
    }
    const [kind, n] = kindOf(stmt.node);
    const text = shorten(stmt.text);
    const relation = str(field(n, "relation", "relname"));
    if (kind === "TransactionStmt" || (relation !== undefined && relation === versionTable)) continue;

    if (kind === "CreateStmt" && relation) {
      if (droppedHere.has(relation)) {
        out.push({ rule: "table-recreate", statement: text, detail: `Table ${relation} is dropped and created again in this migration`, names: [relation], calls: LOCATE_CALLS["table-recreate"], table: relation });
      }
      state.newTables.add(relation);
      createdHere.add(relation);
      const types = new Map<string, string>();
      for (const elt of list(n.tableElts)) {
        const col = field(elt, "ColumnDef");
        const name = str(field(col, "colname"));
        if (name) types.set(name, typeNameOf(field(col, "typeName")));
      }
      state.columnTypes.set(relation, types);
    } else if (kind === "CreateTableAsStmt") {
      const name = str(field(n, "into", "rel", "relname"));
      if (name) {
        state.newTables.add(name);
        createdHere.add(name);
      }
    } else if (kind === "DropStmt" && n.removeType === "OBJECT_TABLE") {
      for (const obj of list(n.objects)) {
        const table = lastName(obj);
        if (!table) continue;
        if (isNew(table)) state.newTables.delete(table);
        else {
          droppedHere.add(table);
          out.push({ rule: "drop-table", statement: text, detail: `Drops table ${table}`, names: [table], calls: LOCATE_CALLS["drop-table"], table });
        }
        state.columnTypes.delete(table);
      }
    } else if (kind === "DropStmt" && n.removeType === "OBJECT_INDEX") {
      for (const obj of list(n.objects)) {
        const index = lastName(obj);
        if (!index) continue;
        const table = state.indexTable.get(index);
        if (!n.concurrent && !(table && isNew(table))) {
          out.push({ rule: "non-concurrent-index", statement: text, detail: `Drops index ${index}${table ? ` on ${table}` : ""} without CONCURRENTLY`, names: [index], calls: LOCATE_CALLS["non-concurrent-index"] });
        }
        state.indexTable.delete(index);
      }
    } else if (kind === "IndexStmt" && relation) {
      const index = str(n.idxname);
      if (index) state.indexTable.set(index, relation);
      if (!n.concurrent && !isNew(relation)) {
        out.push({
          rule: "non-concurrent-index",
          statement: text,
          detail: `Creates index ${index ?? "(unnamed)"} on ${relation} without CONCURRENTLY`,
          names: index ? [index] : [relation],
          calls: LOCATE_CALLS["non-concurrent-index"],
        });
      }
    } else if (kind === "RenameStmt" && n.renameType === "OBJECT_TABLE" && relation) {
      const to = str(n.newname) ?? "";
      if (createdHere.has(relation) && droppedHere.has(to)) {
        out.push({ rule: "table-recreate", statement: text, detail: `Table ${to} is replaced by a copy (${relation}) renamed over it in this migration`, names: [to, relation], calls: LOCATE_CALLS["table-recreate"], table: to });
      } else if (!isNew(relation)) {
        out.push({ rule: "rename-table", statement: text, detail: `Renames table ${relation} to ${to}`, names: [relation, to], calls: LOCATE_CALLS["rename-table"] });
      }
      if (isNew(relation) || createdHere.has(relation)) {
        state.newTables.delete(relation);
        state.newTables.add(to);
        if (createdHere.delete(relation)) createdHere.add(to);
      }
      const types = state.columnTypes.get(relation);
      state.columnTypes.delete(relation);
      if (types) state.columnTypes.set(to, types);
    } else if (kind === "RenameStmt" && n.renameType === "OBJECT_COLUMN" && relation) {
      const from = str(n.subname) ?? "";
      const to = str(n.newname) ?? "";
      if (!isNew(relation) && !state.newColumns.has(`${relation}.${from}`)) {
        out.push({ rule: "rename-column", statement: text, detail: `Renames column ${relation}.${from} to ${to}`, names: [from, to], calls: LOCATE_CALLS["rename-column"] });
      }
      const types = typesOf(relation);
      const type = types.get(from);
      types.delete(from);
      if (type !== undefined) types.set(to, type);
    } else if (kind === "AlterTableStmt" && relation) {
      for (const cmdNode of list(n.cmds)) {
        const cmd = field(cmdNode, "AlterTableCmd") as Record<string, unknown> | undefined;
        if (!cmd) continue;
        const column = str(cmd.name);
        const existing = !isNew(relation);
        switch (cmd.subtype) {
          case "AT_AddColumn": {
            const def = field(cmd.def, "ColumnDef");
            const name = str(field(def, "colname")) ?? "";
            const type = typeNameOf(field(def, "typeName"));
            typesOf(relation).set(name, type);
            state.newColumns.add(`${relation}.${name}`);
            const constraints = list(field(def, "constraints")).map((c) => str(field(c, "Constraint", "contype")));
            const notNull = constraints.includes("CONSTR_NOTNULL") || constraints.includes("CONSTR_PRIMARY");
            const filled = constraints.some((c) => c === "CONSTR_DEFAULT" || c === "CONSTR_IDENTITY" || c === "CONSTR_GENERATED") || SERIAL_TYPES.has(type);
            if (existing && notNull && !filled) {
              out.push({ rule: "not-null-without-default", statement: text, detail: `Adds NOT NULL column ${relation}.${name} without a default`, names: [name], calls: LOCATE_CALLS["not-null-without-default"] });
            }
            break;
          }
          case "AT_DropColumn":
            if (existing && column && !state.newColumns.has(`${relation}.${column}`)) {
              out.push({ rule: "drop-column", statement: text, detail: `Drops column ${relation}.${column}`, names: [column], calls: LOCATE_CALLS["drop-column"] });
            }
            if (column) typesOf(relation).delete(column);
            break;
          case "AT_SetNotNull":
            if (existing) out.push({ rule: "not-null-without-default", statement: text, detail: `Sets ${relation}.${column} NOT NULL`, names: column ? [column] : [], calls: LOCATE_CALLS["not-null-without-default"] });
            break;
          case "AT_AlterColumnType": {
            const type = typeNameOf(field(cmd.def, "ColumnDef", "typeName"));
            const typeText = typeTextOf(field(cmd.def, "ColumnDef", "typeName"));
            if (existing) out.push({ rule: "column-type-change", statement: text, detail: `Changes the type of ${relation}.${column} to ${typeText}`, names: column ? [column] : [], calls: LOCATE_CALLS["column-type-change"] });
            if (column) typesOf(relation).set(column, type);
            break;
          }
          case "AT_AddConstraint": {
            const c = field(cmd.def, "Constraint") as Record<string, unknown> | undefined;
            const contype = str(c?.contype);
            if (existing && (contype === "CONSTR_FOREIGN" || contype === "CONSTR_CHECK") && !c?.skip_validation) {
              const name = str(c?.conname);
              const what = contype === "CONSTR_FOREIGN" ? "foreign key" : "check constraint";
              out.push({
                rule: "constraint-without-not-valid",
                statement: text,
                detail: `Adds ${what} ${name ?? "(unnamed)"} to ${relation} without NOT VALID`,
                names: name ? [name] : [relation],
                calls: LOCATE_CALLS["constraint-without-not-valid"],
              });
            }
            break;
          }
          default:
            break;
        }
      }
    }
    if (dialect === "postgresql") out.push(...jsonbOnJson(stmt.node, text, state));
  }

  // A table dropped and created again is reported once, as a recreate.
  const recreated = new Set(out.filter((p) => p.rule === "table-recreate").map((p) => p.table));
  return out.filter((p) => !(p.rule === "drop-table" && recreated.has(p.table)));
}

/** `col ? 'k'` and friends where `col` is a json (not jsonb) column of a table the statement reads. */
function jsonbOnJson(node: PgNode, text: string, state: PathState): Pending[] {
  const relations: { name: string; alias?: string }[] = [];
  const exprs: Record<string, unknown>[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (v === null || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (typeof o.relname === "string") relations.push({ name: o.relname, alias: str(field(o, "alias", "aliasname")) });
    const expr = o.A_Expr as Record<string, unknown> | undefined;
    if (expr && expr.kind === "AEXPR_OP") exprs.push(expr);
    for (const k in o) walk(o[k]);
  };
  walk(node);
  const out: Pending[] = [];
  const typeOf = (ref: unknown): { table: string; column: string; type: string } | undefined => {
    const fields = list(field(ref, "ColumnRef", "fields")).map((f) => str(field(f, "String", "sval")));
    if (!fields.length || fields.some((f) => f === undefined)) return undefined;
    const column = fields[fields.length - 1]!;
    const qualifier = fields.length > 1 ? fields[fields.length - 2] : undefined;
    const candidates = qualifier ? relations.filter((r) => r.alias === qualifier || (!r.alias && r.name === qualifier) || r.name === qualifier) : relations;
    for (const r of candidates) {
      const type = state.columnTypes.get(r.name)?.get(column);
      if (type !== undefined) return { table: r.name, column, type };
    }
    return undefined;
  };
  for (const expr of exprs) {
    const op = str(field(list(expr.name)[0], "String", "sval"));
    if (!op || !JSONB_OPERATORS.has(op)) continue;
    const sides = SYMMETRIC_JSONB_OPERATORS.has(op) ? [expr.lexpr, expr.rexpr] : [expr.lexpr];
    for (const side of sides) {
      const col = typeOf(side);
      if (col && col.type === "json") {
        out.push({ rule: "jsonb-operator-on-json", statement: text, detail: `Applies ${op} to ${col.table}.${col.column}, which is json, not jsonb`, names: [col.column], calls: ["execute"] });
      }
    }
  }
  return out;
}

/** The op.* call a finding comes from: a call of one of its functions naming its objects, else any call naming them. */
function locate(p: Pending, calls: PythonCall[], claimed: Set<PythonCall>): PythonCall | undefined {
  const named = (c: PythonCall, exact: boolean) => p.names.length > 0 && (exact ? c.strings.includes(p.names[0]!) : c.strings.some((s) => s.includes(p.names[0]!)));
  const tries: ((c: PythonCall) => boolean)[] = [(c) => p.calls.includes(c.fn) && named(c, true), (c) => named(c, true), (c) => (c.fn === "execute" || c.fn === "text") && named(c, false)];
  for (const t of tries) {
    const found = calls.find((c) => t(c) && !claimed.has(c)) ?? calls.find(t);
    if (found) return found;
  }
  return undefined;
}

function acknowledgementFor(rule: LintRuleId, lines: [number, number] | null, py: MigrationPython | null): { reason?: string; missingReason: boolean } {
  if (!py) return { missingReason: false };
  const matches = (a: Acknowledgement) => a.rules.includes(rule);
  const onLine = lines ? py.acknowledgements.filter((a) => matches(a) && a.line >= lines[0] - 1 && a.line <= lines[1]) : [];
  const all = [...onLine, ...py.docstringAcks.filter(matches)];
  const given = all.find((a) => a.reason);
  return given ? { reason: given.reason, missingReason: false } : { missingReason: all.length > 0 };
}

/**
 * Lints every migration of a path in order. Findings of rules that do not apply to the dialect
 * are never produced; those rules are listed in `notApplicable` with why.
 */
export function lintMigrations(input: LintInput): LintReport {
  const dialect = input.dialect;
  const versionTable = input.versionTable ?? "alembic_version";
  const width = input.versionNumWidth ?? 32;
  const applies = (rule: LintRuleId) => notApplicableReason(LINT_RULES[rule], dialect) === undefined;
  const notApplicable: NotApplicableRule[] = [];
  for (const rule of LINT_RULE_IDS) {
    const reason = notApplicableReason(LINT_RULES[rule], dialect);
    if (reason) notApplicable.push({ rule, reason });
  }
  const parsesSql = applies("drop-table");
  const state = initialState(input);
  const findings: LintFinding[] = [];

  for (const m of input.migrations) {
    const py = m.source === null ? null : readMigrationPython(m.source);
    const add = (rule: LintRuleId, detail: string, statement: string | null, lines: [number, number] | null) => {
      if (!applies(rule)) return;
      const def = LINT_RULES[rule];
      const ack = acknowledgementFor(rule, lines, py);
      const note = ack.missingReason ? " (A `# cairn: allow` comment names this rule but gives no reason after “—”, so it does not acknowledge it.)" : "";
      findings.push({
        rule,
        severity: def.severity,
        revision: m.revision,
        file: m.file,
        line: lines?.[0] ?? null,
        statement,
        message: `${detail}. ${def.why}${note}`,
        fix: def.fix,
        ...(ack.reason ? { acknowledged: ack.reason } : {}),
      });
    };
    lintOne(m, py, state, { dialect, versionTable, width, parsesSql, add });
  }
  const errors = findings.filter((f) => f.severity === "error" && !f.acknowledged).length;
  return { findings, migrations: input.migrations.length, notApplicable, errors };
}

interface LintContext {
  dialect: LintDialect;
  versionTable: string;
  width: number;
  parsesSql: boolean;
  add: (rule: LintRuleId, detail: string, statement: string | null, lines: [number, number] | null) => void;
}

function lintOne(m: LintMigration, py: MigrationPython | null, state: PathState, c: LintContext): void {
  const { add } = c;
  const upgradeLines: [number, number] | null = py?.upgradeLine ? [py.upgradeLine, py.upgradeLine] : null;

  if (m.revision.length > c.width) {
    const line = py?.revisionLine ?? null;
    add("revision-id-too-long", `Revision id ${m.revision} is ${m.revision.length} characters; version_num holds ${c.width}`, null, line ? [line, line] : null);
  }
  if (!m.rendered) {
    add("preview-unavailable", "Alembic could not render this migration offline (a merge of several revisions cannot be started from in offline mode); nothing of it was linted as SQL", null, upgradeLines);
  } else if (!m.rendered.ok) {
    add("preview-unavailable", `Alembic could not render this migration offline: ${m.rendered.reason}`, null, upgradeLines);
  }

  if (c.parsesSql && m.rendered?.sql.trim()) {
    const claimed = new Set<PythonCall>();
    for (const p of lintStatements(m.rendered.sql, state, c.dialect, c.versionTable)) {
      const call = py ? locate(p, py.calls, claimed) : undefined;
      if (call) claimed.add(call);
      add(p.rule, p.detail, p.statement, call ? [call.line, call.endLine] : upgradeLines);
    }
  }

  if (!py) return;
  if (py.error) return;
  for (const loop of py.rowLoops) {
    add("row-by-row-backfill", `upgrade() loops over rows and executes a statement for each (line ${loop.line})`, null, [loop.line, loop.endLine]);
  }
  // A merge's empty downgrade() undoes its empty upgrade() exactly.
  if (py.downgradeMissing || (py.downgradeEmpty && !py.upgradeEmpty) || py.downgradeRaises) {
    const what = py.downgradeMissing ? "There is no downgrade()" : py.downgradeRaises ? "downgrade() raises" : "downgrade() does nothing (pass)";
    const line = py.downgradeLine;
    add("irreversible-downgrade", what, null, line ? [line, py.downgradeEndLine ?? line] : null);
  }
}
