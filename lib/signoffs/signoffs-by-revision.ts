/** Indexes sign-offs by the revisions they cover, for the graph and the sign-off page. Pure. */

export interface SignOffLike {
  id: string;
  environment: string;
  revisions: string[];
  revokedAt?: string | Date | null;
}

export interface RevisionSignOffs<S extends SignOffLike = SignOffLike> {
  /** Sign-offs in force that cover the revision. */
  active: S[];
  /** Revoked sign-offs that covered it. */
  revoked: S[];
}

/** revision id → the sign-offs covering it (in force and revoked), in the order given. */
export function signOffsByRevision<S extends SignOffLike>(signOffs: readonly S[]): Map<string, RevisionSignOffs<S>> {
  const out = new Map<string, RevisionSignOffs<S>>();
  for (const s of signOffs) {
    for (const r of s.revisions) {
      let entry = out.get(r);
      if (!entry) out.set(r, (entry = { active: [], revoked: [] }));
      (s.revokedAt ? entry.revoked : entry.active).push(s);
    }
  }
  return out;
}
