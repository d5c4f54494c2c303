/** How a run sizes itself against --memory: in memory while the rows fit half the budget, else spilled in enough partitions. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/usage-error.js';
import { BATCH_BYTES_PER_INPUT_BYTE, memoryPlan } from '../../src/run/memory-plan.js';
import { fillRunOptions, parseMemory } from '../../src/run/options.js';

const GiB = 1024 ** 3;

describe('--memory', () => {
  it('reads sizes with units and refuses nonsense', () => {
    expect(parseMemory('2g')).toBe(2 * GiB);
    expect(parseMemory('1.5G')).toBe(1.5 * GiB);
    expect(parseMemory('512m')).toBe(512 * 1024 ** 2);
    expect(parseMemory('3000000')).toBe(3_000_000);
    expect(() => parseMemory('lots')).toThrow(UsageError);
    expect(() => parseMemory('10k')).toThrow(/at least 1m/);
    expect(fillRunOptions({ date: '2026-11-20', journal: ['j.csv'] }).memoryBytes).toBe(2 * GiB);
  });

  it('keeps rows in memory while they fit half the budget, then spills in partitions a join task can hold', () => {
    const o = { memoryBytes: 2 * GiB, partitions: 16, workers: 2 };
    // 277 MB of CSV (1M + 1M rows): ~390 MB of rows, in memory.
    expect(memoryPlan(277e6, o)).toEqual({
      estimate: Math.round(277e6 * BATCH_BYTES_PER_INPUT_BYTE),
      spill: false,
      partitions: 16,
    });
    // 2.8 GB of CSV (10M + 10M): spilled; each of 2 workers holds ~3 partitions' worth within 1 GiB.
    const big = memoryPlan(2.8e9, o);
    expect(big.spill).toBe(true);
    expect(big.partitions).toBe(Math.ceil((2.8e9 * BATCH_BYTES_PER_INPUT_BYTE) / (GiB / 6)));
    expect((3 * o.workers * big.estimate) / big.partitions).toBeLessThanOrEqual(GiB);
    // Never fewer than asked for, never more than a byte can number.
    expect(memoryPlan(6e5, { ...o, memoryBytes: 1024 ** 2 })).toMatchObject({ spill: true, partitions: 16 });
    expect(memoryPlan(1e12, o).partitions).toBe(256);
  });
});
