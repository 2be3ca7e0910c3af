/**
 * A Map used as a process-wide cache with a size bound: inserting a new key past `max` entries drops
 * the oldest-inserted ones first (a Map keeps insertion order). Replacing an existing key drops nothing.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (!map.has(key)) {
    while (map.size >= max) {
      const oldest = map.keys().next();
      if (oldest.done) break;
      map.delete(oldest.value);
    }
  }
  map.set(key, value);
}
