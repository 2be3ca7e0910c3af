import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { isProcessAlive } from "@/lib/server/is-process-alive";

/** Who holds an embedded data directory. Written to `<dir>/cairn.lock`. */
export interface StoreLockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  command: string;
}

/**
 * PGlite must be opened by exactly one process: a second one silently loses writes.
 * Takes `<dir>/cairn.lock` with O_EXCL; a lock left by a dead process on this host is taken over.
 * Returns a release function. Throws AppError("store-locked") naming the holder.
 */
export function acquireStoreLock(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "cairn.lock");
  const me: StoreLockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).join(" ").slice(0, 200),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, "wx", 0o600);
      fs.writeSync(fd, JSON.stringify(me));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const holder = JSON.parse(fs.readFileSync(file, "utf8")) as StoreLockHolder;
          if (holder.pid === process.pid) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let holder: StoreLockHolder | undefined;
    try {
      holder = JSON.parse(fs.readFileSync(file, "utf8")) as StoreLockHolder;
    } catch {
      holder = undefined; // half-written or unreadable: treat as stale
    }
    if (holder && holder.pid === process.pid) return () => {};
    const stale = !holder || (holder.hostname === os.hostname() && !isProcessAlive(holder.pid));
    if (!stale && holder) {
      throw new AppError(
        "store-locked",
        `embedded store ${dir} is held by pid ${holder.pid} on ${holder.hostname}`,
        `Cairn's embedded store in ${dir} is already open by another process (pid ${holder.pid} on ${holder.hostname}, ` +
          `started ${holder.startedAt}: ${holder.command}). Only one process may open it. Stop that process, ` +
          `or point this one elsewhere with CAIRN_DATA_DIR, or share a PostgreSQL store with DATABASE_URL.`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new AppError("store-locked", `could not take ${file}`, `Could not lock Cairn's embedded store at ${dir}.`);
}
