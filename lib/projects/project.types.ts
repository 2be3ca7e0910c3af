import { z } from "zod";

/** Shared by the project form and the server. Pure (zod only). */

export const ZProjectNameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must start with a letter or digit and hold only letters, digits, '.', '_' and '-'");

/** alembic.ini, a directory holding one, or a versions directory, on the Cairn server. */
const ZAlembicPath = z.string().trim().min(1, "is required").max(1000);
const ZCommand = z.array(z.string().min(1)).min(1, "needs at least the program, e.g. alembic");
const ZUrlEnvVar = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name");
const ZXArgs = z.array(z.string().regex(/^[^=\s]+=.*$/s, "must be key=value"));
const ZConstants = z.record(z.string(), z.union([z.string(), z.array(z.string()), z.null()]));

export const ZProjectInputSchema = z.strictObject({
  name: ZProjectNameSchema,
  alembicPath: ZAlembicPath,
  command: ZCommand.default(["alembic"]),
  urlEnvVar: ZUrlEnvVar.default("DATABASE_URL"),
  xArgs: ZXArgs.default([]),
  constants: ZConstants.default({}),
});
export type TProjectInput = z.input<typeof ZProjectInputSchema>;
export type TProject = z.output<typeof ZProjectInputSchema>;

/**
 * Every field optional and without defaults, so an omitted field keeps its stored value
 * (`ZProjectInputSchema.partial()` would keep the defaults and reset, e.g., `command`).
 */
export const ZProjectUpdateSchema = z.strictObject({
  name: ZProjectNameSchema.optional(),
  alembicPath: ZAlembicPath.optional(),
  command: ZCommand.optional(),
  urlEnvVar: ZUrlEnvVar.optional(),
  xArgs: ZXArgs.optional(),
  constants: ZConstants.optional(),
});
export type TProjectUpdate = z.output<typeof ZProjectUpdateSchema>;
