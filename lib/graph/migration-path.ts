/**
 * Upgrade and downgrade plans, step for step what Alembic 1.8.1 runs: `ScriptDirectory._upgrade_revs`
 * / `_downgrade_revs` (RevisionMap `_collect_upgrade_revisions` / `_collect_downgrade_revisions`
 * then `_topological_sort`), and the alembic_version rows afterwards (`HeadMaintainer.update_to_step`).
 */
import { ancestorNodes, descendantNodes, indexGraph, RevisionMapError, topologicalSort, type Rev, type RevisionIndex } from "@/lib/graph/revision-index";
import { assertRev, filterForLineage, getRevision, getRevisions, matchRelative, resolveBranch, toAppError, walk, type Target } from "@/lib/graph/resolve-revisions";
import type { MigrationPath, RevisionGraph } from "@/lib/graph/types";

function parseUpgradeTarget(ix: RevisionIndex, current: readonly string[], target: string, assertRelativeLength: boolean): Target[] {
  const m = matchRelative(target);
  if (!m) return getRevisions(ix, target);
  const relative = Number.parseInt(m.relative, 10);
  const label = m.label ?? null;
  if (relative > 0) {
    if (m.symbol === undefined) {
      const cur: (string | null)[] = current.length > 0 ? [...current] : [null];
      let startRevs: (string | null | Rev)[] = cur;
      if (label) {
        startRevs = filterForLineage(
          ix,
          getRevisions(ix, cur).map((r) => assertRev(r, "current")),
          label,
        );
        if (startRevs.length === 0) {
          // The branch is not at a head: back-track to where it leaves the current line.
          const active = filterForLineage(
            ix,
            ancestorNodes(
              ix,
              getRevisions(ix, cur).map((r) => assertRev(r, "current")),
            ),
            label,
          );
          const downs = new Set(active.flatMap((r) => r.norm));
          startRevs = [...new Set(active.map((r) => r.id))].filter((id) => !downs.has(id));
          if (startRevs.length === 0) startRevs = [null];
        }
      }
      if (startRevs.length > 1) throw new RevisionMapError("revision", "Ambiguous upgrade from multiple current revisions");
      const rev = walk(ix, startRevs[0] ?? null, relative, label, assertRelativeLength);
      if (rev === null) {
        throw new RevisionMapError("revision", `Relative revision ${m.relative} didn't produce ${Math.abs(relative)} migrations`);
      }
      return [rev];
    }
    return [walk(ix, getRevision(ix, m.symbol), relative, label, assertRelativeLength)];
  }
  if (m.symbol === undefined) {
    throw new RevisionMapError("revision", `Relative revision ${relative} didn't produce ${Math.abs(relative)} migrations`);
  }
  const start = label === null ? getRevision(ix, m.symbol) : getRevision(ix, `${label}@${m.symbol}`);
  return [walk(ix, start, relative, null, assertRelativeLength)];
}

function parseDowngradeTarget(ix: RevisionIndex, current: readonly string[], target: string, assertRelativeLength: boolean): [string | null, Target] {
  const m = matchRelative(target);
  if (m) {
    const rel = Number.parseInt(m.relative, 10);
    let label = m.label ?? null;
    if (rel >= 0) {
      if (m.symbol === undefined) {
        throw new RevisionMapError("revision", `Relative revision ${m.relative} didn't produce ${Math.abs(rel)} migrations`);
      }
      const rev = walk(ix, m.symbol, rel, label, assertRelativeLength);
      if (rev === null) throw new RevisionMapError("revision", "Walked too far");
      return [label, rev];
    }
    const relativeToCurrent = m.symbol === undefined;
    let symbol = m.symbol;
    if (relativeToCurrent) {
      if (label) {
        let symbolList: string[] = filterForLineage(ix, current, label);
        if (symbolList.length === 0) {
          symbolList = filterForLineage(ix, getAllCurrent(ix, current), label).map((r) => r.id);
        }
        if (symbolList.length !== 1) {
          throw new RevisionMapError("assertion", `'${target}' matches ${symbolList.length} current revisions on branch ${label}`);
        }
        symbol = symbolList[0]!;
      } else {
        if (current.length === 0) {
          throw new RevisionMapError("revision", `Relative revision ${m.relative} didn't produce ${Math.abs(rel)} migrations`);
        }
        symbol = current[0]!;
        // Alembic warns "downgrade -1 from multiple heads is ambiguous" and follows the first row.
        label = symbol;
      }
    }
    const start = label === null ? getRevision(ix, symbol!) : getRevision(ix, `${label}@${symbol}`);
    const rev = walk(ix, start, rel, null, assertRelativeLength);
    if (rev === null) {
      throw new RevisionMapError("revision", relativeToCurrent ? `Relative revision ${m.relative} didn't produce ${Math.abs(rel)} migrations` : "Walked too far");
    }
    return [label, rev];
  }
  const at = target.lastIndexOf("@");
  const label = at > 0 ? target.slice(0, at) : null;
  return [label, getRevision(ix, target.slice(at + 1))];
}

function getAllCurrent(ix: RevisionIndex, ids: readonly string[]): Rev[] {
  const top = new Set(getRevisions(ix, ids).map((r) => assertRev(r, "current")));
  for (const r of ancestorNodes(ix, [...top])) top.add(r);
  const targets = new Set(top);
  for (const rev of [...targets]) {
    const hasDescendant = descendantNodes(ix, [rev], false).some((d) => d !== rev && targets.has(d));
    if (hasDescendant) targets.delete(rev);
  }
  return [...targets];
}

/** `_collect_upgrade_revisions`; `lower` is the version table (a tuple) or a symbol such as "base". */
export function collectUpgradeRevisions(ix: RevisionIndex, upper: string, lower: string | readonly string[], opts: { inclusive: boolean; implicitBase: boolean; assertRelativeLength: boolean }): [Set<Rev>, Rev[]] {
  const currentTuple = typeof lower === "string" ? [lower] : lower;
  let targets = parseUpgradeTarget(ix, currentTuple, upper, opts.assertRelativeLength).map((r) => assertRev(r, `upgrade target '${upper}'`));
  if (typeof lower === "string" && lower.includes("@")) {
    let branch = lower.slice(0, lower.indexOf("@"));
    const branchRev = getRevision(ix, branch);
    if (branchRev !== null && branchRev !== "base" && branchRev.id === branch) {
      branch = [...branchRev.labels][0]!;
    }
    targets = targets.filter((t) => t.labels.has(branch));
  }
  const required = new Set(ancestorNodes(ix, targets, true, true));
  for (const t of targets) required.add(t);
  const current = getRevisions(ix, lower as string | string[]);
  if (!opts.implicitBase && current.some((r) => r !== null && !required.has(r as Rev))) {
    throw new RevisionMapError("range", "not an ancestor");
  }
  const currentRevs = current.map((r) => assertRev(r, "current revision"));
  const currentSet = new Set(ancestorNodes(ix, currentRevs, true, true));
  for (const c of currentRevs) currentSet.add(c);
  let needs = new Set([...required].filter((r) => !currentSet.has(r)));
  if (opts.inclusive) for (const r of getRevisions(ix, lower as string | string[])) needs.add(assertRev(r, "lower"));
  if (currentRevs.length > 0 && !opts.implicitBase) {
    const lowerDescendants = new Set(descendantNodes(ix, currentRevs, false, true));
    needs = new Set([...needs].filter((r) => lowerDescendants.has(r)));
  }
  return [needs, targets];
}

function collectDowngradeRevisions(ix: RevisionIndex, current: readonly string[], target: string): [Set<Rev>, Rev[]] {
  const [label, parsed] = parseDowngradeTarget(ix, current, target, true);
  const targetRev = parsed === "base" ? null : parsed;
  let roots: Rev[];
  if (targetRev === null) {
    roots = [...ix.revs.values()].filter((r) => r.down.length === 0);
  } else {
    roots = getRevisions(ix, targetRev.next).map((r) => assertRev(r, "child"));
  }
  if (label && roots.length > 1) {
    const ancestors = new Set(ancestorNodes(ix, [resolveBranch(ix, label)], false));
    roots = roots.filter((r) => ancestors.has(r));
    if (roots.length === 0) throw new RevisionMapError("revision", "Not a valid downgrade target from current heads");
  }
  const heads = getRevisions(ix, current).map((r) => assertRev(r, "current revision"));
  const active = new Set(ancestorNodes(ix, heads, true));
  const downgrade = new Set(descendantNodes(ix, roots, true).filter((r) => active.has(r)));
  if (targetRev !== null && downgrade.size === 0 && !heads.includes(targetRev)) {
    throw new RevisionMapError("range", "Nothing to drop");
  }
  return [downgrade, heads];
}

/** The alembic_version rows after running `steps`, as HeadMaintainer.update_to_step updates them. */
function versionRowsAfter(ix: RevisionIndex, current: readonly string[], steps: Rev[], upgrade: boolean): { rows: string[]; error?: string } {
  const heads = new Set(current.map((c) => assertRev(getRevision(ix, c), "current revision").id));
  let step = "";
  const fail = (why: string) => {
    throw new Error(`Alembic's version table update fails at ${step}: ${why}`);
  };
  const remove = (id: string) => {
    if (!heads.delete(id)) fail(`'${id}' is not in alembic_version (KeyError)`);
  };
  const insert = (id: string) => {
    if (heads.has(id)) fail(`'${id}' is already in alembic_version`);
    heads.add(id);
  };
  const ancestorsOf = (ids: Iterable<string>) =>
    new Set(
      ancestorNodes(
        ix,
        getRevisions(ix, [...ids]).map((r) => assertRev(r, "head")),
      ).map((r) => r.id),
    );
  const update = (from: string, to: string) => {
    if (heads.has(to)) fail(`'${to}' is already in alembic_version`);
    remove(from);
    heads.add(to);
  };
  try {
    for (const rev of steps) {
      step = `${upgrade ? "upgrade" : "downgrade"} ${rev.id}`;
      const down = rev.norm;
      if (upgrade) {
        const present = down.filter((d) => heads.has(d));
        if (down.length === 0 || present.length === 0) insert(rev.id);
        else if (down.length > 1 && present.length > 1) {
          const others = [...heads].filter((h) => !down.includes(h));
          const anc = others.length > 0 ? ancestorsOf(others) : new Set<string>();
          const from = down.filter((d) => !anc.has(d));
          for (const d of from.slice(0, -1)) remove(d);
          update(from[from.length - 1]!, rev.id);
        } else update(present[0]!, rev.id);
      } else {
        const others = [...heads].filter((h) => h !== rev.id);
        const anc = others.length > 0 ? ancestorsOf(others) : new Set<string>();
        const to = down.filter((d) => !anc.has(d));
        if (heads.has(rev.id) && (down.length === 0 || to.length === 0)) remove(rev.id);
        else if (heads.has(rev.id) && down.length > 1) {
          update(rev.id, to[to.length - 1]!);
          for (const t of to.slice(0, -1)) insert(t);
        } else {
          const candidates = down.length === 1 ? down : down.filter((x) => heads.has(x));
          if (candidates.length !== 1) fail("the down revision to update to is ambiguous");
          update(rev.id, candidates[0]!);
        }
      }
    }
  } catch (e) {
    return { rows: sorted(), error: (e as Error).message };
  }
  return { rows: sorted() };
  function sorted() {
    return [...heads].sort((a, b) => (ix.revs.get(a)?.ix ?? 0) - (ix.revs.get(b)?.ix ?? 0));
  }
}

/** What `alembic upgrade <target>` runs from the version table rows `current`, in order. */
export function upgradePath(graph: RevisionGraph, current: string[], target: string): MigrationPath {
  const ix = indexGraph(graph);
  try {
    const [needs, heads] = collectUpgradeRevisions(ix, target, current, {
      inclusive: false,
      implicitBase: true,
      assertRelativeLength: true,
    });
    const steps = topologicalSort(ix, needs, heads).reverse();
    const revs = steps.map((id) => ix.revs.get(id)!);
    const after = versionRowsAfter(ix, current, revs, true);
    return { direction: "upgrade", steps, resultHeads: after.rows, ...(after.error ? { versionTableError: after.error } : {}) };
  } catch (e) {
    throw toAppError(e, { ancestor: "Destination %(end)s is not a valid upgrade target from current head(s)", end: target });
  }
}

/** What `alembic downgrade <target>` runs from the version table rows `current`, in order. */
export function downgradePath(graph: RevisionGraph, current: string[], target: string): MigrationPath {
  const ix = indexGraph(graph);
  try {
    const [revisions, heads] = collectDowngradeRevisions(ix, current, target);
    const steps = topologicalSort(ix, revisions, heads);
    const revs = steps.map((id) => ix.revs.get(id)!);
    const after = versionRowsAfter(ix, current, revs, false);
    return { direction: "downgrade", steps, resultHeads: after.rows, ...(after.error ? { versionTableError: after.error } : {}) };
  } catch (e) {
    throw toAppError(e, { ancestor: "Destination %(end)s is not a valid downgrade target from current head(s)", end: target });
  }
}
