/**
 * What lint reads from a migration's Python source with Cairn's tokenizer (never line regexes):
 * acknowledgement comments, the op.* calls of upgrade() with their lines and string arguments (to
 * place SQL findings on a line), loops that execute per row, and where things are declared.
 */
import { PythonSyntaxError, PythonTokenizer, type Token } from "@/lib/alembic/tokenize-python";
import { isEmptyBody, moduleFunctionBody } from "@/lib/alembic/python-function-body";
import { LINT_RULE_IDS } from "@/lib/lint/types";

/** A `.name(…)` call in upgrade(): `op.drop_table("orders")`, `batch_op.alter_column("x", …)`. */
export interface PythonCall {
  fn: string;
  line: number;
  endLine: number;
  /** Every string literal among its arguments, at any depth (sa.Column("name", …) included). */
  strings: string[];
}

/** `# cairn: allow <rule>[, <rule>] — <reason>`. */
export interface Acknowledgement {
  rules: string[];
  /** Empty when none was given: such a comment does not acknowledge. */
  reason: string;
  line: number;
}

export interface MigrationPython {
  /** Comments on a line, and acknowledgements written in the module docstring (line 0 = docstring). */
  acknowledgements: Acknowledgement[];
  docstringAcks: Acknowledgement[];
  calls: PythonCall[];
  upgradeLine: number | null;
  downgradeLine: number | null;
  /** Last line of downgrade()'s body. */
  downgradeEndLine: number | null;
  revisionLine: number | null;
  /** `for` loops in upgrade() that call `.execute(` per iteration while upgrade() uses op.get_bind(). */
  rowLoops: { line: number; endLine: number }[];
  /** upgrade() does nothing (a merge): then an empty downgrade() is its exact inverse. */
  upgradeEmpty: boolean;
  /** downgrade() only passes (or is missing) / contains a raise. */
  downgradeEmpty: boolean;
  downgradeRaises: boolean;
  downgradeMissing: boolean;
  /** Set when the file does not tokenize. */
  error?: string;
}

const ACK = /cairn:\s*allow\s+([a-z][a-z-]*(?:\s*,\s*[a-z][a-z-]*)*)\s*(?:(?:—|–|--|-|:)\s*(.*))?$/i;
const KNOWN_RULES: ReadonlySet<string> = new Set(LINT_RULE_IDS);

function parseAck(text: string, line: number): Acknowledgement | null {
  const m = ACK.exec(text.trim());
  if (!m) return null;
  const rules = m[1]!
    .split(",")
    .map((r) => r.trim().toLowerCase())
    .filter((r) => KNOWN_RULES.has(r));
  if (!rules.length) return null;
  return { rules, reason: (m[2] ?? "").trim(), line };
}

/** Index of the bracket closing the one at `open`. */
function closing(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const v = tokens[k]!;
    if (v.type === "op" && "([{".includes(v.value)) depth++;
    else if (v.type === "op" && ")]}".includes(v.value) && --depth === 0) return k;
  }
  return tokens.length - 1;
}

function readCalls(body: Token[]): PythonCall[] {
  const calls: PythonCall[] = [];
  for (let k = 1; k < body.length - 1; k++) {
    const t = body[k]!;
    if (!(t.type === "name" && body[k - 1]!.value === "." && body[k + 1]!.value === "(")) continue;
    const end = closing(body, k + 1);
    const strings = body
      .slice(k + 2, end)
      .filter((a) => a.type === "string")
      .map((a) => a.value);
    calls.push({ fn: t.value, line: t.line, endLine: body[end]!.line, strings });
  }
  return calls;
}

/** A `for … in [ "a", "b" ]:` over literal constants is not a loop over rows. */
function iteratesLiterals(header: Token[]): boolean {
  const inAt = header.findIndex((t) => t.type === "name" && t.value === "in");
  const iterable = header.slice(inAt + 1, -1);
  if (!iterable.length || !(iterable[0]!.value === "[" || iterable[0]!.value === "(")) return false;
  return iterable.every((t) => t.type === "string" || t.type === "number" || (t.type === "op" && "[](),".includes(t.value)));
}

function readRowLoops(body: Token[]): { line: number; endLine: number }[] {
  if (!body.some((t) => t.type === "name" && t.value === "get_bind")) return [];
  const loops: { line: number; endLine: number }[] = [];
  for (let k = 0; k < body.length; k++) {
    const t = body[k]!;
    if (!(t.type === "name" && t.value === "for" && t.indent >= 0)) continue;
    let h = k;
    let depth = 0;
    for (; h < body.length; h++) {
      const v = body[h]!;
      if (v.type === "op" && "([{".includes(v.value)) depth++;
      else if (v.type === "op" && ")]}".includes(v.value)) depth--;
      else if (v.type === "op" && v.value === ":" && depth === 0) break;
    }
    const header = body.slice(k, h + 1);
    let e = h + 1;
    const oneLine = body[e] && body[e]!.type !== "newline";
    for (; e < body.length; e++) {
      const v = body[e]!;
      if (oneLine ? v.type === "newline" : v.indent >= 0 && v.indent <= t.indent) break;
    }
    const loopBody = body.slice(h + 1, e);
    const executes = loopBody.some((v, i) => v.type === "name" && v.value === "execute" && loopBody[i - 1]?.value === "." && loopBody[i + 1]?.value === "(");
    if (executes && !iteratesLiterals(header)) loops.push({ line: t.line, endLine: loopBody.length ? loopBody[loopBody.length - 1]!.line : t.line });
  }
  return loops;
}

/** Reads a migration's source; never throws (a file that does not tokenize gets `error`). */
export function readMigrationPython(source: string): MigrationPython {
  const acknowledgements: Acknowledgement[] = [];
  const tokens: Token[] = [];
  const empty: MigrationPython = {
    acknowledgements,
    docstringAcks: [],
    calls: [],
    upgradeLine: null,
    downgradeLine: null,
    downgradeEndLine: null,
    revisionLine: null,
    rowLoops: [],
    upgradeEmpty: false,
    downgradeEmpty: false,
    downgradeRaises: false,
    downgradeMissing: false,
  };
  try {
    const tokenizer = new PythonTokenizer(source, {
      onComment: (text, line) => {
        const ack = parseAck(text.replace(/^#+/, ""), line);
        if (ack) acknowledgements.push(ack);
      },
    });
    for (;;) {
      const t = tokenizer.next();
      tokens.push(t);
      if (t.type === "end") break;
    }
  } catch (e) {
    return { ...empty, error: e instanceof PythonSyntaxError ? `${e.message} (line ${e.line})` : String(e) };
  }

  const docstringAcks: Acknowledgement[] = [];
  const first = tokens[0];
  if (first?.type === "string" && first.indent === 0) {
    first.value.split("\n").forEach((text, i) => {
      const ack = parseAck(text.replace(/^\s*#?/, ""), first.line + i);
      if (ack) docstringAcks.push(ack);
    });
  }

  let revisionLine: number | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === "name" && t.value === "revision" && t.indent === 0 && (tokens[i + 1]?.value === "=" || tokens[i + 1]?.value === ":")) {
      revisionLine = t.line;
      break;
    }
  }

  const upgrade = moduleFunctionBody(tokens, "upgrade");
  const downgrade = moduleFunctionBody(tokens, "downgrade");
  const downgradeBody = downgrade?.body.filter((t) => t.type !== "newline") ?? [];
  return {
    acknowledgements,
    docstringAcks,
    calls: upgrade ? readCalls(upgrade.body) : [],
    upgradeLine: upgrade?.line ?? null,
    downgradeLine: downgrade?.line ?? null,
    downgradeEndLine: downgradeBody.length ? downgradeBody[downgradeBody.length - 1]!.line : (downgrade?.line ?? null),
    revisionLine,
    rowLoops: upgrade ? readRowLoops(upgrade.body) : [],
    downgradeMissing: !downgrade,
    upgradeEmpty: !!upgrade && isEmptyBody(upgrade.body),
    downgradeEmpty: !!downgrade && isEmptyBody(downgrade.body),
    downgradeRaises: !!downgrade && downgrade.body.some((t) => t.type === "name" && t.value === "raise" && t.indent >= 0),
  };
}
