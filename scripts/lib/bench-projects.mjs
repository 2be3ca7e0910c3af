// Generated Alembic projects for the benchmarks that open the app on a large graph (bench:graph-ui,
// bench:memory), and SQLite environments standing at chosen revisions.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

const revId = (salt, i) => `${salt}${i.toString(16).padStart(12 - salt.length, "0")}`;

/**
 * A trunk of `revisions` with `merges` merges spread evenly: before each merge the trunk forks into
 * two arms of 1–3 revisions (as open-event-server's concurrent feature branches) that the merge
 * joins. With `bases` 2, a second root's short chain joins the trunk at the first merge.
 */
export function generateProject(dir, total, merges, bases = 2) {
  const versions = path.join(dir, "migrations", "versions");
  fs.mkdirSync(versions, { recursive: true });
  fs.writeFileSync(path.join(dir, "alembic.ini"), "[alembic]\nscript_location = %(here)s/migrations\n");
  fs.writeFileSync(path.join(dir, "migrations", "env.py"), "# benchmark project: `alembic history` never runs env.py\n");
  const salt = `b${total.toString(36)}`;
  let i = 0;
  const all = [];
  const write = (down, message = `change ${i}: add column c${i} to table t${i % 50}`) => {
    const rev = revId(salt, i++);
    const downPy = down.length === 0 ? "None" : down.length === 1 ? `'${down[0]}'` : `(${down.map((d) => `'${d}'`).join(", ")})`;
    fs.writeFileSync(
      path.join(versions, `${rev}_${message.replace(/\W+/g, "_").slice(0, 40)}.py`),
      `"""${message}\n\nRevision ID: ${rev}\nRevises: ${down.join(", ")}\nCreate Date: 2026-01-01 00:00:00.000000\n\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n\nrevision = '${rev}'\ndown_revision = ${downPy}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.execute("select 1")\n\n\ndef downgrade():\n    pass\n`,
    );
    all.push(rev);
    return rev;
  };
  const second = [];
  if (bases > 1) for (let k = 0; k < 3; k++) second.push(write(second.length ? [second[second.length - 1]] : [], `second base ${k}`));
  let head = [write([])];
  const every = merges > 0 ? Math.floor((total - i) / (merges + 1)) : Infinity;
  let nextMerge = i + every;
  let done = 0;
  while (i < total) {
    if (done < merges && i >= nextMerge && i + 7 <= total) {
      nextMerge += every;
      const armA = 1 + (done % 3);
      const armB = 1 + ((done * 7) % 3);
      let a = head;
      let b = head;
      for (let k = 0; k < armA; k++) a = [write(a)];
      for (let k = 0; k < armB; k++) b = [write(b)];
      const parents = done === 0 && second.length ? [a[0], b[0], second[second.length - 1]] : [a[0], b[0]];
      head = [write(parents, `merge ${done}`)];
      done++;
    } else head = [write(head)];
  }
  // Files written a moment ago are "racy" (lib/alembic/scan-project.ts): not cached for two
  // seconds. A real project's files are older; date them a minute back.
  const then = new Date(Date.now() - 60_000);
  for (const f of fs.readdirSync(versions)) fs.utimesSync(path.join(versions, f), then, then);
  return { ini: path.join(dir, "alembic.ini"), heads: head, history: all, merges: done };
}

export function makeEnvironment(file, revisions) {
  const db = new Database(file);
  db.exec("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
  const ins = db.prepare("INSERT INTO alembic_version (version_num) VALUES (?)");
  for (const r of revisions) ins.run(r);
  db.close();
}
