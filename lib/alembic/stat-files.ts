/**
 * Size and mtime of many files, for the scan that fingerprints a project (one stat per migration
 * file on every `cairn graph`, so an edited file is always noticed). Plain `fs.statSync`: Node's
 * internal bindings would save a few milliseconds and are not worth depending on.
 */
import fs from "node:fs";

export interface FileStats {
  /** Per file, size and mtime (ms), NaN where the stat failed. */
  sizes: Float64Array;
  mtimes: Float64Array;
  /** Per file, the error statting it, if any. */
  errors: (Error | undefined)[];
}

export function statFiles(files: readonly string[]): FileStats {
  const n = files.length;
  const sizes = new Float64Array(n);
  const mtimes = new Float64Array(n);
  const errors: (Error | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    try {
      const st = fs.statSync(files[i]!);
      sizes[i] = st.size;
      mtimes[i] = st.mtimeMs;
    } catch (e) {
      sizes[i] = Number.NaN;
      mtimes[i] = Number.NaN;
      errors[i] = e as Error;
    }
  }
  return { sizes, mtimes, errors };
}
