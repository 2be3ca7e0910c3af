/**
 * Revision symbols resolved as Alembic 1.8.1's RevisionMap resolves them (`get_revisions`,
 * `get_revision`, `_resolve_revision_number`, `_revision_for_ident`, `filter_for_lineage`, `_walk`):
 * `head`, `heads`, `base`, `label@head`, `label@rev`, a label alone, unique id prefixes (4+
 * characters), `-n` from the heads and `rev+n`/`rev-n`.
 */
import { AppError } from "@/lib/errors";
import { ancestorNodes, descendantNodes, indexGraph, RevisionMapError, type Rev, type RevisionIndex } from "@/lib/graph/revision-index";
import type { RevisionGraph } from "@/lib/graph/types";

/** A resolved position: a revision, the symbolic "base", or null (Alembic's None). */
export type Target = Rev | "base" | null;

const RELATIVE = /^(?:(.+?)@)?([\p{L}\p{N}_]+)?([+-]\d+)/u;

export function matchRelative(spec: string): { label?: string; symbol?: string; relative: string } | undefined {
  const m = RELATIVE.exec(spec);
  if (!m) return undefined;
  return { label: m[1], symbol: m[2], relative: m[3]! };
}

function isRev(t: Target | string): t is Rev {
  return typeof t === "object" && t !== null;
}

export function assertRev(t: Target, what: string): Rev {
  if (!isRev(t)) throw new RevisionMapError("assertion", `${what} does not name a revision`);
  return t;
}

/** Keys of Alembic's `_revision_map`: revision ids in load order, then branch labels. */
function mapKeys(ix: RevisionIndex): string[] {
  return [...ix.order, ...ix.labels.keys()];
}

function mapLookup(ix: RevisionIndex, key: string): Rev | undefined {
  const direct = ix.revs.get(key);
  if (direct) return direct;
  const owner = ix.labels.get(key);
  return owner === undefined ? undefined : ix.revs.get(owner);
}

export function resolveRevisionNumber(ix: RevisionIndex, spec: string | null): [string[], string | null] {
  let label: string | null = null;
  let id = spec;
  if (id !== null && id.includes("@")) {
    const at = id.indexOf("@");
    label = id.slice(0, at);
    id = id.slice(at + 1);
  }
  if (id === "heads") return [label ? filterForLineage(ix, ix.heads, label) : [...ix.realHeads], label];
  if (id === "head") {
    const head = getCurrentHead(ix, label);
    return [head ? [head] : [], label];
  }
  if (id === "base" || id === null) return [[], label];
  return [[id], label];
}

function getCurrentHead(ix: RevisionIndex, label: string | null): string | null {
  let heads = ix.heads;
  if (label) heads = filterForLineage(ix, heads, label);
  if (heads.length > 1) {
    const argument = label ? `${label}@head` : "head";
    throw new RevisionMapError("multiple-heads", `Multiple heads are present for given argument '${argument}'; ${heads.join(", ")}`, argument, heads);
  }
  return heads[0] ?? null;
}

export function getRevisions(ix: RevisionIndex, spec: string | null | readonly (string | null)[]): Target[] {
  if (Array.isArray(spec)) return spec.flatMap((s: string | null) => getRevisions(ix, s));
  const [resolved, label] = resolveRevisionNumber(ix, spec as string | null);
  if (resolved.length === 1 && /^\s*[+-]?\d+\s*$/.test(resolved[0]!)) {
    const rint = Number.parseInt(resolved[0]!, 10);
    if (rint < 0) {
      // branch@-n: walk down from the heads.
      let selectHeads = getRevisions(ix, "heads");
      if (label !== null) selectHeads = selectHeads.filter((h) => assertRev(h, "head").labels.has(label));
      return selectHeads.map((h) => walk(ix, h, rint));
    }
  }
  return resolved.map((r) => revisionForIdent(ix, r, label));
}

export function getRevision(ix: RevisionIndex, spec: string | null): Target {
  const [resolved, label] = resolveRevisionNumber(ix, spec);
  if (resolved.length > 1) {
    throw new RevisionMapError("multiple-heads", `Multiple heads are present for given argument '${spec}'; ${resolved.join(", ")}`, spec ?? undefined, resolved);
  }
  return revisionForIdent(ix, resolved[0] ?? null, label);
}

export function resolveBranch(ix: RevisionIndex, label: string): Rev {
  const hit = mapLookup(ix, label);
  if (hit) return hit;
  try {
    return assertRev(revisionForIdent(ix, label), label);
  } catch (e) {
    if (e instanceof RevisionMapError && e.kind === "resolution") {
      throw new RevisionMapError("resolution", `No such branch: '${label}'`, label);
    }
    throw e;
  }
}

export function revisionForIdent(ix: RevisionIndex, resolved: string | null, checkBranch: string | null = null): Target {
  const branchRev = checkBranch ? resolveBranch(ix, checkBranch) : null;
  let revision: Rev | null;
  if (resolved === null) revision = null;
  else {
    const hit = mapLookup(ix, resolved);
    if (hit) revision = hit;
    else {
      let revs = mapKeys(ix).filter((x) => x.length > 3 && x.startsWith(resolved));
      if (branchRev) revs = filterForLineage(ix, revs, checkBranch);
      if (revs.length === 0) {
        throw new RevisionMapError("resolution", `No such revision or branch '${resolved}'${resolved.length < 4 ? "; please ensure at least four characters are present for partial revision identifier matches" : ""}`, resolved);
      }
      if (revs.length > 1) {
        throw new RevisionMapError(
          "resolution",
          `Multiple revisions start with '${resolved}': ${revs
            .slice(0, 3)
            .map((r) => `'${r}'`)
            .join(", ")}...`,
          resolved,
        );
      }
      revision = mapLookup(ix, revs[0]!)!;
    }
  }
  if (checkBranch && revision !== null && branchRev && !sharesLineage(ix, revision, [branchRev])) {
    throw new RevisionMapError("resolution", `Revision ${revision.id} is not a member of branch '${checkBranch}'`, resolved ?? undefined);
  }
  return revision;
}

export function filterForLineage<T extends string | Rev>(ix: RevisionIndex, targets: readonly T[], checkAgainst: string | null, includeDependencies = false): T[] {
  const [ids, label] = resolveRevisionNumber(ix, checkAgainst);
  const shares: string[] = [];
  if (label) shares.push(label);
  shares.push(...ids);
  return targets.filter((t) => sharesLineage(ix, t, shares, includeDependencies));
}

export function sharesLineage(ix: RevisionIndex, target: string | Rev, testAgainst: readonly (string | Rev)[], includeDependencies = false): boolean {
  if (testAgainst.length === 0) return true;
  const resolvedTarget = typeof target === "string" ? assertRev(revisionForIdent(ix, target), target) : target;
  const tests = new Set(testAgainst.map((t) => (typeof t === "string" ? revisionForIdent(ix, t) : t)));
  for (const r of descendantNodes(ix, [resolvedTarget], includeDependencies)) if (tests.has(r)) return true;
  for (const r of ancestorNodes(ix, [resolvedTarget], includeDependencies)) if (tests.has(r)) return true;
  return false;
}

/**
 * Alembic's `_walk`: `steps` up (children) or down (parents). Returns null when the walk leaves the
 * tree and `noOverwalk` is set; "base" when it walks below the roots.
 */
export function walk(ix: RevisionIndex, start: string | Target, steps: number, label: string | null = null, noOverwalk = true): Target {
  let initial: Target = typeof start === "string" ? getRevision(ix, start) : start;
  for (let i = 0; i < Math.abs(steps); i++) {
    let children: Target[];
    if (steps > 0) {
      if (initial === "base") throw new RevisionMapError("assertion", "Cannot walk up from 'base'");
      const walkUp = getRevisions(ix, initial === null ? ix.bases : initial.next).map((r) => assertRev(r, "child"));
      children = label ? filterForLineage(ix, walkUp, label) : walkUp;
    } else if (initial === "base") {
      children = [];
    } else {
      children = getRevisions(ix, initial === null ? ix.heads : initial.down);
      if (children.length === 0) children = ["base"];
    }
    if (children.length === 0) return noOverwalk ? null : initial;
    if (children.length > 1) throw new RevisionMapError("revision", "Ambiguous walk");
    initial = children[0]!;
  }
  return initial;
}

export interface CatchOptions {
  ancestor?: string;
  multipleHeads?: string;
  start?: string;
  end?: string;
}

/** Alembic's `ScriptDirectory._catch_revision_errors`: the CommandError text the CLI prints. */
export function toAppError(e: unknown, opts: CatchOptions = {}): unknown {
  if (!(e instanceof RevisionMapError)) return e;
  let alembicMessage: string;
  /** Alembic's more specific reason, when its CLI text hides it. */
  let reason: string | undefined;
  switch (e.kind) {
    case "range": {
      const template = opts.ancestor ?? "Requested range %(start)s:%(end)s does not refer to ancestor/descendant revisions along the same branch";
      alembicMessage = template.replace("%(start)s", opts.start ?? "").replace("%(end)s", opts.end ?? "");
      break;
    }
    case "multiple-heads": {
      const headArg = opts.end ?? e.argument ?? "";
      alembicMessage =
        opts.multipleHeads ?? `Multiple head revisions are present for given argument '${headArg}'; please specify a specific target revision, '<branchname>@${headArg}' to narrow to a specific head, or 'heads' for all heads`;
      if (e.heads) reason = `Heads: ${e.heads.join(", ")}`;
      break;
    }
    case "resolution":
      alembicMessage = `Can't locate revision identified by '${e.argument ?? ""}'`;
      // Alembic hides "Multiple revisions start with…" / "not a member of branch" behind the generic text.
      if (!e.message.startsWith("No such revision or branch")) reason = e.message;
      break;
    default:
      alembicMessage = e.message;
  }
  const message = e.kind === "resolution" && reason ? reason : alembicMessage;
  const userMessage = reason ? `${alembicMessage}. ${reason}` : alembicMessage;
  return new AppError("bad-request", message, userMessage, { alembicMessage, kind: e.kind });
}

/**
 * The revision ids a spec names, as `ScriptDirectory.get_revisions` resolves it ("base" → []).
 * Unknown or ambiguous specs throw AppError("bad-request") with Alembic's reason.
 */
export function resolveRevisions(graph: RevisionGraph, spec: string): string[] {
  const ix = indexGraph(graph);
  try {
    const out: string[] = [];
    for (const t of getRevisions(ix, spec.trim())) {
      if (t === null) {
        throw new RevisionMapError("revision", `Relative revision ${spec} walks past the ends of the history`);
      }
      if (t !== "base") out.push(t.id);
    }
    return out;
  } catch (e) {
    throw toAppError(e);
  }
}
