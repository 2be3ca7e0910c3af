/**
 * Runs oracle.py (real Alembic under Debian's /usr/bin/python3) for one directory and a batch of
 * queries, so each fixture costs one Python process.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const PYTHON = "/usr/bin/python3";
const ORACLE = path.join(import.meta.dirname, "oracle.py");

export type Query = { current: string[]; target: string } | { resolve: string };

export interface OracleOutcome {
  steps?: string[];
  result_heads?: string[];
  result_error?: string;
  ids?: (string | null)[];
  error?: string;
  type?: string;
}

export interface OracleRevision {
  down_revisions: string[];
  dependencies: string[];
  normalized_dependencies: string[];
  branch_labels: string[];
  /** The labels as Alembic prints them: a Python set, so in hash order. */
  branch_labels_printed: string;
  is_merge_point: boolean;
  is_branch_point: boolean;
}

export interface OracleAnswer {
  error?: string;
  load_order: string[];
  heads: string[];
  real_heads: string[];
  bases: string[];
  history: string[];
  history_text: string[];
  heads_text: string[];
  revisions: Record<string, OracleRevision>;
  warnings: string[];
  queries: ({ upgrade: OracleOutcome; downgrade: OracleOutcome } | OracleOutcome)[];
}

export function runOracle(ini: string, queries: Query[]): Promise<OracleAnswer> {
  const queryFile = path.join(path.dirname(ini), "queries.json");
  fs.writeFileSync(queryFile, JSON.stringify(queries));
  const args = [ORACLE, ini, queryFile];
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      args,
      // A fixed hash seed keeps Alembic's set-ordered corners reproducible between runs.
      { env: { ...process.env, PYTHONHASHSEED: "0", PYTHONDONTWRITEBYTECODE: "1" }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`oracle failed for ${ini}: ${error.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout) as OracleAnswer);
        } catch (e) {
          reject(new Error(`oracle printed no JSON for ${ini}: ${String(e)}\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** One interpreter for many directories: Python start-up and imports dominate the oracle's cost. */
export function runOracleBatch(jobs: { ini: string; queries: Query[] }[], jobFile: string): Promise<OracleAnswer[]> {
  fs.writeFileSync(jobFile, JSON.stringify(jobs));
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [ORACLE, "--batch", jobFile], { env: { ...process.env, PYTHONHASHSEED: "0", PYTHONDONTWRITEBYTECODE: "1" }, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`oracle batch failed: ${error.message}\n${stderr}`));
      try {
        const answers = JSON.parse(stdout) as OracleAnswer[];
        if (answers.length !== jobs.length) throw new Error(`${answers.length} answers for ${jobs.length} jobs`);
        resolve(answers);
      } catch (e) {
        reject(new Error(`oracle batch printed no usable JSON: ${String(e)}\n${stderr}`));
      }
    });
  });
}

/** Runs tasks with at most `limit` in flight (the machine has 2 cores shared with others). */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
