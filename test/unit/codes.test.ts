/** The state bits of a row (FLAG_*): each its own bit, and all within the batch's flags column. */
import { describe, expect, it } from 'vitest';
import { allocWriteBatch, SharedRegion } from '../../src/core/batch.js';
import * as codes from '../../src/core/codes.js';

describe('row state flags', () => {
  const flags = Object.entries(codes).filter(
    ([name]) => name.startsWith('FLAG_') && name !== 'FLAG_BITS' && name !== 'FLAG_PERSISTED',
  ) as [string, number][];

  it('are single bits, none shared, all within FLAG_BITS and the width of the batch column', () => {
    expect(flags.length).toBeGreaterThanOrEqual(8);
    let seen = 0;
    for (const [name, bit] of flags) {
      expect(bit > 0 && (bit & (bit - 1)) === 0, `${name} is one bit`).toBe(true);
      expect(bit < 2 ** codes.FLAG_BITS, `${name} fits in FLAG_BITS`).toBe(true);
      expect(seen & bit, `${name} shares a bit`).toBe(0);
      seen |= bit;
    }
    const batch = allocWriteBatch(4, [8, 8, 8], new SharedRegion(1 << 16));
    expect(batch.flags.BYTES_PER_ELEMENT * 8).toBeGreaterThanOrEqual(codes.FLAG_BITS);
    // The column keeps the highest flag.
    const top = Math.max(...flags.map(([, bit]) => bit));
    batch.flags[0] = top;
    expect(batch.flags[0]).toBe(top);
    expect(codes.FLAG_PERSISTED & ~seen).toBe(0);
  });
});
