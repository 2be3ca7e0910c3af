/** What GET /api/projects/:project/merge-help answers; the graph page's Merge help panel reads it. Pure types. */

export type MergeHelp =
  /** Nothing to merge: one head, or every head on its own branch label (intentional branches). */
  | { kind: "none"; heads: string[]; message: string }
  /** The project's Alembic could not write the merge (not installed, failed, refused the copy): nothing was written anywhere that matters. */
  | { kind: "failed"; heads: string[]; command: string; message: string; details: string[] }
  | {
      kind: "merge";
      heads: string[];
      /** What to type in the project's directory, e.g. `alembic merge -m "merge a1 and b2" a1 b2`. */
      command: string;
      /** The file's name as Alembic wrote it, e.g. `3f9c0d1e2a4b_merge_a1_and_b2.py`. */
      fileName: string;
      /** Its directory relative to the project (where to put it), e.g. `migrations/versions`. */
      directory: string;
      /** The revision id Alembic chose; running the command yourself gives another. */
      revision: string;
      /** The file as the project's own Alembic and template wrote it. */
      contents: string;
      /** The graph of the copy with the file added, read by Cairn's reader. */
      preview: { heads: string[]; revisions: number; problems: string[] };
    };
