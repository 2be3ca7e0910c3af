import type { Token } from "@/lib/alembic/tokenize-python";

/**
 * The tokens of a module-level `def <name>(…):` body, with the def's line, or null when the module
 * has none. A one-line body (`def downgrade(): pass`) is its tokens after the colon; otherwise the
 * body runs from the header's newline to the first token indented no deeper than the def.
 */
export function moduleFunctionBody(tokens: Token[], name: string): { line: number; body: Token[] } | null {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!(t.type === "name" && t.value === "def" && t.indent === 0 && tokens[i + 1]?.value === name)) continue;
    // Skip the signature: to the ':' at bracket depth 0.
    let j = i + 2;
    let depth = 0;
    for (; j < tokens.length; j++) {
      const v = tokens[j]!;
      if (v.type === "op" && "([{".includes(v.value)) depth++;
      else if (v.type === "op" && ")]}".includes(v.value)) depth--;
      else if (v.type === "op" && v.value === ":" && depth === 0) break;
    }
    const body: Token[] = [];
    let pastHeader = false;
    for (j++; j < tokens.length; j++) {
      const v = tokens[j]!;
      if (v.type === "end" || (pastHeader && v.indent >= 0 && v.indent <= t.indent)) break;
      if (v.type === "newline") pastHeader = true;
      body.push(v);
    }
    return { line: t.line, body };
  }
  return null;
}

/** A body that does nothing: only `pass`, `...` and a docstring. */
export function isEmptyBody(body: Token[]): boolean {
  return body.every((t) => t.type === "newline" || (t.type === "name" && t.value === "pass") || (t.type === "op" && t.value === "...") || (t.type === "string" && t.indent >= 0));
}
