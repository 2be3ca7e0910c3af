/** Values for non-literal names in migration files, as a project stores them (a Json object). Pure. */
export type ProjectConstants = Record<string, string | string[] | null>;

/** A stored project's `constants` column as the reader takes them ({} when it is not an object). */
export function projectConstants(project: { constants: unknown }): ProjectConstants {
  const c = project.constants;
  return (c && typeof c === "object" && !Array.isArray(c) ? c : {}) as ProjectConstants;
}
