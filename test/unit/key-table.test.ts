import { describe, expect, it } from 'vitest';
import { KeyTable } from '../../src/core/key-table.js';

const rowsFor = (t: KeyTable, h: number): number[] => {
  const out: number[] = [];
  for (let s = t.find(h); s >= 0; s = t.findNext(s, h)) out.push(t.rowAt(s));
  return out;
};

describe('KeyTable', () => {
  it('finds every row of a hash, in insertion order, and nothing for an absent hash', () => {
    const t = new KeyTable(4);
    t.insert(7, 0);
    t.insert(9, 1);
    t.insert(7, 2);
    t.insert(7, 3);
    expect(rowsFor(t, 7)).toEqual([0, 2, 3]);
    expect(rowsFor(t, 9)).toEqual([1]);
    expect(rowsFor(t, 8)).toEqual([]);
  });

  it('keeps colliding slots apart: hashes equal modulo the capacity are distinct keys', () => {
    const t = new KeyTable(4);
    const cap = t.capacity;
    t.insert(5, 0);
    t.insert(5 + cap, 1);
    t.insert(5 + 2 * cap, 2);
    expect(rowsFor(t, 5)).toEqual([0]);
    expect(rowsFor(t, 5 + cap)).toEqual([1]);
    expect(rowsFor(t, 5 + 2 * cap)).toEqual([2]);
  });

  it('grows past its initial capacity and keeps every entry and the insertion order', () => {
    const t = new KeyTable(2);
    const start = t.capacity;
    const n = 10_000;
    for (let i = 0; i < n; i++) t.insert(((i * 2654435761) % 1000) >>> 0, i);
    expect(t.capacity).toBeGreaterThan(start);
    expect(t.size).toBe(n);
    for (let h = 0; h < 1000; h += 97) {
      const expected = [];
      for (let i = 0; i < n; i++) if (((i * 2654435761) % 1000) >>> 0 === h) expected.push(i);
      expect(rowsFor(t, h)).toEqual(expected);
    }
  });

  it('wraps around the end of the slot array', () => {
    const t = new KeyTable(4);
    const last = t.capacity - 1;
    for (let i = 0; i < 5; i++) t.insert(last, i);
    expect(rowsFor(t, last)).toEqual([0, 1, 2, 3, 4]);
  });
});
