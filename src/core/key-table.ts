import type { Scratch } from './scratch.js';

/**
 * Open-addressing hash table from a 32-bit key hash to row numbers (linear probing, power-of-two
 * capacity, load ≤ 1/2). It stores hashes and rows only; key equality is the caller's, checked on
 * the bytes of the candidate rows, so the table never holds a JS string or object per row.
 *
 * Several rows may share a key (and different keys may share a hash): they are all kept and
 * `find`/`findNext` visit every entry whose hash equals the probe's, in insertion order, which is
 * what makes the matching deterministic ("the first journal row in file order wins").
 *
 *   for (let s = t.find(h); s >= 0; s = t.findNext(s, h)) { const row = t.rowAt(s); … }
 */

export class KeyTable {
  private mask: number;
  /**
   * Two words per slot, side by side so a probe touches one cache line: the hash, and row + 1
   * (0 = empty).
   */
  private slots: Int32Array;
  /** Insertion log, replayed on growth so equal-hash entries keep their insertion order. */
  private logRow: Int32Array;
  private logHash: Int32Array;
  size = 0;

  /** Room for `expected` entries; its arrays from `scratch` when given (scratch.ts). */
  constructor(expected = 16, scratch?: Scratch) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.mask = cap - 1;
    const logs = Math.max(8, expected);
    this.slots = scratch ? scratch.i32(2 * cap).fill(0) : new Int32Array(2 * cap);
    this.logRow = scratch ? scratch.i32(logs) : new Int32Array(logs);
    this.logHash = scratch ? scratch.i32(logs) : new Int32Array(logs);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  insert(hash: number, row: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    if (this.size === this.logRow.length) {
      const r = new Int32Array(this.size * 2);
      r.set(this.logRow);
      this.logRow = r;
      const h = new Int32Array(this.size * 2);
      h.set(this.logHash);
      this.logHash = h;
    }
    this.logRow[this.size] = row;
    this.logHash[this.size] = hash;
    this.size++;
    this.place(hash | 0, row);
  }

  private place(hash: number, row: number): void {
    const mask = this.mask;
    const slots = this.slots;
    let i = hash & mask;
    while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
    slots[2 * i] = hash;
    slots[2 * i + 1] = row + 1;
  }

  private rehash(cap: number): void {
    this.mask = cap - 1;
    this.slots = new Int32Array(2 * cap);
    for (let k = 0; k < this.size; k++) this.place(this.logHash[k]!, this.logRow[k]!);
  }

  /** Slot of the first entry with this hash, or −1. */
  find(hash: number): number {
    return this.scan(hash & this.mask, hash | 0);
  }

  /** Slot of the next entry with this hash after `slot`, or −1. */
  findNext(slot: number, hash: number): number {
    return this.scan((slot + 1) & this.mask, hash | 0);
  }

  private scan(i: number, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    while (slots[2 * i + 1] !== 0) {
      if (slots[2 * i] === hash) return i;
      i = (i + 1) & mask;
    }
    return -1;
  }

  rowAt(slot: number): number {
    return this.slots[2 * slot + 1]! - 1;
  }
}
