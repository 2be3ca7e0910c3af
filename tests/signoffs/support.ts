import { spawnSync } from "node:child_process";
import { ALEMBIC } from "@/tests/runs-api/support";

/** Brings a database to `target` with real Alembic (the fixture project's env.py reads DATABASE_URL). */
export function alembicUpgrade(dir: string, url: string, target: string): void {
  const r = spawnSync(ALEMBIC[0]!, [...ALEMBIC.slice(1), "upgrade", target], { cwd: dir, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`alembic upgrade ${target} failed:\n${r.stderr}`);
}

/** Waits until `check` returns a value (polling), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | null | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}
