import "server-only";
import fs from "node:fs";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import type { LoadProjectOptions } from "@/lib/alembic/load-project";
import type { RevisionGraph } from "@/lib/graph/types";

/** A project's graph as the overview and its polls read it: one object per graph version. */
export interface WatchedProjectGraph {
  graph: RevisionGraph;
  rootDir: string;
  /** Bumped whenever the graph is read again, so work derived from it can be keyed by it. */
  version: number;
}

/**
 * Even with no file event, a graph is read again after this long: a change a watcher missed (a
 * network file system, an editor's rename dance) shows within a minute at most. That re-read runs
 * behind the request that noticed the age (which is answered from the kept graph): a first visit
 * after a quiet minute waited ~1 s for 2,000 files here.
 */
const MAX_AGE_MS = 60_000;

interface Entry {
  key: string;
  reading?: Promise<WatchedProjectGraph>;
  value?: WatchedProjectGraph;
  readAt: number;
  /** File events seen; a read is valid while this equals what it was when the read started. */
  changes: number;
  changesAtRead: number;
  watchers: fs.FSWatcher[];
  /** False when the files cannot be watched: every call reads again (the worker's own per-file cache still applies). */
  watched: boolean;
}

const state = globalThis as unknown as { __cairnWatchedGraphs?: Map<string, Entry>; __cairnWatchedGraphVersion?: number };
const entries = (state.__cairnWatchedGraphs ??= new Map());

/**
 * readProjectGraphAsync, kept while the project's files are unchanged. A poll of 20 environments on
 * a 2,000-revision project re-listed, re-statted and re-built the graph in the worker and copied it
 * back to the server thread every 10 s per tab (most of its ~276 ms of CPU); now it costs a map
 * lookup until alembic.ini or a versions directory changes (fs.watch); after MAX_AGE_MS it is
 * refreshed behind the request.
 * Only for what is shown (overview, polls): runs and gates read the files themselves.
 */
export async function readWatchedProjectGraph(target: string, options: LoadProjectOptions = {}): Promise<WatchedProjectGraph> {
  const key = JSON.stringify([target, options]);
  let entry = entries.get(key);
  if (!entry) {
    entry = { key, readAt: 0, changes: 0, changesAtRead: -1, watchers: [], watched: false };
    entries.set(key, entry);
  }
  const unchanged = entry.value !== undefined && entry.watched && entry.changes === entry.changesAtRead;
  if (unchanged && Date.now() - entry.readAt < MAX_AGE_MS) return entry.value!;
  if (unchanged) {
    // Only old, with no file event: answer from it and refresh behind this request.
    if (!entry.reading) void readAgain(entry, target, options).catch(() => {});
    return entry.value!;
  }
  return entry.reading ?? readAgain(entry, target, options);
}

function readAgain(e: Entry, target: string, options: LoadProjectOptions): Promise<WatchedProjectGraph> {
  const changesAtStart = e.changes;
  const startedAt = Date.now();
  e.reading = readProjectGraphAsync(target, options)
    .then(({ project, graph }) => {
      const value = { graph, rootDir: project.location.rootDir, version: (state.__cairnWatchedGraphVersion = (state.__cairnWatchedGraphVersion ?? 0) + 1) };
      // Watched afresh after every read: an editor that saves alembic.ini by renaming leaves a watcher on the old file.
      closeWatchers(e);
      watch(
        e,
        [project.location.configFile, ...project.location.versionLocations].filter((p): p is string => Boolean(p)),
        project.location.recursiveVersionLocations,
      );
      e.value = value;
      e.readAt = startedAt;
      e.changesAtRead = changesAtStart;
      return value;
    })
    .finally(() => {
      e.reading = undefined;
    });
  return e.reading;
}

function watch(entry: Entry, paths: string[], recursive: boolean): void {
  try {
    for (const p of paths) {
      const w = fs.watch(p, { persistent: false, recursive: recursive && fs.statSync(p).isDirectory() }, () => {
        entry.changes++;
      });
      w.on("error", () => unwatch(entry));
      entry.watchers.push(w);
    }
    entry.watched = true;
  } catch {
    // No inotify watches left, a missing directory…: read on every call, as before.
    unwatch(entry);
  }
}

function closeWatchers(entry: Entry): void {
  for (const w of entry.watchers) w.close();
  entry.watchers = [];
  entry.watched = false;
}

function unwatch(entry: Entry): void {
  closeWatchers(entry);
  entry.changes++;
}
