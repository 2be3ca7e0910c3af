/** Reading `alembic --version` output. Pure. */

export interface AlembicVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** "alembic 1.8.1" → { 1, 8, 1 }; undefined when the output names no version. */
export function parseAlembicVersion(output: string): AlembicVersion | undefined {
  const m = /alembic\s+v?(\d+)\.(\d+)(?:\.(\d+))?/i.exec(output);
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  return { major, minor, patch, text: `${major}.${minor}${m[3] !== undefined ? `.${patch}` : ""}` };
}

/** `alembic check` arrived in Alembic 1.9. */
export function supportsCheck(v: AlembicVersion): boolean {
  return v.major > 1 || (v.major === 1 && v.minor >= 9);
}

export const CHECK_REQUIREMENTS = "it needs 1.9 or newer (pip install -U alembic) and importable models (target_metadata in env.py)";
