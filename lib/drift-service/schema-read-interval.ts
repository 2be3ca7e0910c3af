import "server-only";
import { z } from "zod";
import { SCHEMA_READ_INTERVAL_MS } from "@/lib/drift/reading-age";

/** The server's setting: how often, in seconds, the background reads each environment's schema (before jitter). */
export const SCHEMA_READ_INTERVAL_VAR = "CAIRN_SCHEMA_READ_INTERVAL_SECONDS";

const ZIntervalSeconds = z.coerce
  .number()
  .int()
  .min(5)
  .max(7 * 86_400);

/** The configured interval in ms; the default (15 min) when unset or invalid (start-up says which, schemaReadIntervalProblem). */
export function schemaReadIntervalMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env[SCHEMA_READ_INTERVAL_VAR];
  if (raw === undefined || raw.trim() === "") return SCHEMA_READ_INTERVAL_MS;
  const parsed = ZIntervalSeconds.safeParse(raw);
  return parsed.success ? parsed.data * 1000 : SCHEMA_READ_INTERVAL_MS;
}

/** A start-up banner when the setting is there but unusable, naming the key and what it takes. */
export function schemaReadIntervalProblem(env: Record<string, string | undefined> = process.env): string | null {
  const raw = env[SCHEMA_READ_INTERVAL_VAR];
  if (raw === undefined || raw.trim() === "" || ZIntervalSeconds.safeParse(raw).success) return null;
  return `${SCHEMA_READ_INTERVAL_VAR} is not a whole number of seconds between 5 and 604800, so schemas are read every ${SCHEMA_READ_INTERVAL_MS / 60_000} minutes (the default). Set it to e.g. 900, then restart Cairn.`;
}
