/**
 * Size and mtime of many files at once, for the scan that fingerprints a project (5,000 files on
 * every `cairn graph`). Node 20's `fs.statSync` builds a Stats object with four eager Date objects
 * per call — a fifth of a warm run's time and most of its garbage. Node's own fs binding fills one
 * shared Float64Array instead; this uses it when present and proven to agree with `fs.statSync`,
 * and `fs.statSync` otherwise (and for every file the fast call fails on, so errors are Node's).
 */
import fs from "node:fs";

export interface FileStats {
  /** Per file, size and mtime (ms), NaN where the stat failed. */
  sizes: Float64Array;
  mtimes: Float64Array;
  /** Per file, the error statting it, if any. */
  errors: (Error | undefined)[];
}

/** `binding.stat(path, useBigint, req, throwIfNoEntry)`: the synchronous form fs.statSync itself calls. */
type RawStat = (path: string, useBigint: false, req: undefined, throwIfNoEntry: boolean) => Float64Array | undefined;

// Offsets in the binding's stat array (lib/internal/fs/utils.js getStatsFromBinding).
const SIZE = 8;
const MTIME_SEC = 12;
const MTIME_NSEC = 13;

function rawStat(): RawStat | undefined {
  // process.binding is deprecated; under --pending-deprecation it would print a warning: don't.
  const opts = `${process.env.NODE_OPTIONS ?? ""} ${process.execArgv.join(" ")}`;
  if (opts.includes("pending-deprecation") || process.env.NODE_PENDING_DEPRECATION === "1") return undefined;
  try {
    const binding = (process as unknown as { binding?: (name: string) => { stat?: unknown } }).binding?.("fs");
    return typeof binding?.stat === "function" ? (binding.stat.bind(binding) as RawStat) : undefined;
  } catch {
    return undefined;
  }
}

let checked: RawStat | undefined | null = null;

/** The fast stat, once it has given the same size and mtime as fs.statSync for `probe`. */
function fastStatFor(probe: string): RawStat | undefined {
  if (checked !== null) return checked;
  const raw = rawStat();
  checked = undefined;
  if (!raw) return undefined;
  try {
    const st = fs.statSync(probe);
    const a = raw(probe, false, undefined, true);
    if (a instanceof Float64Array && a.length > MTIME_NSEC && a[SIZE] === st.size && a[MTIME_SEC]! * 1e3 + a[MTIME_NSEC]! / 1e6 === st.mtimeMs) checked = raw;
  } catch {
    // the probe vanished or the binding differs: stay on fs.statSync
  }
  return checked;
}

export function statFiles(files: readonly string[]): FileStats {
  const n = files.length;
  const sizes = new Float64Array(n);
  const mtimes = new Float64Array(n);
  const errors: (Error | undefined)[] = new Array(n);
  const fast = n > 0 ? fastStatFor(files[0]!) : undefined;
  for (let i = 0; i < n; i++) {
    const file = files[i]!;
    if (fast) {
      try {
        const a = fast(file, false, undefined, true);
        if (a !== undefined) {
          sizes[i] = a[SIZE]!;
          mtimes[i] = a[MTIME_SEC]! * 1e3 + a[MTIME_NSEC]! / 1e6;
          continue;
        }
      } catch {
        // fall through: fs.statSync reports the error in Node's own words
      }
    }
    try {
      const st = fs.statSync(file);
      sizes[i] = st.size;
      mtimes[i] = st.mtimeMs;
    } catch (e) {
      sizes[i] = NaN;
      mtimes[i] = NaN;
      errors[i] = e as Error;
    }
  }
  return { sizes, mtimes, errors };
}
