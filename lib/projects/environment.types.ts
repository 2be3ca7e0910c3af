import { z } from "zod";
import { isMysqlUrl, parseMysqlUrl } from "@/lib/targets/parse-mysql-url";
import { rawAtInPassword } from "@/lib/secrets/check-database-url";

/** Shared by the environment form and the server: one schema per input. Pure (zod only). */

const ZIdentifier = z
  .string()
  .trim()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, "must be a plain identifier (letters, digits, _ and $, not starting with a digit)");

export const ZEnvironmentNameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must start with a letter or digit and hold only letters, digits, '.', '_' and '-'")
  // /api/projects/<p>/envs/order is the reorder route.
  .refine((name) => name !== "order", 'is reserved ("order"); choose another name');

/** `env:NAME`, or a PostgreSQL / MySQL / MariaDB / SQLite URL as SQLAlchemy writes it. */
export const ZDatabaseUrlSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(2000)
  .refine(
    (v) => /^env:[A-Za-z_][A-Za-z0-9_]*$/.test(v) || /^(postgres(ql)?|sqlite|mysql|mariadb)(\+[A-Za-z0-9_]+)?:\/\//.test(v),
    "must be env:VARIABLE_NAME or a postgresql://, mysql+pymysql:// (or mariadb+pymysql://) or sqlite:/// URL",
  )
  .superRefine((v, ctx) => {
    const refusal = rawAtInPassword(v);
    if (refusal) ctx.addIssue({ code: "custom", message: refusal });
    if (isMysqlUrl(v)) {
      const parsed = parseMysqlUrl(v);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
    }
  });

export const ZEnvironmentInputSchema = z.strictObject({
  name: ZEnvironmentNameSchema,
  url: ZDatabaseUrlSchema,
  protected: z.boolean().default(false),
  versionTable: ZIdentifier.default("alembic_version"),
  versionTableSchema: ZIdentifier.nullish().or(z.literal("").transform(() => null)),
  timeoutMs: z.int().min(100).max(120_000).default(3000),
  approvers: z.array(z.email()).default([]),
});
export type TEnvironmentInput = z.input<typeof ZEnvironmentInputSchema>;
export type TEnvironment = z.output<typeof ZEnvironmentInputSchema>;

/**
 * Every field optional; an omitted field keeps its stored value, and an omitted `url` keeps the
 * stored one (the form never receives it back). Spelled out rather than `.partial()`: partial()
 * keeps the input schema's defaults, so a PATCH of `{ timeoutMs }` would reset `protected` to false.
 */
export const ZEnvironmentUpdateSchema = z.strictObject({
  name: ZEnvironmentNameSchema.optional(),
  url: ZDatabaseUrlSchema.optional(),
  protected: z.boolean().optional(),
  versionTable: ZIdentifier.optional(),
  versionTableSchema: ZEnvironmentInputSchema.shape.versionTableSchema,
  timeoutMs: z.int().min(100).max(120_000).optional(),
  approvers: z.array(z.email()).optional(),
});
export type TEnvironmentUpdate = z.output<typeof ZEnvironmentUpdateSchema>;

export const ZEnvironmentOrderSchema = z.array(ZEnvironmentNameSchema).min(1);
