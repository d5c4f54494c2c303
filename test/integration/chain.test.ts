/**
 * The acceptance of the nightly run: generated multi-day chains, run day by day, yield exactly the
 * planted findings (kind, keys, amounts, days_late, duplicate_count, status) on every store;
 * re-running the latest date leaves the store identical; an older date is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../src/pool.js';
import { UsageError } from '../../src/errors.js';
import { datesFrom, foundLines, generateChain, runDate, tableSnapshot, TEST_ENGINE, truthLines } from '../helpers/chain.js';
import { dataDirFiles } from '../../src/inputs.js';
import { fillRunOptions } from '../../src/config.js';
import { replay } from '../../src/replay.js';
import { storeCases } from '../helpers/stores.js';

let pool: Pool;
beforeAll(() => {
  pool = createPool(2);
});
afterAll(async () => {
  await pool.destroy();
});

/** The kinds issue 2 requires the generator to plant and the engine to find. */
const REQUIRED_KINDS = ['MISSING_CREDIT', 'DELAYED_CREDIT', 'DUPLICATE_CREDIT', 'AMOUNT_MISMATCH', 'UNMATCHED_CLEARING', 'RISK_HOLD', 'DECLINED_BUT_SETTLED'];

const START = '2026-11-16'; // Monday: the chain runs Mon–Fri, deadlines fall inside it
const DAYS = 5;

for (const sc of storeCases()) {
  describe(`5-day chain on ${sc.name}`, () => {
    afterAll(() => sc.dispose());

    for (const seed of [1, 2, 3]) {
      it(`seed ${seed}: finds exactly the planted findings, and a re-run of the last date changes nothing`, async () => {
        const { dir, gen } = generateChain(START, DAYS, 2500, seed);
        const truth = truthLines(dir);
        const kinds = new Set(truth.map((l) => l.split(',')[1]));
        for (const k of REQUIRED_KINDS) expect(kinds, `truth plants ${k}`).toContain(k);
        expect(truth.some((l) => l.includes(',MISSING_CREDIT,resolved,'))).toBe(true);
        expect(truth.some((l) => l.includes(',MISSING_CREDIT,open,'))).toBe(true);
        expect(gen.planted.DUP_SAME_FILE).toBeGreaterThan(0);
        expect(gen.planted.DUP_NEXT_DAY).toBeGreaterThan(0);
        expect(gen.planted.DELAYED_ACROSS_WEEKEND).toBeGreaterThan(0);

        const store = await sc.open();
        try {
          const dates = datesFrom(START, DAYS);
          for (const d of dates) {
            const s = await runDate(store, dir, d, pool);
            expect(s.journal.rowsIn).toBe(s.journal.reconciled + s.journal.open + s.journal.exception + s.journal.rejected);
            expect(s.clearing.rowsIn).toBe(s.clearing.reconciled + s.clearing.open + s.clearing.exception + s.clearing.rejected);
          }
          expect(await foundLines(store, dates)).toEqual(truth);

          const tables = [
            ['recon.exception', 'kind, s_side, s_run, s_file, s_line'],
            ['recon.exception_change', 'run_date, kind, s_side, s_run, s_file, s_line'],
            ['recon.open_item', 'side, src_run, src_file, src_line, created_by'],
            ['recon.matched_key', 'j_run, j_file, j_line'],
            ['recon.rejected_row', 'run_date, file_no, line'],
          ] as const;
          const snapshot = async (): Promise<string[][]> => {
            const out: string[][] = [];
            for (const [t, o] of tables) out.push(await tableSnapshot(store, t, o));
            return out;
          };
          const before = await snapshot();
          const again = await runDate(store, dir, dates.at(-1)!, pool);
          expect(again.rerun).toBe(true);
          const after = await snapshot();
          tables.forEach(([t], i) => expect(after[i], t).toEqual(before[i]));
          expect(await foundLines(store, dates)).toEqual(truth);

          const older = runDate(store, dir, dates[2]!, pool);
          await expect(older).rejects.toThrow(UsageError);
          await expect(older).rejects.toThrow(/--replay/);

          // --replay redoes the older date and every later one in order: same inputs, same store.
          const f = dataDirFiles(dir, dates[2]!);
          const replayed = await replay(store, fillRunOptions({ ...TEST_ENGINE, date: dates[2]!, journal: f.journal, clearing: f.clearing, merchants: f.merchants }), { pool });
          expect(replayed.map((r) => r.date)).toEqual(dates.slice(2));
          const afterReplay = await snapshot();
          tables.forEach(([t], i) => expect(afterReplay[i], `${t} after replay`).toEqual(before[i]));
        } finally {
          await store.close();
        }
      });
    }
  });
}
