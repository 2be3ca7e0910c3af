/** The project settings an audit row records, old and new. None is secret: URLs live on environments. */
const AUDITED = ["name", "alembicPath", "command", "urlEnvVar", "xArgs", "constants", "source"] as const;

type Audited = Partial<Record<(typeof AUDITED)[number], unknown>>;

/**
 * `{ field: { from, to } }` for every audited setting that differs between `before` and `after`
 * (`before` undefined: a new project, every setting is new).
 */
export function projectChanges(before: Audited | undefined, after: Audited): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of AUDITED) {
    const from = before?.[k] ?? null;
    const to = after[k] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[k] = { from, to };
  }
  return out;
}
