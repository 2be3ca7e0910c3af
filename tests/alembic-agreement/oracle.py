"""The agreement oracle: what real Alembic says about a migration directory.

Usage: /usr/bin/python3 oracle.py ALEMBIC_INI [QUERIES_JSON_FILE]
       /usr/bin/python3 oracle.py --batch JOBS_JSON_FILE
         (JOBS = [{"ini": ..., "queries": [...]}, ...]; prints a JSON list, one answer per job,
          so one interpreter start serves many directories)

Prints one JSON object: load_order, heads, bases, history (walk_revisions order), per revision
down_revisions / dependencies / branch_labels (effective), and for each query
{"current": [...], "target": "..."} the upgrade and downgrade steps (or Alembic's error) plus the
alembic_version rows afterwards, computed by Alembic's own HeadMaintainer against a real in-memory
SQLite version table; a query {"resolve": "spec"} gives get_revisions(spec). If Alembic cannot load
the directory at all: {"error": "..."}.

Alembic is used exactly as installed, unpatched: it loads version files in os.listdir order
(Alembic 1.8.1's Script._list_py_dir), and Cairn must read the same directory in the same order by
itself. load_order is reported so the harness can check that it did.
"""
import json
import sys
import warnings


def err_text(e):
    text = str(e)
    return text if text else type(e).__name__


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]

    if "--batch" in sys.argv:
        with open(args[0]) as f:
            jobs = json.load(f)
        print(json.dumps([answer(job["ini"], job.get("queries", [])) for job in jobs]))
        return
    queries = []
    if len(args) > 1:
        with open(args[1]) as f:
            queries = json.load(f)
    print(json.dumps(answer(args[0], queries)))


def answer(ini, queries):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    out = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            script = ScriptDirectory.from_config(Config(ini))
            rmap = script.revision_map
            rev_map = rmap._revision_map
            out["load_order"] = [
                k for k, v in rev_map.items() if isinstance(k, str) and v is not None and v.revision == k
            ]
            out["heads"] = list(script.get_heads())
            out["real_heads"] = list(rmap._real_heads)
            out["bases"] = list(script.get_bases())
            out["history"] = [s.revision for s in script.walk_revisions()]
            # The lines `alembic history` and `alembic heads` print (command.history / command.heads).
            out["history_text"] = [
                s.cmd_format(verbose=False, include_branches=True, include_doc=True, include_parents=True)
                for s in script.walk_revisions()
            ]
            out["heads_text"] = [
                r.cmd_format(False, include_branches=True, tree_indicators=False)
                for r in script.get_revisions(script.get_heads())
            ]
            revisions = {}
            for k in out["load_order"]:
                r = rev_map[k]
                revisions[k] = {
                    "down_revisions": list(r._versioned_down_revisions),
                    "dependencies": sorted(r._resolved_dependencies),
                    "normalized_dependencies": sorted(r._normalized_resolved_dependencies),
                    "branch_labels": sorted(r.branch_labels),
                    "branch_labels_printed": ", ".join(r.branch_labels),
                    "is_merge_point": r.is_merge_point,
                    "is_branch_point": r.is_branch_point,
                }
            out["revisions"] = revisions
        except Exception as e:  # noqa: BLE001 - any failure to load is the answer
            out = {"error": "%s: %s" % (type(e).__name__, err_text(e))}
    out["warnings"] = [str(w.message) for w in caught]
    if "error" in out:
        return out

    results = []
    for q in queries:
        if "resolve" in q:
            try:
                revs = script.get_revisions(q["resolve"])
                results.append({"ids": [r.revision if r is not None and r != "base" else r for r in revs]})
            except Exception as e:  # noqa: BLE001
                results.append({"error": err_text(e), "type": type(e).__name__})
            continue
        current = tuple(q["current"])
        target = q["target"]
        res = {}
        for direction, fn in (("upgrade", script._upgrade_revs), ("downgrade", script._downgrade_revs)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    steps = fn(target, current)
                    res[direction] = {"steps": [s.revision.revision for s in steps]}
                    try:
                        res[direction]["result_heads"] = sorted(rows_after(current, steps))
                    except Exception as e:  # noqa: BLE001 - Alembic's own bookkeeping fails
                        res[direction]["result_error"] = "%s: %s" % (type(e).__name__, err_text(e))
                except Exception as e:  # noqa: BLE001
                    res[direction] = {"error": err_text(e), "type": type(e).__name__}
        results.append(res)
    out["queries"] = results
    return out


_version_table = {}


def rows_after(current, steps):
    """Runs Alembic's HeadMaintainer over a real SQLite alembic_version table (one per process)."""
    from sqlalchemy import create_engine
    from alembic.runtime.migration import HeadMaintainer, MigrationContext

    if not _version_table:
        conn = create_engine("sqlite://").connect()
        ctx = MigrationContext.configure(conn)
        ctx._ensure_version_table()
        _version_table.update(conn=conn, ctx=ctx)
    conn, ctx = _version_table["conn"], _version_table["ctx"]
    conn.execute(ctx._version.delete())
    for rev in current:
        conn.execute(ctx._version.insert().values(version_num=rev))
    hm = HeadMaintainer(ctx, current)
    for step in steps:
        hm.update_to_step(step)
    return [r[0] for r in conn.execute(ctx._version.select())]


if __name__ == "__main__":
    main()
