/**
 * Turning what people type into the shapes the shared zod schemas expect, and back. Pure: the
 * project and environment forms use these before validating with the same schema as the server.
 */
import { ApiError } from "@/components/ui/call-api";

/**
 * Splits a command line into words the way a reader would, with no shell involved:
 * `poetry run alembic` → ["poetry", "run", "alembic"]; quotes keep spaces inside one word
 * (`"/opt/my tools/alembic"`), and a backslash escapes the next character.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The inverse of splitWords, for showing a stored argument array in a text field. */
export function joinWords(words: readonly string[]): string {
  return words.map((w) => (w === "" ? '""' : /[\s"'\\]/.test(w) ? `"${w.replace(/["\\]/g, "\\$&")}"` : w)).join(" ");
}

/** One entry per line (or per comma, for e-mails), blanks dropped. */
export function splitList(text: string, separators: RegExp = /\n/): string[] {
  return text
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `{"a": "b"}` → the object; a field error message for anything else. */
export function parseJsonObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(trimmed);
    if (value && typeof value === "object" && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
  } catch {
    /* reported below */
  }
  return { ok: false, message: 'must be a JSON object, e.g. {"cli.EXPAND_BRANCH": "expand"}' };
}

/** Field errors keyed by the input's top-level field ("approvers.1" → "approvers"). */
export type FieldErrors = Record<string, string[]>;

export function fieldErrorsOf(issues: readonly { path: string | readonly PropertyKey[]; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const parts = typeof issue.path === "string" ? issue.path.split(".") : issue.path.map(String);
    const field = parts[0] || "(form)";
    const where = parts.length > 1 ? `item ${Number(parts[1]) + 1 || parts[1]}: ` : "";
    (out[field] ??= []).push(`${where}${issue.message}`);
  }
  return out;
}

/** A refused save as a form shows it: each field's issues under its input, and one line above the form. */
export function formErrorsOf(e: unknown): { fieldErrors: FieldErrors; message: string } {
  if (e instanceof ApiError) return { fieldErrors: fieldErrorsOf(e.issues), message: e.issues.length ? "Please correct the highlighted fields." : e.message };
  return { fieldErrors: {}, message: e instanceof Error ? e.message : String(e) };
}
