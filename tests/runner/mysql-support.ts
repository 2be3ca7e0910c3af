import { randomBytes } from "node:crypto";
import type mysql from "mysql2/promise";
import { readVersionTable } from "@/lib/targets/read-version-table";
import { createMysqlTestDatabase, withMysql } from "@/tests/support/mysql-databases";

/** A MariaDB database owned by a user whose password needs percent-encoding in the URL. */
export interface MysqlTarget {
  url: string;
  password: string;
  name: string;
  readRevisions(): Promise<string[]>;
  tables(): Promise<string[]>;
  drop(): Promise<void>;
}

export async function createMysqlTarget(label: string): Promise<MysqlTarget> {
  const db = await createMysqlTestDatabase(label);
  const user = `cairn_run_${randomBytes(3).toString("hex")}`;
  const password = `pw-${randomBytes(9).toString("base64url")}/x@y`;
  await withMysql((c) => c.query(`CREATE USER ?@'%' IDENTIFIED BY ?; GRANT ALL ON \`${db.name}\`.* TO ?@'%'`, [user, password, user]));
  const url = `mysql+pymysql://${user}:${encodeURIComponent(password)}@127.0.0.1:3306/${db.name}?charset=utf8mb4`;
  return {
    url,
    password,
    name: db.name,
    async readRevisions() {
      const r = await readVersionTable({ url, versionTable: "alembic_version", timeoutMs: 5000, baseDir: "/" });
      if (!r.ok) throw new Error(r.message);
      return [...r.revisions].sort();
    },
    async tables() {
      const [rows] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1", [db.name]));
      return rows.map((r) => String(r.t)).sort();
    },
    async drop() {
      await db.drop();
      await withMysql((c) => c.query("DROP USER IF EXISTS ?@'%'", [user]));
    },
  };
}
