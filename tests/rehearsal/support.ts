import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Real Alembic under Debian's python (the python3 first on PATH has no alembic). */
export const ALEMBIC = ["/usr/bin/python3", "-m", "alembic"];

const RUNNER_FIXTURE = path.resolve(import.meta.dirname, "../fixtures/runner-project");

const HEADER = `import sqlalchemy as sa
from alembic import op
`;

/** The notifications history every scenario starts from: a1 creates the table (payload is json), b2 indexes user_id. */
export const BASE_MIGRATIONS: Record<string, string> = {
  "a1_notifications.py": `"""create notifications"""
${HEADER}
revision = "a1"
down_revision = None


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("payload", sa.JSON, nullable=True),
    )


def downgrade():
    op.drop_table("notifications")
`,
  "b2_index_user.py": `"""index notifications by user"""
${HEADER}
revision = "b2"
down_revision = "a1"


def upgrade():
    op.create_index("ix_notifications_user_id", "notifications", ["user_id"])


def downgrade():
    op.drop_index("ix_notifications_user_id", table_name="notifications")
`,
};

/** c3 variants, each the next migration after b2. */
export const C3 = {
  /** Adds a column and removes it again on downgrade: reversible. */
  good: `"""add read_at"""
${HEADER}
revision = "c3"
down_revision = "b2"


def upgrade():
    op.add_column("notifications", sa.Column("read_at", sa.DateTime, nullable=True))


def downgrade():
    op.drop_column("notifications", "read_at")
`,
  /** Replaces the index with a wider one; the downgrade forgets to put the old index back. */
  forgetsIndex: `"""replace user index"""
${HEADER}
revision = "c3"
down_revision = "b2"


def upgrade():
    op.drop_index("ix_notifications_user_id", table_name="notifications")
    op.add_column("notifications", sa.Column("kind", sa.String(20), nullable=True))


def downgrade():
    op.drop_column("notifications", "kind")
`,
  /** The JSONB-only \`?\` operator on a json column: fine on paper, fails on PostgreSQL at run time. */
  jsonbOnJson: `"""backfill kinds"""
${HEADER}
revision = "c3"
down_revision = "b2"


def upgrade():
    op.execute("UPDATE notifications SET user_id = 0 WHERE payload ? 'kind'")


def downgrade():
    pass
`,
  /** Adds a column; its downgrade refuses to run (an irreversible migration, written as such). */
  raisingDowngrade: `"""add archived_at"""
${HEADER}
revision = "c3"
down_revision = "b2"


def upgrade():
    op.add_column("notifications", sa.Column("archived_at", sa.DateTime, nullable=True))


def downgrade():
    raise NotImplementedError("c3 cannot be reverted: archived rows would be lost")
`,
  /** A 41-character revision id: alembic_version.version_num is VARCHAR(32). */
  longId: `"""reports"""
${HEADER}
revision = "c3_create_weekly_notification_digest_tbls"
down_revision = "b2"


def upgrade():
    op.create_table("digests", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("digests")
`,
};

/** A fresh Alembic project in a temporary directory: the runner fixture's env.py, the base history and `extra` files. */
export function makeProject(extra: Record<string, string> = {}): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-rtest-project-"));
  for (const f of ["alembic.ini", "env.py", "script.py.mako"]) fs.copyFileSync(path.join(RUNNER_FIXTURE, f), path.join(dir, f));
  fs.mkdirSync(path.join(dir, "versions"));
  for (const [name, text] of Object.entries({ ...BASE_MIGRATIONS, ...extra })) fs.writeFileSync(path.join(dir, "versions", name), text);
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
