import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Where the guarded runner keeps its own copy of a run's output (0700 directory, 0600 files: the
 * copy is NOT redacted — Cairn redacts it when it reads it back after a crash).
 */
export function runnerLogDir(): string {
  return process.env.CAIRN_RUN_DIR || path.join(os.tmpdir(), "cairn-runs");
}

/** The runner's result file beside its log: exit code and the version table before and after. */
export function runnerResultFile(logFile: string): string {
  return `${logFile}.result.json`;
}

/** The runner's own log and result file are only needed until Cairn has recorded the run. */
export function removeRunnerFiles(logFile: string): void {
  for (const f of [logFile, runnerResultFile(logFile)]) fs.rmSync(f, { force: true });
}

export interface RunnerResultFile {
  pid?: number;
  host?: string;
  identity?: string;
  before?: string[];
  after?: string[];
  exit?: number;
  finishedAt?: number;
}
