/**
 * Where the reader's files come from: the disk (the default), or a git commit read without checking
 * it out (lib/git/git-file-source.ts). Paths are absolute, as on disk; a source answers for the
 * files it holds and says `undefined` for anything else.
 */
import fs from "node:fs";

export type FileKind = "file" | "dir";

export interface FileSource {
  /** What is at `p`, following symbolic links on disk; undefined when nothing is. */
  kind(p: string): FileKind | undefined;
  /** The file's bytes. Throws an Error with `code` ENOENT (or another errno code) when it cannot be read. */
  read(p: string): Uint8Array;
  /** A directory's entries, sorted by code point (only "sorted" load order can be reproduced from a source other than the disk). */
  list(dir: string): { name: string; kind: FileKind }[];
  /** A content hash per file (git's blob id), to tell an edited file from an unchanged one. */
  hash?(p: string): string | undefined;
}

/** The disk, as the reader always read it. */
export const diskSource: FileSource = {
  kind(p) {
    try {
      const st = fs.statSync(p);
      return st.isDirectory() ? "dir" : st.isFile() ? "file" : undefined;
    } catch {
      return undefined;
    }
  },
  read: (p) => fs.readFileSync(p),
  list: (dir) =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .map((e) => ({ name: e.name, kind: (e.isDirectory() ? "dir" : "file") as FileKind }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
};
