/**
 * Problem texts and read errors as every role sees them: paths under the project's directory made
 * relative to it, so a viewer never learns where the server keeps projects. Pure.
 */
import type { Problem } from "@/lib/graph/types";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The directory a project's paths are shown relative to: the alembic.ini's or pyproject.toml's directory, or the directory itself. */
export function projectDirOf(alembicPath: string): string {
  const trimmed = alembicPath.replace(/\/+$/, "");
  return /\.(ini|toml)$/.test(trimmed) ? trimmed.slice(0, trimmed.lastIndexOf("/")) || "/" : trimmed;
}

/** `text` with `<root>/x` written as `x` and `<root>` itself as "the project directory". */
export function relativeText(text: string, root: string): string {
  const r = root.replace(/\/+$/, "");
  if (!r) return text;
  return text
    .split(`${r}/`)
    .join("")
    .replace(new RegExp(`${escape(r)}(?![\\w.-])`, "g"), "the project directory")
    .replace(/^the project directory/, "The project directory");
}

/** The problems with their messages and paths relative to the project root. */
export function relativeProblems<P extends Problem>(problems: readonly P[], root: string): P[] {
  return problems.map((p) => ({ ...p, message: relativeText(p.message, root), ...(p.path !== undefined ? { path: relativeText(p.path, root) } : {}) }));
}
