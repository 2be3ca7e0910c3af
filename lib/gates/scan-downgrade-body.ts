import { PythonSyntaxError, tokenizePython, type Token } from "@/lib/alembic/tokenize-python";
import { isEmptyBody, moduleFunctionBody } from "@/lib/alembic/python-function-body";

/** A data-destroying operation found in a migration's downgrade(). */
export interface DestructiveOp {
  /** "drop_table" | "drop_column" | "execute" | "alter_column". */
  op: string;
  /** Plain words: "drops table orders". */
  description: string;
  line: number;
}

export interface DowngradeScan {
  /** No `def downgrade` at module level. */
  missing: boolean;
  /** The body does nothing: only `pass`, `...` and docstrings. */
  empty: boolean;
  /** The body contains a `raise` statement. */
  raises: boolean;
  destructive: DestructiveOp[];
  /** Set when the file could not be tokenized. */
  error?: string;
}

const SQL_DESTROYS = /\b(DELETE|TRUNCATE|DROP)\b/i;

/** The tokens inside the call parentheses that start at `open` (exclusive), and the index after them. */
function callArgs(body: Token[], open: number): Token[] {
  const out: Token[] = [];
  let depth = 0;
  for (let k = open; k < body.length; k++) {
    const v = body[k]!;
    if (v.type === "op" && "([{".includes(v.value)) {
      depth++;
      if (depth === 1) continue;
    } else if (v.type === "op" && ")]}".includes(v.value)) {
      depth--;
      if (depth === 0) return out;
    }
    out.push(v);
  }
  return out;
}

function firstStrings(args: Token[], n: number): string[] {
  return args
    .filter((a) => a.type === "string")
    .slice(0, n)
    .map((a) => a.value);
}

/**
 * Reads a migration's downgrade() with a Python tokenizer (never line regexes): a `drop_table` in a
 * comment or a docstring is not an operation. Finds data-destroying calls on any receiver
 * (`op.`, `batch_op.`), empty bodies and raises.
 */
export function scanDowngradeBody(source: string): DowngradeScan {
  let tokens: Token[];
  try {
    tokens = tokenizePython(source);
  } catch (e) {
    const msg = e instanceof PythonSyntaxError ? `${e.message} (line ${e.line})` : String(e);
    return { missing: false, empty: false, raises: false, destructive: [], error: msg };
  }
  const body = moduleFunctionBody(tokens, "downgrade")?.body;
  if (!body) return { missing: true, empty: true, raises: false, destructive: [] };

  const destructive: DestructiveOp[] = [];
  let raises = false;
  for (let k = 0; k < body.length; k++) {
    const t = body[k]!;
    if (t.type === "name" && t.value === "raise") raises = true;
    const isCall = t.type === "name" && body[k - 1]?.value === "." && body[k + 1]?.value === "(";
    if (!isCall) continue;
    const args = callArgs(body, k + 1);
    if (t.value === "drop_table") {
      const [table] = firstStrings(args, 1);
      destructive.push({ op: "drop_table", description: `drops table ${table ?? "(computed name)"}`, line: t.line });
    } else if (t.value === "drop_column") {
      const names = firstStrings(args, 2);
      // batch_op.drop_column("col") names only the column.
      const desc = names.length >= 2 ? `${names[0]}.${names[1]}` : (names[0] ?? "(computed name)");
      destructive.push({ op: "drop_column", description: `drops column ${desc}`, line: t.line });
    } else if (t.value === "execute") {
      const sql = args
        .filter((a) => a.type === "string")
        .map((a) => a.value)
        .join(" ");
      const m = SQL_DESTROYS.exec(sql);
      if (m) destructive.push({ op: "execute", description: `runs SQL with ${m[1]!.toUpperCase()}: ${sql.trim().replace(/\s+/g, " ").slice(0, 80)}`, line: t.line });
    } else if (t.value === "alter_column") {
      const typeKw = args.findIndex((a, idx) => a.type === "name" && a.value === "type_" && args[idx + 1]?.value === "=");
      if (typeKw >= 0) {
        const names = firstStrings(args, 2);
        destructive.push({ op: "alter_column", description: `changes the type of ${names.join(".") || "a column"} (values may be truncated or lost)`, line: t.line });
      }
    }
  }
  return { missing: false, empty: isEmptyBody(body), raises, destructive };
}
