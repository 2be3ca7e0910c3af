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
const ZUrlEnvVar = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name");

/**
 * `command` is a program Cairn runs as its own user and `xArgs` go to its command line: both are the
 * operator's to set, in cairn.config.json, never through a web form. Accepted as keys only to
 * refuse them with a message saying where they belong.
 */
function operatorOnly(field: "command" | "xArgs") {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (v !== undefined) {
        ctx.addIssue({
          code: "custom",
          message: `is set only in cairn.config.json (the operator's file): it is ${field === "command" ? "the program Cairn runs, as its own user, for this project" : "part of the command line of that program"}. Declare the project there with "${field}" and restart Cairn.`,
        });
      }
    })
    .transform(() => undefined)
    .optional();
}
const ZConstants = z.record(z.string(), z.union([z.string(), z.array(z.string()), z.null()]));

export const ZProjectInputSchema = z.strictObject({
  name: ZProjectNameSchema,
  alembicPath: ZAlembicPath,
  command: operatorOnly("command"),
  urlEnvVar: ZUrlEnvVar.default("DATABASE_URL"),
  xArgs: operatorOnly("xArgs"),
  constants: ZConstants.default({}),
});
export type TProjectInput = z.input<typeof ZProjectInputSchema>;
export type TProject = z.output<typeof ZProjectInputSchema>;

/**
 * Every field optional and without defaults, so an omitted field keeps its stored value
 * (`ZProjectInputSchema.partial()` would keep the defaults and reset, e.g., `urlEnvVar`).
 */
export const ZProjectUpdateSchema = z.strictObject({
  name: ZProjectNameSchema.optional(),
  alembicPath: ZAlembicPath.optional(),
  command: operatorOnly("command"),
  urlEnvVar: ZUrlEnvVar.optional(),
  xArgs: operatorOnly("xArgs"),
  constants: ZConstants.optional(),
});
export type TProjectUpdate = z.output<typeof ZProjectUpdateSchema>;
