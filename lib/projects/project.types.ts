import { z } from "zod";

/** Shared by the project form and the server. Pure (zod only). */

export const ZProjectNameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must start with a letter or digit and hold only letters, digits, '.', '_' and '-'");

export const ZProjectInputSchema = z.strictObject({
  name: ZProjectNameSchema,
  /** alembic.ini, a directory holding one, or a versions directory, on the Cairn server. */
  alembicPath: z.string().trim().min(1, "is required").max(1000),
  command: z.array(z.string().min(1)).min(1, "needs at least the program, e.g. alembic").default(["alembic"]),
  urlEnvVar: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name").default("DATABASE_URL"),
  xArgs: z.array(z.string().regex(/^[^=\s]+=.*$/s, "must be key=value")).default([]),
  constants: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.null()])).default({}),
});
export type TProjectInput = z.input<typeof ZProjectInputSchema>;
export type TProject = z.output<typeof ZProjectInputSchema>;

export const ZProjectUpdateSchema = ZProjectInputSchema.partial();
export type TProjectUpdate = z.output<typeof ZProjectUpdateSchema>;
