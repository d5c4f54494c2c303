/** Small helpers over Utf8 columns (Arrow layout), shared by the workers. */
import type { Utf8Column } from './batch.js';
import { bytesEqual } from './hash.js';

export function strLen(c: Utf8Column, i: number): number {
  return c.offsets[i + 1]! - c.offsets[i]!;
}

export function strEq(a: Utf8Column, i: number, b: Utf8Column, j: number): boolean {
  return bytesEqual(a.bytes, a.offsets[i]!, a.offsets[i + 1]!, b.bytes, b.offsets[j]!, b.offsets[j + 1]!);
}

const decoder = new TextDecoder();

/** Decodes one value. Allocates a string: for messages and tests, never per row on the hot path. */
export function strAt(c: Utf8Column, i: number): string {
  return decoder.decode(c.bytes.subarray(c.offsets[i]!, c.offsets[i + 1]!));
}

/** Checks that b[s, e) is well-formed UTF-8. */
export function validUtf8(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return false;
    if (i + need >= e) return false;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}
