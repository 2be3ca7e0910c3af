/**
 * Hand-written projects for shapes worth naming. Those named `broken-*` are ones real Alembic
 * refuses to load; for them Cairn must report a problem, not crash.
 */
import type { GeneratedProject, GenRevision } from "@/tests/alembic-agreement/generate-graphs";

function rev(id: string, down: string[] = [], extra: Partial<GenRevision> = {}): GenRevision {
  return { id, down, labels: [], deps: [], file: `${id}_step.py`, message: `step ${id}`, ...extra };
}

export const FIXTURES: GeneratedProject[] = [
  {
    // Expand/contract: two labelled lines from one base, the contract side waiting for expand.
    name: "expand-contract",
    revisions: [
      rev("1a2b3c4d5e6f"),
      rev("e1xp000000aa", ["1a2b3c4d5e6f"], { labels: ["expand"] }),
      rev("c0ntract00aa", ["1a2b3c4d5e6f"], { labels: ["contract"] }),
      rev("e2xp000000bb", ["e1xp000000aa"]),
      rev("c1ntract00bb", ["c0ntract00aa"], { deps: ["expand"] }),
      rev("e3xp000000cc", ["e2xp000000bb"]),
    ],
  },
  {
    name: "merge-of-three",
    revisions: [
      rev("aaaa00000001"),
      rev("bbbb00000002", ["aaaa00000001"]),
      rev("cccc00000003", ["aaaa00000001"]),
      rev("dddd00000004", ["aaaa00000001"]),
      rev("eeee00000005", ["dddd00000004", "bbbb00000002", "cccc00000003"]),
      rev("ffff00000006", ["eeee00000005"]),
    ],
  },
  {
    // Two independent roots with labels, a dependency across them by label and a late merge.
    name: "labelled-roots",
    revisions: [
      rev("c0re00000001", [], { labels: ["core"] }),
      rev("b1ll00000001", [], { labels: ["billing"] }),
      rev("c0re00000002", ["c0re00000001"]),
      rev("b1ll00000002", ["b1ll00000001"], { deps: ["core"] }),
      rev("c0re00000003", ["c0re00000002"]),
      rev("m3rge0000001", ["c0re00000003", "b1ll00000002"]),
    ],
  },
  {
    // A dependency that an ancestor already declares is normalized away.
    name: "redundant-dependency",
    revisions: [
      rev("r00t00000001"),
      rev("0ther0000001"),
      rev("r00t00000002", ["r00t00000001"], { deps: ["0ther0000001"] }),
      rev("r00t00000003", ["r00t00000002"], { deps: ["0ther0000001"] }),
      rev("0ther0000002", ["0ther0000001"]),
    ],
  },
  {
    // File names sort opposite to history, so ties in the sort break on load order.
    name: "load-order-ties",
    revisions: [
      rev("base00000001", [], { file: "z_base.py" }),
      rev("left00000001", ["base00000001"], { file: "y_left.py" }),
      rev("rght00000001", ["base00000001"], { file: "a_right.py" }),
      rev("left00000002", ["left00000001"], { file: "b_left2.py" }),
      rev("rght00000002", ["rght00000001"], { file: "x_right2.py" }),
    ],
  },
  {
    name: "long-revision-id",
    revisions: [rev("a".repeat(40)), rev("bbbb00000002", ["a".repeat(40)])],
  },
  {
    // The incident: a down_revision set to the previous migration's file name.
    name: "broken-file-name-as-down-revision",
    revisions: [rev("7c1f0e2a9b3d", [], { file: "20250915_cleanup_mail_status_exclusivity.py" }), rev("8d2e1f3b0c4e", ["20250915_cleanup_mail_status_exclusivity"], { file: "20250916_next.py" })],
  },
  {
    name: "broken-cycle",
    revisions: [rev("aaaa11110000", ["cccc33330000"]), rev("bbbb22220000", ["aaaa11110000"]), rev("cccc33330000", ["bbbb22220000"])],
  },
  {
    name: "broken-duplicate-branch-label",
    revisions: [rev("aaaa11110000", [], { labels: ["feature"] }), rev("bbbb22220000", ["aaaa11110000"]), rev("cccc33330000", ["aaaa11110000"], { labels: ["feature"] })],
  },
  {
    // depends_on is matched exactly by Alembic: a prefix does not resolve.
    name: "broken-depends-on-prefix",
    revisions: [rev("aaaa11110000"), rev("bbbb22220000"), rev("cccc33330000", ["aaaa11110000"], { deps: ["bbbb2222"] })],
  },
];
