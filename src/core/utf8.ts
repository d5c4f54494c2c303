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
