/**
 * Hashing of match keys straight from UTF-8 bytes (no strings on the hot path).
 *
 * A key is a sequence of fields; `hashField` folds one field's bytes into a running 32-bit state
 * (FNV-1a over bytes, with the field length mixed in so that ("ab","c") ≠ ("a","bc")), and
 * `finish` avalanches the state (murmur3 fmix32) so that both the high bits (partition choice) and
 * the low bits (hash-table slot) are well spread.
 */

export const HASH_SEED = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function hashField(h: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return Math.imul(h ^ (end - start) ^ 0xff, FNV_PRIME);
}

/**
 * hashField's fold for long runs of bytes (a table's content, not a key field), in a function of its
 * own. V8 compiles a long first loop on the stack (OSR) before the code after the loop has run, and
 * later calls enter that code at the loop and deoptimize after it, until the caller is optimized:
 * with the merchants table hashed by hashField, a 2M run's workers deoptimized hashField ~3,000
 * times in their first chunk (`node --trace-deopt`).
 */
export function hashBytes(h: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return Math.imul(h ^ (end - start) ^ 0xff, FNV_PRIME);
}

/** Mixes a small integer (a key tag, an amount's 32-bit halves, a date) into the state. */
export function hashInt(h: number, v: number): number {
  h = Math.imul(h ^ (v & 0xffff), FNV_PRIME);
  return Math.imul(h ^ (v >>> 16), FNV_PRIME);
}

export function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Partition of a finished hash: its high bits, so that slots (low bits) stay independent of it. */
export function partitionOf(hash: number, partitions: number): number {
  return Math.floor(((hash >>> 8) * partitions) / 0x1000000);
}

/** Byte-wise equality of two ranges. */
export function bytesEqual(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  const n = ae - as;
  if (n !== be - bs) return false;
  for (let i = 0; i < n; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/** The first index of the ascending array `a` whose value is ≥ v (a.length if none). */
export function lowerBound(a: Uint32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
