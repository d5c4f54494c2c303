/**
 * Acceptance on generated chains: run day by day with their payout files, the engine reports exactly
 * the planted findings (kind, keys, amounts, days_late, duplicate_count, and the payouts' ids, reasons
 * and amounts, status) — no more, no less — of the journal, clearing and payout legs, on the first seed
 * of each chain on both stores, and on every seed on the embedded store under `npm run test:long`
 * (the seeds vary the data; the store's part is the same for each). On the first seed of each
 * chain, re-running the latest date leaves the store identical; an older date is refused, and
 * --replay from it leaves the store identical to the clean chain.
 *
 * Run per store by test/integration/chain.test.ts (embedded) and chain-server.test.ts, side by side.
 *
 * Chains: five working days (Mon–Fri) on the shipped calendar, and ten days across the Mid-Autumn
 * holiday and a make-up working day on a fixture calendar.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../data-gen/generate.js';
import { KIND_NAMES, PAYOUT_KINDS } from '../../src/core/codes.js';
import { UsageError } from '../../src/core/usage-error.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { dataDirFiles } from '../../src/inputs/data-dir.js';
import { fillRunOptions, type RunOptions } from '../../src/run/options.js';
import type { Pool } from '../../src/run/pool.js';
import { replay } from '../../src/run/replay.js';
import type { Store } from '../../src/store/store.js';
import {
  datesFrom,
  foundLines,
  RUN_TABLES,
  runDate,
  TEST_ENGINE,
  tableSnapshot,
  tempDir,
  truthLines,
} from './chain.js';
import { dose } from './dose.js';
import { testPool } from './pool.js';
import { FIXTURE_CALENDAR } from './scenario.js';
import { type StoreCase, storeCases } from './stores.js';

/** The tables a run writes, the payout leg's too. */
const TABLES: readonly (readonly [string, string])[] = [
  ...RUN_TABLES,
  ['recon.payout_row', 'run_date, file_no, line'],
  ['recon.payout_expected', 'settle_date, run_date'],
];

async function snapshot(store: Store): Promise<string[][]> {
  const out: string[][] = [];
  for (const [t, o] of TABLES) out.push(await tableSnapshot(store, t, o));
  return out;
}

interface ChainCase {
  name: string;
  start: string;
  days: number;
  rows: number;
  seeds: number[];
  calendar?: string;
  kinds: readonly string[];
  /** Run options on top of TEST_ENGINE. */
  run?: Partial<RunOptions>;
}

/**
 * Rows a day: enough under npm test for every fate the chain plants (the test checks they are
 * planted), more under npm run test:long.
 */
const ROWS = dose(1500, 2500);

/** Kinds every five-day chain plants (the others need the holiday or more days). */
const FIVE_DAY_KINDS = [
  'MISSING_CREDIT',
  'DELAYED_CREDIT',
  'DUPLICATE_CREDIT',
  'AMOUNT_MISMATCH',
  'UNMATCHED_CLEARING',
  'RISK_HOLD',
  'DECLINED_BUT_SETTLED',
  ...PAYOUT_KINDS,
];

const CHAINS: ChainCase[] = [
  {
    name: '5-day chain (Mon–Fri)',
    start: '2026-11-16',
    days: 5,
    rows: ROWS,
    seeds: [1, 2],
    kinds: FIVE_DAY_KINDS,
  },
  {
    name: '10-day chain across a holiday',
    start: '2026-09-19',
    days: 10,
    rows: ROWS,
    seeds: [1, 2],
    calendar: FIXTURE_CALENDAR,
    kinds: KIND_NAMES,
  },
  {
    // A budget far below the rows: every run spills its batches to Arrow IPC files.
    name: '5-day chain spilled to disk (--memory 1m)',
    start: '2026-11-16',
    days: 5,
    rows: ROWS,
    seeds: [6],
    kinds: FIVE_DAY_KINDS,
    run: { memory: '1m' },
  },
];

/** The chains on the embedded store or on the server (none when DATABASE_URL is not set). */
export function chainSuite(store: 'pglite' | 'server'): void {
  let pool: Pool;
  beforeAll(() => {
    pool = testPool();
  });
  for (const sc of storeCases().filter((c) => c.name === store)) chains(sc, () => pool);
}

function chains(sc: StoreCase, poolOf: () => Pool): void {
  for (const chain of CHAINS) {
    describe(`${chain.name} on ${sc.name}`, () => {
      afterAll(() => sc.dispose());

      // The first seed under npm test and on the server; every seed on the embedded store under
      // npm run test:long (test/helpers/dose.ts).
      const first = chain.seeds.slice(0, 1);
      for (const seed of sc.name === 'server' ? first : dose(first, chain.seeds)) {
        // Every seed checks the findings; the first of each chain also re-runs and replays.
        const again = seed === chain.seeds[0];
        const title = again
          ? 'exactly the planted findings; a re-run and a replay change nothing'
          : 'exactly the planted findings';
        it(`seed ${seed}: ${title}`, async () => {
          const pool = poolOf();
          const dir = tempDir(`gen-${seed}`);
          const calendar = loadCalendar(chain.calendar).spec;
          generate({ date: chain.start, days: chain.days, rows: chain.rows, seed, out: dir, calendar, payouts: true });
          const truth = truthLines(dir);
          const kinds = new Set(truth.map((l) => l.split(',')[1]));
          for (const k of chain.kinds) expect(kinds, `the truth plants ${k}`).toContain(k);
          expect(truth.some((l) => l.includes(',MISSING_CREDIT,resolved,'))).toBe(true);
          expect(truth.some((l) => l.includes(',MISSING_CREDIT,open,'))).toBe(true);
          const extra: Partial<RunOptions> = { ...(chain.calendar ? { calendar: chain.calendar } : {}), ...chain.run };
          // Each day with its payout files.
          const day = (d: string): Partial<RunOptions> => ({ ...extra, payout: dataDirFiles(dir, d).payout });

          const store = await sc.open();
          try {
            const dates = datesFrom(chain.start, chain.days);
            for (const d of dates) {
              const s = await runDate(store, dir, d, pool, day(d));
              expect(s.spilled).toBe(chain.run?.memory !== undefined);
              expect(s.journal.rowsIn).toBe(
                s.journal.reconciled + s.journal.open + s.journal.exception + s.journal.rejected,
              );
              expect(s.clearing.rowsIn).toBe(
                s.clearing.reconciled + s.clearing.open + s.clearing.exception + s.clearing.rejected,
              );
              expect(s.journal.rejected + s.clearing.rejected).toBe(0);
              // Fingerprints come from the bytes the scan read, a 64 KB range at a time, in any
              // order: each must be the sha256 of the whole file.
              for (const f of s.files)
                expect(f.sha256, f.path).toBe(createHash('sha256').update(readFileSync(f.path)).digest('hex'));
            }
            expect(await foundLines(store, dates)).toEqual(truth);
            if (!again) return;

            const before = await snapshot(store);
            const rerun = await runDate(store, dir, dates.at(-1)!, pool, day(dates.at(-1)!));
            expect(rerun.rerun).toBe(true);
            const after = await snapshot(store);
            TABLES.forEach(([t], i) => {
              expect(after[i], t).toEqual(before[i]);
            });

            const middle = dates[Math.floor(dates.length / 2)]!;
            const older = runDate(store, dir, middle, pool, day(middle));
            await expect(older).rejects.toThrow(UsageError);
            await expect(older).rejects.toThrow(/--replay/);
            const f = dataDirFiles(dir, middle);
            const replayed = await replay(
              store,
              fillRunOptions({
                ...TEST_ENGINE,
                ...extra,
                date: middle,
                journal: f.journal,
                clearing: f.clearing,
                payout: f.payout,
                merchants: f.merchants,
              }),
              { pool },
            );
            expect(replayed.map((r) => r.date)).toEqual(dates.slice(dates.indexOf(middle)));
            const afterReplay = await snapshot(store);
            TABLES.forEach(([t], i) => {
              expect(afterReplay[i], `${t} after replay`).toEqual(before[i]);
            });
            expect(await foundLines(store, dates)).toEqual(truth);
          } finally {
            await store.close();
          }
        });
      }
    });
  }
}
