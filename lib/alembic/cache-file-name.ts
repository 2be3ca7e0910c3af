/**
 * Names cache files after a key (a location, a configuration) without loading `node:crypto`, which
 * costs ~5 ms of a warm `cairn graph` run. The name only spreads keys over files: every cache
 * checks, inside the file, the exact key it was written for, so two keys sharing a name cost a miss,
 * never a wrong answer. 64 bits from two 32-bit FNV-1a passes over the key's UTF-16 code units.
 */
export function cacheFileName(prefix: string, key: string, suffix: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return `${prefix}-${(a >>> 0).toString(16).padStart(8, "0")}${(b >>> 0).toString(16).padStart(8, "0")}${suffix}`;
}
