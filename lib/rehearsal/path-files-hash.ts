import "server-only";
import fs from "node:fs";
import type { RevisionGraph } from "@/lib/graph/types";
import { hashPathFiles } from "@/lib/rehearsal/hash-path-files";

/** The content hash of the migration files on a path, as they are on disk now. */
export async function pathFilesHash(graph: Pick<RevisionGraph, "revisions">, steps: readonly string[]): Promise<string> {
  const files = await Promise.all(
    steps.map(async (revision) => {
      const file = graph.revisions.get(revision)?.path;
      return { revision, source: file ? await fs.promises.readFile(file, "utf8").catch(() => null) : null };
    }),
  );
  return hashPathFiles(files);
}

/** The key a rehearsal and a run's plan share for "the same starting revisions". */
export function fromKeyOf(revisions: readonly string[]): string {
  return [...revisions].sort().join(",");
}
