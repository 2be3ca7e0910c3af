/** A schema's identity: equal fingerprints mean no drift, whatever order or OIDs the objects have. */
import { createHash } from "node:crypto";
import { asNormalizedSnapshot, canonicalJson, type NormalizedSnapshot } from "@/lib/drift/normalize-snapshot";
import type { SchemaSnapshot } from "@/lib/drift/types";

/** sha256 (hex) of the canonical JSON of the normalised snapshot. Accepts an already normalised one. */
export function fingerprintSnapshot(s: SchemaSnapshot | NormalizedSnapshot): string {
  return createHash("sha256")
    .update(canonicalJson(asNormalizedSnapshot(s)))
    .digest("hex");
}
