/**
 * Threads exchange transferable buffers (DESIGN §9): a batch sent to a worker is moved (the sender's
 * buffers are detached, nothing is copied), and the worker's results come back as typed arrays.
 * A task that throws fails cleanly and the pool closes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCalendar } from '../../src/calendar.js';
import { transferList } from '../../src/core/batch.js';
import { parseIsoDate } from '../../src/core/dates.js';
import { emptyMerchants } from '../../src/core/merchants.js';
import { planFile } from '../../src/plan.js';
import { createPool } from '../../src/pool.js';
import type { JoinResult, JoinTask } from '../../workers/join.js';
import type { ScanResult, ScanTask } from '../../workers/scan.js';
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

      const batch = j.batches[0]!;
      const buffers = transferList([batch, c.batches[0]!]);
      const filled = buffers.filter((b) => b.byteLength > 0);
      expect(filled.length).toBeGreaterThanOrEqual(2);
      const task: JoinTask = {
        partition: 0,
        runDay,
        journal: [batch],
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
