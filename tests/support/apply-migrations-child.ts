/**
 * One store-migration applier in its own process, for the concurrency test:
 * `node --conditions=react-server --import tsx tests/support/apply-migrations-child.ts <url> <migrations dir>`.
 * Connects, prints "ready", waits for "go" on stdin (so two children start applying together),
 * then prints the JSON list of the migrations it applied.
 */
import pg from "pg";
import { applyMigrations } from "@/lib/db/apply-migrations";

const [url, dir] = process.argv.slice(2);
const client = new pg.Client({ connectionString: url });
await client.connect();
process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
process.stdin.destroy();
try {
  const applied = await applyMigrations({ query: (sql, params) => client.query(sql, params), exec: (script) => client.query(script) }, { dir });
  process.stdout.write(JSON.stringify(applied) + "\n");
} finally {
  await client.end();
}
