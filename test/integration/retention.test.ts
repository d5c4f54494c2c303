/**
 * Retention (DESIGN §7, store/retention.ts): each run prunes, in its own transaction, the carried
 * state no replayable run needs (open-item snapshots, undo logs, journal-window rows older than the
 * window); findings stay exact, a replay within reach gives an identical store, and a replay or run
 * from before it is refused with a message saying how far back the store reaches. On both stores.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/usage-error.js';
import { dataDirFiles } from '../../src/inputs/data-dir.js';
import { queryExceptions } from '../../src/reports/exceptions-export.js';
import { fillRunOptions, type RunOptions } from '../../src/run/options.js';
import type { Pool } from '../../src/run/pool.js';
import { replay } from '../../src/run/replay.js';
import { pruneAuditTrail } from '../../src/store/retention.js';
import type { Store } from '../../src/store/store.js';
import {
  datesFrom,
  foundLines,
  generateChain,
  RUN_TABLES,
  runDate,
  TEST_ENGINE,
  tableSnapshot,
  truthLines,
} from '../helpers/chain.js';
import { testPool } from '../helpers/pool.js';
import { credit, Scenario, sale } from '../helpers/scenario.js';
import { storeCases } from '../helpers/stores.js';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});

async function distinct(store: Store, sql: string): Promise<string[]> {
  return (await store.query<{ d: string }>(sql)).map((r) => r.d);
}

/** Every table a run writes, and the run rows without their timings: what must be identical. */
async function storeState(store: Store): Promise<string[]> {
  const out: string[] = [];
  for (const [table, order] of RUN_TABLES) out.push(table, ...(await tableSnapshot(store, table, order)));
  const runs = await store.query<{ d: string; from: string | null }>(
    'select run_date::text as d, replay_from::text as "from" from recon.run order by run_date',
  );
  out.push(...runs.map((r) => `run ${r.d} replay_from ${r.from}`));
  return out;
}

for (const sc of storeCases()) {
  describe(`retention on ${sc.name}`, () => {
    afterAll(() => sc.dispose());

    it('keeps the carried state of the last --keep-runs runs only; findings stay exact; replay reaches back that far and no further', async () => {
      const start = '2026-11-02';
      const days = 12;
      const { dir } = generateChain(start, days, 900, 21);
      const dates = datesFrom(start, days);
      const keep: Partial<RunOptions> = { keepRuns: 3 };
      const store = await sc.open();
      try {
        for (const d of dates) {
          const s = await runDate(store, dir, d, pool, keep);
          // Each run is replayable from the third latest run on, itself included.
          const i = dates.indexOf(d);
          expect(s.replayFrom).toBe(dates[Math.max(0, i - 2)]);
          // The open-item snapshots kept: the one the earliest replayable run reads, and later ones.
          const snapshots = await distinct(
            store,
            'select distinct created_by::text as d from recon.open_item order by 1',
          );
          expect(snapshots).toEqual(dates.slice(Math.max(0, i - 3), i + 1));
          const undo = await distinct(
            store,
            'select distinct run_date::text as d from recon.exception_change order by 1',
          );
          for (const u of undo) expect(u >= s.replayFrom).toBe(true);
        }
        // Findings exact against the generator's truth: pruning took nothing a rule used.
        expect(await foundLines(store, dates)).toEqual(truthLines(dir));

        // A replay from the earliest date in reach leaves the store as it was.
        const before = await storeState(store);
        const from = dates[days - 3]!;
        const f = dataDirFiles(dir, from);
        const options = (date: string, files: ReturnType<typeof dataDirFiles>) =>
          fillRunOptions({
            ...TEST_ENGINE,
            ...keep,
            date,
            journal: files.journal,
            clearing: files.clearing,
            merchants: files.merchants,
          });
        await replay(store, options(from, f), { pool });
        expect(await storeState(store)).toEqual(before);

        // One date further back is refused, naming how far the store reaches; nothing changes.
        const early = dates[days - 4]!;
        const refused = replay(store, options(early, dataDirFiles(dir, early)), { pool });
        await expect(refused).rejects.toThrow(UsageError);
        await expect(refused).rejects.toThrow(
          `cannot replay from ${early}: the store keeps what a replay needs from ${from} on (the run of ${dates[days - 1]} pruned the rest; --keep-runs sets how many runs stay replayable). Replay from ${from} or later`,
        );
        await expect(runDate(store, dir, early, pool, keep)).rejects.toThrow(
          `run ${early} refused: runs up to ${dates[days - 1]} exist, and the store keeps what a replay needs only from ${from} on (--keep-runs); ${early} cannot be redone`,
        );
        expect(await storeState(store)).toEqual(before);
      } finally {
        await store.close();
      }
    });

    it('db prune removes resolved findings and rejected rows before a date on request, says first what it would, keeps open findings and the sources kept ones name, and refuses to reach into what runs need', async () => {
      const start = '2026-11-02';
      const { dir } = generateChain(start, 9, 900, 23);
      const dates = datesFrom(start, 9);
      const opts: Partial<RunOptions> = { keepRuns: 2, windowDays: 2 };
      const store = await sc.open();
      const reference = await sc.open();
      try {
        for (const d of dates.slice(0, 8)) {
          await runDate(store, dir, d, pool, opts);
          await runDate(reference, dir, d, pool, opts);
        }
        const prune = (before: string, dry: boolean) => store.transaction((tx) => pruneAuditTrail(tx, before, dry));
        // Replays reach back to the 7th date; its window reads 2 days before it, rows the runs from
        // the 4th date on may have loaded: those runs stay.
        await expect(prune(dates[4]!, true)).rejects.toThrow(
          `db prune --before ${dates[4]} refused: the store needs its runs from ${dates[3]} on (replays reach back to ${dates[6]}, and the journal window they read 2 days before it). Prune before ${dates[3]} at most`,
        );
        const D = dates[3]!;
        const count = async (sql: string): Promise<number> => Number((await distinct(store, sql))[0]);
        const resolvedEarly = await count(
          `select count(*)::text as d from recon.exception where raised_on < '${D}' and status = 'resolved'`,
        );
        const openEarly = await tableSnapshot(
          store,
          `(select * from recon.exception where raised_on < '${D}' and status = 'open') x`,
          'kind, s_side, s_run, s_file, s_line',
        );
        const exported = async (): Promise<string[]> => {
          const out: string[] = [];
          for (const d of dates.slice(3, 8))
            out.push(...(await queryExceptions(store, { date: d })).map((r) => JSON.stringify(r)));
          return out;
        };
        const exportBefore = await exported();
        const before = await storeState(store);
        const dry = await prune(D, true);
        expect(await storeState(store)).toEqual(before);
        expect(dry.findings).toBe(resolvedEarly);
        expect(dry.findings).toBeGreaterThan(0);
        expect(dry.runs + dry.runsKept).toBe(3);
        const done = await prune(D, false);
        expect(done).toEqual(dry);
        expect(
          await count(
            `select count(*)::text as d from recon.exception where raised_on < '${D}' and status = 'resolved'`,
          ),
        ).toBe(0);
        expect(
          await tableSnapshot(
            store,
            `(select * from recon.exception where raised_on < '${D}') x`,
            'kind, s_side, s_run, s_file, s_line',
          ),
        ).toEqual(openEarly);
        expect(await count(`select count(*)::text as d from recon.rejected_row where run_date < '${D}'`)).toBe(0);
        // The findings of later dates, with the source files they name, are as they were.
        expect(await exported()).toEqual(exportBefore);
        expect(await distinct(store, 'select before::text as d from recon.prune')).toEqual([D]);
        // The chain goes on as in a store never pruned.
        await runDate(store, dir, dates[8]!, pool, opts);
        await runDate(reference, dir, dates[8]!, pool, opts);
        const later = `(select * from recon.exception where raised_on >= '${D}') x`;
        const order = 'kind, s_side, s_run, s_file, s_line';
        expect(await tableSnapshot(store, later, order)).toEqual(await tableSnapshot(reference, later, order));
      } finally {
        await store.close();
        await reference.close();
      }
    });

    it('keeps the mark of a late credit as long as the window record it marks (a row after the cutoff is of the next day): a re-run and a replay raise the same duplicate', async () => {
      const at = (day: string, time = '10:00:00'): string => `${day}T${time}+08:00`;
      const d = (n: number): string => `2026-11-${String(n).padStart(2, '0')}`;
      for (const [keepRuns, days, from] of [
        [1, 22, 22],
        [2, 23, 22],
      ] as const) {
        const store = await sc.open();
        try {
          // A declined sale loaded by the run of the 16th at 23:30: its business date is the 17th.
          // Credited on the 20th (DECLINED_BUT_SETTLED), and again on the 22nd (DUPLICATE_CREDIT).
          const s = new Scenario(pool, { run: { keepRuns, windowDays: 5 } }, store)
            .journal(d(16), sale({ stan: '000001', txn_time: at(d(16), '23:30:00'), response_code: '51' }))
            .clearing(d(20), credit({ stan: '000001', txn_time: at(d(16), '23:30:00'), settle_date: d(20) }))
            .clearing(d(22), credit({ stan: '000001', txn_time: at(d(16), '23:30:00'), settle_date: d(22) }));
          const run = Array.from({ length: days - 15 }, (_, k) => d(16 + k));
          await s.run(...run);
          const found = await s.findings();
          expect(found.map((f) => f.split(' ').slice(0, 2).join(' '))).toEqual([
            `${d(20)} DECLINED_BUT_SETTLED`,
            `${d(22)} DUPLICATE_CREDIT`,
          ]);
          const state = await storeState(store);
          await replay(
            store,
            fillRunOptions({
              ...TEST_ENGINE,
              keepRuns,
              windowDays: 5,
              date: d(from),
              journal: [join(s.dir, 'journal', `${d(from)}.csv`)],
              clearing: [join(s.dir, 'clearing', `${d(from)}.csv`)],
            }),
            { pool },
          );
          expect(await s.findings()).toEqual(found);
          expect(await storeState(store)).toEqual(state);
        } finally {
          await store.close();
        }
      }
    });

    it('prunes journal-window rows of business dates before the window of the earliest replayable run', async () => {
      const start = '2026-11-02';
      const { dir } = generateChain(start, 8, 900, 22);
      const dates = datesFrom(start, 8);
      const opts: Partial<RunOptions> = { keepRuns: 2, windowDays: 3 };
      const store = await sc.open();
      try {
        let pages = 0;
        for (const d of dates) {
          const s = await runDate(store, dir, d, pool, opts);
          pages += s.pruned.windowPages;
          const windowFrom = new Date(Date.parse(`${s.replayFrom}T00:00:00Z`) - 3 * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const oldest = await distinct(
            store,
            "select coalesce(min(business_date)::text, 'none') as d from recon.window_page",
          );
          expect(oldest[0] === 'none' || oldest[0]! >= windowFrom).toBe(true);
        }
        expect(pages).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    });
  });
}
