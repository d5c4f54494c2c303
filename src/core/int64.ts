/**
 * Int64 values in Arrow layout (two little-endian Int32 words per value) read and written as JS
 * numbers. Exact for |v| ≤ 2^53, which covers every amount in minor units and every epoch
 * millisecond the engine accepts; no BigInt is created on the hot path.
 */

const TWO_32 = 4_294_967_296;

export function getI64(words: Int32Array, i: number): number {
  return words[2 * i + 1]! * TWO_32 + (words[2 * i]! >>> 0);
}

export function setI64(words: Int32Array, i: number, v: number): void {
  if (v >= 0 && v < 2_147_483_648) {
    words[2 * i] = v;
    words[2 * i + 1] = 0;
    return;
  }
  const hi = Math.floor(v / TWO_32);
  words[2 * i] = (v - hi * TWO_32) | 0;
  words[2 * i + 1] = hi;
}
