/**
 * A project's and an environment's rehearsal settings as stored (JSON columns synced from
 * cairn.config.json), with defaults. No I/O: it only reads the values handed to it.
 */
import { DEFAULT_REHEARSAL_MAX_AGE_HOURS, DEFAULT_REHEARSAL_MAX_DATA_MB } from "@/lib/config/cairn-config";

export interface RehearsalSettings {
  /** The rehearsal server's stored URL (a reference or encrypted); null: each target's own server. */
  server: { urlRef: string | null; urlEncrypted: string | null } | null;
  maxAgeHours: number;
  withData: boolean;
  maxDataMb: number;
  requireReversible: boolean;
  /** null: required where the environment is protected. */
  required: boolean | null;
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

const str = (v: unknown) => (typeof v === "string" && v ? v : null);
const num = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : fallback);

export function rehearsalSettingsOf(project: { rehearsal?: unknown }, environment: { rehearsal?: unknown }): RehearsalSettings {
  const p = record(project.rehearsal);
  const e = record(environment.rehearsal);
  const urlRef = str(p.urlRef);
  const urlEncrypted = str(p.urlEncrypted);
  return {
    server: urlRef || urlEncrypted ? { urlRef, urlEncrypted } : null,
    maxAgeHours: num(p.maxAgeHours, DEFAULT_REHEARSAL_MAX_AGE_HOURS),
    withData: e.withData === true,
    maxDataMb: num(e.maxDataMb, DEFAULT_REHEARSAL_MAX_DATA_MB),
    requireReversible: e.requireReversible === true,
    required: typeof e.required === "boolean" ? e.required : null,
  };
}
