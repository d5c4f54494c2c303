/**
 * A run commits everything or nothing (DESIGN §7): a run that fails on its inputs or in the middle of
 * its commit leaves the store exactly as before, and the same run then succeeds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/inputs/errors.js';
import type { Pool } from '../../src/run/pool.js';
import { type Store, StoreError } from '../../src/store/store.js';
import { generateChain, RUN_TABLES, runDate, tableSnapshot } from '../helpers/chain.js';
import { testPool } from '../helpers/pool.js';
import { storeCases } from '../helpers/stores.js';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});

const TABLES = [['recon.run', 'run_date'], ...RUN_TABLES] as const;

async function snapshot(store: Store): Promise<string[][]> {
  const out: string[][] = [];
  for (const [t, o] of TABLES)
    out.push(
      (await tableSnapshot(store, t, o)).map((r) => r.replace(/"(started_at|finished_at|duration_ms)":[^,]*,/g, '')),
    );
  return out;
}

for (const sc of storeCases()) {
  describe(`atomic runs on ${sc.name}`, () => {
    afterAll(() => sc.dispose());

    it('leaves the store untouched when a run fails, then completes', async () => {
      const { dir } = generateChain('2026-11-16', 2, 1500, 21);
      const store = await sc.open();
      try {
        await runDate(store, dir, '2026-11-16', pool);
        const before = await snapshot(store);

        // Too many rejected rows: refused before anything is written.
        const clearing = join(dir, 'clearing', '2026-11-17.csv');
        const good = readFileSync(clearing, 'utf8');
        const lines = good.split('\n');
        const broken = [
          lines[0],
          ...lines.slice(1).map((l, i) => (i % 20 === 0 && l ? l.replace(',SETTLED', ',SETTLED_MAYBE') : l)),
        ].join('\n');
        writeFileSync(clearing, broken);
        await expect(runDate(store, dir, '2026-11-17', pool)).rejects.toThrow(InputError);
        await expect(runDate(store, dir, '2026-11-17', pool)).rejects.toThrow(
          /too many rejected rows: \d+ of \d+ .* --max-rejects 1%/,
        );
        expect(await snapshot(store)).toEqual(before);
        writeFileSync(clearing, good);

        // The store fails in the middle of the commit (after findings and open items were written).
        await store.exec(`create function recon.fail_insert() returns trigger language plpgsql as $$ begin raise exception 'simulated failure'; end $$;
          create trigger fail_matched before insert on recon.window_segment for each row execute function recon.fail_insert()`);
        await expect(runDate(store, dir, '2026-11-17', pool)).rejects.toThrow(StoreError);
        await store.exec('drop trigger fail_matched on recon.window_segment; drop function recon.fail_insert()');
        expect(await snapshot(store)).toEqual(before);

        const done = await runDate(store, dir, '2026-11-17', pool);
        expect(done.rerun).toBe(false);
        expect(done.findings.length).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    });
  });
}
