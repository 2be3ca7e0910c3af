/**
 * Whether a process of this host still exists: signal 0 probes without signalling, and EPERM means
 * it exists under another user. Used to tell a lock or a scratch copy left by a dead process from
 * one still in use.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
