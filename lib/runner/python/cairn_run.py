"""Cairn's guarded Alembic runner: one Alembic per target database, even across a crash of Cairn.

Cairn never starts `alembic upgrade …` directly. It starts this script with the project's own Python,
which, in ONE process:

1. takes the target database's migration lock on a connection of its own — PostgreSQL
   `pg_try_advisory_lock` (advisory locks live in the database's own lock space, so every name under
   which the database is registered in Cairn contends for the same lock), MySQL/MariaDB `GET_LOCK`
   (server-wide names, so the name carries the database), SQLite `flock` on the real file (so a
   symbolic link or a second spelling of the path is the same lock);
2. reads the version table under that lock and reports it to Cairn on fd 3, then waits for Cairn's
   "go" on stdin: Cairn checks that the database still stands where the run was reviewed;
3. runs Alembic's own command line (`alembic.config.main`) in this process, with its output written
   to stdout/stderr AND to a log file — if Cairn dies, the pipes break, the log file goes on;
4. re-reads the version table, writes a result file next to the log, releases the lock.

The lock therefore lives exactly as long as the Alembic that needs it. If Cairn is killed, this
process keeps the lock until Alembic ends, and Cairn's recovery sees the lock held and waits; when it
is free, recovery reads the result file and the version table and records what really happened.
A watchdog re-checks the lock every few seconds; if its connection drops it re-takes the lock at
once, and if another session took it meanwhile it stops Alembic (exit 77) rather than migrate unguarded.

`--probe` only asks whether the lock is free (exit 0) or held (exit 75), for recovery.

Exit codes: Alembic's own; 75 lock held by someone else; 76 Cairn said no (or went away) before
the run began; 77 the lock was lost while running; 78 could not connect or bad arguments.
Python 3.7+, SQLAlchemy 1.3–2.0. Never prints the database URL.
"""

import argparse
import fcntl
import hashlib
import json
import os
import signal
import socket
import sys
import threading
import time
import traceback

EXIT_BUSY = 75
EXIT_REFUSED = 76
EXIT_LOCK_LOST = 77
EXIT_SETUP = 78

# The PostgreSQL advisory key: the same in every Cairn (lib/runner/database-lock.ts computes it too).
PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"cairn:alembic-run").digest()[:8], "big", signed=True)

_control = None


def control(event, **fields):
    """One JSON line on fd 3 for Cairn; silently dropped once Cairn is gone."""
    global _control
    if _control is None:
        try:
            _control = os.fdopen(3, "w", buffering=1)
        except OSError:
            _control = False
    if _control is False:
        return
    try:
        fields["event"] = event
        _control.write(json.dumps(fields) + "\n")
        _control.flush()
    except (OSError, ValueError):
        _control = False


class Tee(object):
    """A text stream writing to the original stream (while it is there) and to the log file."""

    def __init__(self, stream, log):
        self.stream = stream
        self.log = log
        self.encoding = getattr(stream, "encoding", None) or "utf-8"
        self.errors = "replace"

    def write(self, text):
        if self.stream is not None:
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError):
                # Cairn is gone (broken pipe): keep migrating, keep logging to the file.
                self.stream = None
        if self.log is not None:
            try:
                self.log.write(text)
                self.log.flush()
            except (OSError, ValueError):
                self.log = None
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        raise OSError("not a real file")


class DatabaseLock(object):
    """The migration lock of one target database, held on a connection of its own."""

    def __init__(self, url, version_table, version_table_schema):
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.backend = self.url.get_backend_name()
        self.version_table = version_table
        self.version_table_schema = version_table_schema
        self.engine = None
        self.conn = None
        self.fd = None
        self.identity = None
        self.name = None

    # -- connections -------------------------------------------------------------------------
    def _engine(self):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        if self.engine is None:
            args = {}
            if self.backend == "postgresql":
                args = {"connect_args": {"connect_timeout": 10, "application_name": "cairn-migration-lock"}}
            elif self.backend in ("mysql", "mariadb"):
                args = {"connect_args": {"connect_timeout": 10}}
            self.engine = create_engine(self.url, poolclass=NullPool, **args)
        return self.engine

    def _connect(self):
        return self._engine().connect().execution_options(isolation_level="AUTOCOMMIT")

    def _scalar(self, conn, sql, **params):
        from sqlalchemy import text

        return conn.execute(text(sql), params).scalar()

    # -- the lock ----------------------------------------------------------------------------
    def try_acquire(self):
        """True when this process now holds the lock; False when another session holds it."""
        if self.backend == "sqlite":
            path = self.url.database
            if not path or path == ":memory:":
                raise SetupError("an in-memory SQLite database cannot be migrated by Cairn")
            real = os.path.realpath(path)
            self.identity = "sqlite:" + real
            fd = os.open(real, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
            # Kept open until the end: closing another descriptor of this file would drop SQLite's
            # own POSIX locks in this process, and closing this one drops ours.
            self.fd = fd
            return True
        self.conn = self._connect()
        if self.backend == "postgresql":
            self.identity = "postgresql:%s" % self._scalar(
                self.conn,
                "SELECT coalesce(inet_server_addr()::text, 'local') || ':' || coalesce(inet_server_port()::text, '') || '/' || current_database()",
            )
            return bool(self._scalar(self.conn, "SELECT pg_try_advisory_lock(:k)", k=PG_LOCK_KEY))
        if self.backend in ("mysql", "mariadb"):
            database = self._scalar(self.conn, "SELECT DATABASE()") or ""
            # GET_LOCK names are server-wide and at most 64 characters: the database's name, hashed.
            self.name = "cairn-run:" + hashlib.sha1(database.encode("utf-8")).hexdigest()
            self.identity = "mysql:%s/%s" % (self._scalar(self.conn, "SELECT @@hostname"), database)
            return self._scalar(self.conn, "SELECT GET_LOCK(:n, 0)", n=self.name) == 1
        raise SetupError("Cairn cannot lock a %s database" % self.backend)

    def holder(self):
        """Who holds the lock, in words, when the database can tell."""
        try:
            if self.backend == "postgresql":
                from sqlalchemy import text

                row = self.conn.execute(
                    text(
                        "SELECT a.application_name, a.client_addr::text, a.backend_start FROM pg_locks l "
                        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                        "AND ((l.classid::bigint << 32) | l.objid::bigint) = :k LIMIT 1"
                    ),
                    {"k": PG_LOCK_KEY},
                ).first()
                if row:
                    return "a session from %s (%s) since %s" % (row[1] or "a local socket", row[0] or "no application name", row[2].isoformat())
            if self.backend in ("mysql", "mariadb"):
                from sqlalchemy import text

                cid = self._scalar(self.conn, "SELECT IS_USED_LOCK(:n)", n=self.name)
                if cid:
                    # PROCESSLIST shows another user's session only to holders of the PROCESS privilege.
                    row = self.conn.execute(
                        text("SELECT USER, HOST FROM information_schema.PROCESSLIST WHERE ID = :i"), {"i": cid}
                    ).first()
                    return "connection %s (%s@%s)" % (cid, row[0], row[1]) if row else "connection %s" % cid
        except Exception:
            pass
        return None

    def still_held(self):
        """The watchdog's check: does our connection still hold the lock?"""
        if self.backend == "sqlite":
            return True
        try:
            if self.backend == "postgresql":
                return bool(
                    self._scalar(
                        self.conn,
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() "
                        "AND ((classid::bigint << 32) | objid::bigint) = :k",
                        k=PG_LOCK_KEY,
                    )
                )
            return self._scalar(self.conn, "SELECT IS_USED_LOCK(:n) = CONNECTION_ID()", n=self.name) == 1
        except Exception:
            return False

    def reacquire(self):
        """After a dropped connection: a new one, and the lock again if nobody took it meanwhile."""
        try:
            if self.conn is not None:
                try:
                    self.conn.close()
                except Exception:
                    pass
            return self.try_acquire()
        except Exception:
            return False

    def release(self):
        try:
            if self.fd is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
                os.close(self.fd)
                self.fd = None
            if self.conn is not None:
                if self.backend == "postgresql":
                    self._scalar(self.conn, "SELECT pg_advisory_unlock(:k)", k=PG_LOCK_KEY)
                elif self.backend in ("mysql", "mariadb"):
                    self._scalar(self.conn, "SELECT RELEASE_LOCK(:n)", n=self.name)
                self.conn.close()
                self.conn = None
        except Exception:
            pass  # closing the session (process exit) releases it anyway
        if self.engine is not None:
            self.engine.dispose()

    # -- the version table -------------------------------------------------------------------
    def read_versions(self):
        """The version table's rows, sorted; [] when the table does not exist yet."""
        from sqlalchemy import text

        conn = self.conn if self.conn is not None else self._connect()
        try:
            dialect = conn.dialect
            if not dialect.has_table(conn, self.version_table, schema=self.version_table_schema):
                return []
            quote = dialect.identifier_preparer.quote
            table = quote(self.version_table)
            if self.version_table_schema:
                table = quote(self.version_table_schema) + "." + table
            return sorted(r[0] for r in conn.execute(text("SELECT version_num FROM " + table)))
        finally:
            if conn is not self.conn:
                conn.close()


class SetupError(Exception):
    pass


# Statements MySQL/MariaDB commit implicitly, before and after running them.
IMPLICIT_COMMIT = ("CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE")


def trace_committed_ddl(version_table):
    """MySQL has no transactional DDL: each schema statement is committed as it completes, so a
    migration that fails halfway leaves its earlier statements in place. Name each one in the log
    ("Cairn: MySQL committed: …"), so the failure can say exactly what stayed."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    sys.stderr.write("Cairn: MySQL commits each schema statement as it runs; Cairn lists every one that completes.\n")

    def after_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        words = statement.split(None, 3)
        if not words or words[0].upper() not in IMPLICIT_COMMIT:
            return
        # Alembic's own version table is bookkeeping, not the migration's change.
        if len(words) >= 3 and words[1].upper() == "TABLE" and words[2].replace("`", "").split(".")[-1] == version_table:
            return
        sys.stderr.write("Cairn: MySQL committed: %s\n" % " ".join(statement.split()))

    event.listen(Engine, "after_cursor_execute", after_cursor_execute)


def watchdog(lock, stop, interval):
    """Re-checks the lock while Alembic runs; stops the run if the lock cannot be kept."""
    while not stop.wait(interval):
        if lock.still_held():
            continue
        sys.stderr.write("Cairn: the connection holding the database lock dropped; taking the lock again.\n")
        if lock.reacquire():
            sys.stderr.write("Cairn: database lock taken again.\n")
            continue
        sys.stderr.write(
            "Cairn: another session took the database lock while this run was in progress; "
            "stopping Alembic rather than migrating unguarded.\n"
        )
        os._exit(EXIT_LOCK_LOST)


def write_result(path, result):
    if not path:
        return
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, path)


def main(argv):
    parser = argparse.ArgumentParser(prog="cairn_run.py")
    parser.add_argument("--url-env", default="DATABASE_URL")
    parser.add_argument("--version-table", default="alembic_version")
    parser.add_argument("--version-table-schema", default=None)
    parser.add_argument("--log-file", default=None)
    parser.add_argument("--probe", action="store_true")
    parser.add_argument("--handshake-timeout", type=float, default=120.0)
    parser.add_argument("--watchdog-interval", type=float, default=5.0)
    parser.add_argument("alembic_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    alembic_args = args.alembic_args[1:] if args.alembic_args[:1] == ["--"] else args.alembic_args

    url = os.environ.get(args.url_env)
    if not url:
        control("error", reason="setup", message="%s is not set in the runner's environment" % args.url_env)
        return EXIT_SETUP
    try:
        lock = DatabaseLock(url, args.version_table, args.version_table_schema)
        acquired = lock.try_acquire()
    except SetupError as e:
        control("error", reason="setup", message=str(e))
        return EXIT_SETUP
    except Exception as e:  # the driver's words, first line only; Cairn redacts before showing them
        control("error", reason="connect", message=(str(e).strip().splitlines() or [type(e).__name__])[0])
        return EXIT_SETUP
    if not acquired:
        control("busy", identity=lock.identity, holder=lock.holder())
        lock.release()
        return EXIT_BUSY
    if args.probe:
        control("free", identity=lock.identity)
        lock.release()
        return 0

    result = {"pid": os.getpid(), "host": socket.gethostname(), "identity": lock.identity}
    try:
        try:
            before = lock.read_versions()
        except Exception as e:
            control("error", reason="read", message=(str(e).strip().splitlines() or [type(e).__name__])[0])
            return EXIT_SETUP
        result["before"] = before
        control("locked", identity=lock.identity, revisions=before, pid=os.getpid())
        # Cairn compares `before` with the reviewed plan; anything but "go" (or Cairn going away) stops here.
        answer = [None]

        def read_answer():
            answer[0] = sys.stdin.readline().strip()

        reader = threading.Thread(target=read_answer, daemon=True)
        reader.start()
        reader.join(args.handshake_timeout)
        if answer[0] != "go":
            control("refused")
            return EXIT_REFUSED
        # A long answer (a backup made before the run) leaves the lock's connection idle. If it dropped meanwhile,
        # another session may have migrated since the version table was read and backed up: run nothing.
        if not lock.still_held():
            sys.stderr.write(
                "Cairn: the connection holding the database lock dropped while Cairn prepared the run; nothing was run.\n"
            )
            return EXIT_LOCK_LOST

        log = open(args.log_file, "a", buffering=1, encoding="utf-8") if args.log_file else None
        out, err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = Tee(out, log), Tee(err, log)
        stop = threading.Event()
        dog = threading.Thread(target=watchdog, args=(lock, stop, args.watchdog_interval), daemon=True)
        dog.start()
        code = 0
        try:
            if lock.backend in ("mysql", "mariadb"):
                trace_committed_ddl(args.version_table)
            from alembic.config import main as alembic_main

            alembic_main(argv=alembic_args, prog="alembic")
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            stop.set()
            dog.join()
            sys.stdout, sys.stderr = out, err
        code = code & 0xFF
        result["exit"] = code
        try:
            result["after"] = lock.read_versions()
        except Exception as e:
            result["afterError"] = (str(e).strip().splitlines() or [type(e).__name__])[0]
        result["finishedAt"] = time.time()
        if log is not None:
            log.close()
        write_result(args.log_file and args.log_file + ".result.json", result)
        control("done", exit=code, revisions=result.get("after"))
        return code
    finally:
        lock.release()


if __name__ == "__main__":
    # SIGTERM keeps its default (immediate exit): the database rolls the open transaction back.
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    os.umask(0o077)  # the log file is not redacted: only Cairn's user may read it
    sys.exit(main(sys.argv[1:]))
