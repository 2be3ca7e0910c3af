import "server-only";
import { serverEnv } from "@/lib/config/server-env";
import { SCHEMA_READ_INTERVAL_MS } from "@/lib/drift/reading-age";

/** How often the background reads each environment's schema, in ms before jitter: CAIRN_SCHEMA_READ_INTERVAL_SECONDS (validated at start-up with the rest of the environment, lib/config/server-env.ts), else 15 minutes. */
export function schemaReadIntervalMs(): number {
  // Parsed afresh (a copy is not cached): a test or an operator's restart-free change is seen at the next sweep.
  const seconds = serverEnv({ ...process.env }).CAIRN_SCHEMA_READ_INTERVAL_SECONDS;
  return seconds === undefined ? SCHEMA_READ_INTERVAL_MS : seconds * 1000;
}
