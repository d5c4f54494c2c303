/**
 * --replay re-reads each later date's recorded inputs; it refuses, before taking anything back, when
 * one of them (an input file, the merchants file, the calendar) is gone or changed.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirFiles } from '../../src/inputs/data-dir.js';
import { InputError } from '../../src/inputs/errors.js';
import { fillRunOptions } from '../../src/run/options.js';
import type { Pool } from '../../src/run/pool.js';
import { replay } from '../../src/run/replay.js';
import { datesFrom, generateChain, runDate, TEST_ENGINE, tableSnapshot } from '../helpers/chain.js';
import { testPool } from '../helpers/pool.js';
import { storeCases } from '../helpers/stores.js';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});

for (const sc of storeCases()) {
  describe(`replay on ${sc.name}`, () => {
    afterAll(() => sc.dispose());

    it('refuses when a recorded input changed or is gone, and leaves the store as it was', async () => {
      const { dir } = generateChain('2026-11-16', 3, 1200, 8);
      const dates = datesFrom('2026-11-16', 3);
      const store = await sc.open();
      try {
        for (const d of dates) await runDate(store, dir, d, pool);
        const before = await tableSnapshot(store, 'recon.exception', 'kind, s_side, s_run, s_file, s_line');
        const f = dataDirFiles(dir, dates[1]!);
        const again = (): Promise<unknown> =>
          replay(
            store,
            fillRunOptions({
              ...TEST_ENGINE,
              date: dates[1]!,
              journal: f.journal,
              clearing: f.clearing,
              merchants: f.merchants,
            }),
            { pool },
          );

        const merchants = join(dir, 'merchants.csv');
        const original = readFileSync(merchants, 'utf8');
        writeFileSync(merchants, original.replace(',T1,', ',D1,'));
        await expect(again()).rejects.toThrow(InputError);
        await expect(again()).rejects.toThrow(/cannot replay 2026-11-18: its merchants file changed/);
        writeFileSync(merchants, original);

        const later = join(dir, 'clearing', '2026-11-18.csv');
        const saved = readFileSync(later);
        rmSync(later);
        await expect(again()).rejects.toThrow(/cannot replay 2026-11-18: its input file is not readable/);
        writeFileSync(later, saved);

        expect(await tableSnapshot(store, 'recon.exception', 'kind, s_side, s_run, s_file, s_line')).toEqual(before);
        const done = (await again()) as { date: string }[];
        expect(done.map((r) => r.date)).toEqual(dates.slice(1));
        expect(await tableSnapshot(store, 'recon.exception', 'kind, s_side, s_run, s_file, s_line')).toEqual(before);
      } finally {
        await store.close();
      }
    });
  });
}
