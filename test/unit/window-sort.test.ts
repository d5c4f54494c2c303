import { describe, expect, it } from 'vitest';
import { FENCE_EVERY, findInRecords, RECORD_WORDS } from '../../src/core/window-layout.js';
import { sortSegment } from '../../workers/window-records.js';

/** Records whose hash hi is drawn from `his` and whose second word numbers them (to check stability). */
function records(his: number[]): Int32Array {
  const w = new Int32Array(his.length * RECORD_WORDS);
  his.forEach((hi, i) => {
    w[i * RECORD_WORDS] = hi | 0;
    w[i * RECORD_WORDS + 1] = i;
    for (let k = 2; k < RECORD_WORDS; k++) w[i * RECORD_WORDS + k] = i * 31 + k;
  });
  return w;
}

function expectSorted(his: number[]): void {
  const seg = sortSegment(7, 3, records(his), his.length);
  const want = his.map((hi, i) => ({ hi: hi >>> 0, i })).sort((a, b) => a.hi - b.hi || a.i - b.i);
  expect(seg.count).toBe(his.length);
  const got = Array.from({ length: his.length }, (_, r) => ({
    hi: seg.records[r * RECORD_WORDS]! >>> 0,
    i: seg.records[r * RECORD_WORDS + 1]!,
  }));
  expect(got).toEqual(want);
  // Every word travels with its record.
  for (let r = 0; r < his.length; r++) {
    const i = got[r]!.i;
    for (let k = 2; k < RECORD_WORDS; k++) expect(seg.records[r * RECORD_WORDS + k]).toBe(i * 31 + k);
  }
  expect(Array.from(seg.fences)).toEqual(got.filter((_, r) => r % FENCE_EVERY === 0).map((g) => g.hi));
}

describe('window segment sort', () => {
  it('orders records by unsigned hash hi, stably, with their fences', () => {
    let s = 12345;
    const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) | 0);
    // Full 32-bit hashes (signed as stored), many repeats, and values across the sign bit.
    expectSorted(Array.from({ length: 5000 }, () => next()));
    expectSorted(Array.from({ length: 3000 }, () => next() & 0xff));
    expectSorted([0x80000000, 0x7fffffff, -1, 0, 1, -2, 0x80000000, 0]);
  });

  it('handles a shared top digit (one partition), one record and none', () => {
    let s = 99;
    const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) | 0);
    expectSorted(Array.from({ length: 4000 }, () => 0xa0000000 | (next() & 0x0fffffff) | 0));
    // Large enough for the 14-bit digits: two passes, the shared top digit skipped.
    expectSorted(Array.from({ length: 6000 }, () => 0xa0000000 | (next() & 0x0fffffff) | 0));
    expectSorted(Array.from({ length: 100 }, () => 0x12345678));
    expectSorted([42]);
    expectSorted([]);
  });
});

describe('a window lookup', () => {
  it('matches a key only on both words of its 64-bit hash (the bound of window-records.ts rests on it)', () => {
    // Many records share the first word; the second word tells them apart.
    const his = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x7fff1234 : i * 7919));
    const seg = sortSegment(7, 3, records(his), his.length);
    const at = (i: number): number[] => {
      const out: number[] = [];
      findInRecords(seg.records, seg.count, his[i]!, i, out);
      return out.map((r) => seg.records[r * RECORD_WORDS + 1]!);
    };
    for (const i of [0, 3, 99, 198]) expect(at(i)).toEqual([i]);
    const none: number[] = [];
    findInRecords(seg.records, seg.count, 0x7fff1234, 1000, none);
    expect(none).toEqual([]);
    findInRecords(seg.records, seg.count, 0x7fff1235, 0, none);
    expect(none).toEqual([]);
  });
});
