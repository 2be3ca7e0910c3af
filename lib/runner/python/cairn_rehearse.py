"""Cairn's rehearsal step runner: runs one Alembic command against a rehearsal copy, and nothing else.

A rehearsal hands the copy's URL to the project's env.py only through its URL variable. An env.py that
ignores it (reads sqlalchemy.url from alembic.ini, another variable, or -x) would migrate whatever it
points at, possibly the target, with no gate, approval or lock. So before Alembic runs, this script
registers a `connect` listener on every SQLAlchemy Engine: each new DBAPI connection is checked
before any statement of the migration, and the process exits (code 79) unless it is the copy —
PostgreSQL: `current_database()` is the `cairn_rehearsal_…` name and the server is the rehearsal
server (its port and postmaster start time); SQLite: the main database file's realpath is the copy's;
MySQL/MariaDB: `DATABASE()` is the scratch name and the server is the rehearsal server (@@server_uuid
or @@hostname:@@port).

On MySQL a schema is another database on the same server, reachable from the copy's connection. With
--target-database, a `before_cursor_execute` listener also exits (code 79, event "names-target") before
any statement that qualifies a name with the target's database (`shop`.x, shop.x, any case), names it
after DATABASE/SCHEMA, or switches database (USE).

Usage: cairn_rehearse.py --dialect postgresql|sqlite|mysql --expect NAME_OR_PATH [--server ID] [--target-database NAME] -- <alembic args>
On a mismatch one JSON line {"event": "wrong-database", ...} goes to stderr prefixed with
"CAIRN_WRONG_DATABASE ", and the exit code is 79. Never prints a URL.
"""

import argparse
import json
import os
import re
import sys

EXIT_WRONG_DATABASE = 79


def identify(dialect, dbapi_connection):
    """(database, server) of a raw DBAPI connection, read with the driver's own cursor."""
    cur = dbapi_connection.cursor()
    try:
        if dialect == "postgresql":
            cur.execute("SELECT current_database(), current_setting('port') || ':' || extract(epoch from pg_postmaster_start_time())::text")
            row = cur.fetchone()
            return row[0], row[1]
        if dialect == "mysql":
            cur.execute("SELECT DATABASE(), CONCAT(@@hostname, ':', @@port)")
            row = cur.fetchone()
            return row[0], row[1]
        cur.execute("PRAGMA database_list")
        for row in cur.fetchall():
            if row[1] == "main":
                return (os.path.realpath(row[2]) if row[2] else ":memory:"), None
        return None, None
    finally:
        try:
            cur.close()
        except Exception:
            pass


def target_pattern(target):
    """Matches a statement that reaches the target's database from the copy's connection."""
    name = re.escape(target)
    # `shop`.x / shop.x (not part of a longer name such as cairn_rehearsal_x_shop), DATABASE/SCHEMA shop, or USE anything.
    qualified = r"(?:`" + name + r"`|(?<![\w$`.])" + name + r"(?![\w$`]))\s*\."
    named = r"\b(?:DATABASE|SCHEMA)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?`?" + name + r"(?![\w$])"
    return re.compile(r"(?:" + qualified + r"|" + named + r"|^\s*USE\b)", re.IGNORECASE)


def main(argv):
    parser = argparse.ArgumentParser(prog="cairn_rehearse.py")
    parser.add_argument("--dialect", required=True, choices=["postgresql", "sqlite", "mysql"])
    parser.add_argument("--expect", required=True)
    parser.add_argument("--server", default=None)
    parser.add_argument("--target-database", default=None)
    parser.add_argument("alembic_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    alembic_args = args.alembic_args[1:] if args.alembic_args[:1] == ["--"] else args.alembic_args
    expect = os.path.realpath(args.expect) if args.dialect == "sqlite" else args.expect

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def check(dbapi_connection, connection_record):
        try:
            database, server = identify(args.dialect, dbapi_connection)
        except Exception as e:
            database, server = None, None
            reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
        else:
            reason = None
        if database == expect and (args.server is None or server == args.server):
            return
        report = {"event": "wrong-database", "dialect": args.dialect, "connected": database, "expected": expect}
        if reason:
            report["reason"] = reason
        elif database == expect:
            report["reason"] = "a database of that name on another server"
        sys.stderr.write("CAIRN_WRONG_DATABASE " + json.dumps(report) + "\n")
        sys.stderr.flush()
        try:
            dbapi_connection.close()
        except Exception:
            pass
        # Not an exception: an env.py could catch that and carry on. Nothing of the migration has run.
        os._exit(EXIT_WRONG_DATABASE)

    event.listen(Engine, "connect", check)

    if args.dialect == "mysql" and args.target_database:
        names_target = target_pattern(args.target_database)

        def guard(conn, cursor, statement, parameters, context, executemany):
            if not names_target.search(statement or ""):
                return
            shown = " ".join((statement or "").split())
            report = {"event": "names-target", "dialect": "mysql", "target": args.target_database, "expected": expect, "statement": shown[:120] + ("…" if len(shown) > 120 else "")}
            sys.stderr.write("CAIRN_WRONG_DATABASE " + json.dumps(report) + "\n")
            sys.stderr.flush()
            # As for a wrong connection: an exception could be caught by env.py or the migration.
            os._exit(EXIT_WRONG_DATABASE)

        event.listen(Engine, "before_cursor_execute", guard)

    from alembic.config import main as alembic_main

    try:
        alembic_main(argv=alembic_args, prog="alembic")
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
