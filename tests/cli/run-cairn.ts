/**
 * Runs the real `cairn` launcher (bin/cairn.mjs) as a child process, without a shell, the way a
 * user or a CI job does, and captures exit code, stdout and stderr.
 */
import { execFile } from "node:child_process";
import path from "node:path";

export const CAIRN_BIN = path.resolve(import.meta.dirname, "../../bin/cairn.mjs");

export interface CairnRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCairn(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CairnRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CAIRN_BIN, ...args], { env: { ...process.env, ...env }, cwd, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}
