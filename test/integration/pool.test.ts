/**
 * Threads exchange buffers, never rows (DESIGN §9): the scan's batches are shared memory, handed on
 * as they are; other batches sent to a worker are moved (the sender's buffers are detached, nothing
 * is copied), and the worker's results come back as typed arrays.
 * A task that throws fails cleanly and the pool closes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectRows, transferList } from '../../src/core/batch.js';
import { parseIsoDate } from '../../src/core/dates.js';
import { emptyMerchants } from '../../src/core/merchants.js';
import type { JoinResult, JoinTask, ScanResult, ScanTask } from '../../src/core/tasks.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { planFile } from '../../src/run/plan-file.js';
import { createPool } from '../../src/run/pool.js';
import { generateChain } from '../helpers/chain.js';

describe('worker pool', () => {
  it('moves scan results and join inputs between threads without copying', async () => {
    const pool = createPool(2);
    try {
      const { dir } = generateChain('2026-11-19', 1, 1500, 9);
      const calendar = loadCalendar(undefined).spec;
      const runDay = parseIsoDate('2026-11-19');
      const scanOf = async (side: 'journal' | 'clearing', fileNo: number): Promise<ScanResult> => {
        const plan = planFile(join(dir, side, '2026-11-19.csv'), side, fileNo, 1 << 30);
        const c = plan.chunks[0]!;
        const task: ScanTask = {
          chunk: fileNo,
          side,
          fields: plan.columns.fields,
          state: false,
          fileNo,
          runDay,
          partitions: 2,
          grace: 1,
          calendar,
          merchants: emptyMerchants(),
          source: { path: plan.path, start: c.start, end: c.end },
        };
        return (await pool.run(task, { name: 'scan' })) as ScanResult;
      };
      const j = await scanOf('journal', 1);
      const c = await scanOf('clearing', 2);
      expect(j.batches[0]!.merchant_id).toBeInstanceOf(Float64Array);
      expect(j.batches[0]!.order_no.bytes).toBeInstanceOf(Uint8Array);
      expect(j.batches[0]!.length + j.batches[1]!.length).toBe(j.rows);

      // The scan's batches are shared memory: postMessage hands the same memory on, and they stay
      // out of transfer lists.
      const batch = j.batches[0]!;
      for (const b of [batch, c.batches[0]!]) {
        expect(b.merchant_id.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(b.order_no.bytes.buffer).toBe(b.merchant_id.buffer);
      }
      expect(transferList([batch, c.batches[0]!])).toEqual([]);
      // A batch in ordinary buffers (a grown one, the join's left-overs) is transferred.
      const grown = selectRows(
        batch,
        Int32Array.from({ length: batch.length }, (_, i) => i),
        batch.length,
      );
      const buffers = transferList([grown]);
      const filled = buffers.filter((b) => b.byteLength > 0);
      expect(filled.length).toBe(1);
      const task: JoinTask = {
        partition: 0,
        runDay,
        journal: [grown],
        journalLineBase: [2],
        copies: new Int32Array(0),
        clearing: [c.batches[0]!],
        clearingLineBase: [2],
        calendar,
        merchants: emptyMerchants(),
        amountTolerance: 0,
      };
      const r = (await pool.run(task, { name: 'join', transferList: buffers })) as JoinResult;
      // Moved, not copied: the sender's buffers are detached.
      expect(filled.every((b) => b.byteLength === 0)).toBe(true);
      expect(r.counts).toBeInstanceOf(Int32Array);
      expect(r.exceptions).toBeInstanceOf(Uint8Array);
      expect(r.window.length).toBeGreaterThan(0);
      expect(r.window[0]!.records).toBeInstanceOf(Int32Array);
    } finally {
      await pool.destroy();
    }
  });

  it('reports a task that throws as a rejected promise and still closes', async () => {
    const pool = createPool(1);
    const bad = pool.run({ path: '/nonexistent/file.csv' }, { name: 'scan' });
    await expect(bad).rejects.toThrow();
    await pool.destroy();
  });
});
