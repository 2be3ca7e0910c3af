import { z } from "zod";
import { AppError } from "@/lib/errors";

/** CAIRN_TRUST_PROXY: a small whole number of proxy hops; "true"/"false" are read as 1/0. */
export const ZTrustProxy = z
  .string()
  .trim()
  .regex(/^(\d{1,2}|true|false)$/, "must be the number of reverse proxies in front of Cairn, e.g. 1 (or unset when there is none)")
  .transform((v) => (v === "true" ? 1 : v === "false" ? 0 : Number(v)))
  .pipe(z.number().int().max(10, "must be at most 10 proxies"));

/** Cairn's environment variables, validated once at start-up. */
export const ZServerEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional(),
  CAIRN_DATA_DIR: z.string().min(1).default(".cairn"),
  CAIRN_CONFIG: z.string().min(1).optional(),
  /** 32 bytes as 64 hex characters or base64; encrypts stored database URLs. */
  CAIRN_SECRET_KEY: z.string().min(1).optional(),
  CAIRN_ADMIN_EMAIL: z.string().email().optional(),
  CAIRN_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  CAIRN_INSTANCE_ID: z.string().min(1).optional(),
  CAIRN_OIDC_ISSUER: z.string().url().optional(),
  CAIRN_OIDC_CLIENT_ID: z.string().min(1).optional(),
  CAIRN_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  CAIRN_PUBLIC_URL: z.string().url().optional(),
  /** How many reverse proxies in front of Cairn append to X-Forwarded-For (unset or 0: forwarded headers are ignored). */
  CAIRN_TRUST_PROXY: ZTrustProxy.optional(),
  /** Where `beforeRun: {"backup": true}` puts its dumps (CAIRN_BACKUP_DIR/<project>/<environment>/). */
  CAIRN_BACKUP_DIR: z.string().min(1).optional(),
  /** Seconds between the background's schema readings of each environment (before each one's jitter); default 900. */
  CAIRN_SCHEMA_READ_INTERVAL_SECONDS: z.coerce
    .number({ error: "must be a whole number of seconds, e.g. 900" })
    .int("must be a whole number of seconds, e.g. 900")
    .min(5, "must be at least 5 seconds")
    .max(7 * 86_400, "must be at most 604800 seconds (a week)")
    .optional(),
  /**
   * Seconds a connection to a target PostgreSQL database is kept after a status reading, for the next
   * poll to reuse (default 30, a little longer than the overview's 10 s poll); 0 closes it after every reading.
   */
  CAIRN_TARGET_IDLE_SECONDS: z.coerce
    .number({ error: "must be a whole number of seconds, e.g. 30 (0 closes target connections after every reading)" })
    .int("must be a whole number of seconds, e.g. 30 (0 closes target connections after every reading)")
    .min(0, "must be 0 or more seconds")
    .max(3600, "must be at most 3600 seconds (an hour)")
    .optional(),
});

export type TServerEnv = z.infer<typeof ZServerEnvSchema>;

let cached: TServerEnv | undefined;

/** Parses process.env; a bad value fails with a message naming the key and the fix. */
export function serverEnv(source: NodeJS.ProcessEnv = process.env): TServerEnv {
  if (source === process.env && cached) return cached;
  const blanksRemoved = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const parsed = ZServerEnvSchema.safeParse(blanksRemoved);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new AppError("config", `invalid environment: ${lines.join("; ")}`, `Cairn's configuration is invalid — ${lines.join("; ")}.`);
  }
  if (source === process.env) cached = parsed.data;
  return parsed.data;
}
