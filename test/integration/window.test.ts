/**
 * The journal window's stored segments: a lookup finds exactly the records equal to each key,
 * whether it reads a few pages or the whole segment, including runs of equal hashes that cross
 * page boundaries, and only in the business dates and partitions it should.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { formatIsoDate } from '../../src/core/dates.js';
import { partitionOf } from '../../src/core/hash.js';
import {
  FENCE_EVERY,
  RECORD_WORDS,
  ROW_RECORDS,
  STATE_CREDITED,
  WINDOW_PARTS,
  type WindowSegment,
} from '../../src/core/window-layout.js';
import { JournalWindow, keyList } from '../../src/run/journal-window.js';
import { migrate } from '../../src/store/migrate.js';
import { sortSegment } from '../../workers/window-records.js';
import { rng } from '../helpers/random.js';
import { storeCases } from '../helpers/stores.js';

const DAY = 20_000; // 2024-10-04, any epoch day
const PARTS = WINDOW_PARTS;

interface Planted {
  hi: number;
  lo: number;
  line: number;
}

/**
 * A segment of `n` records in partition `part`: hash hi drawn so that it falls in the partition,
 * a run of `same` records sharing one hi (spanning pages), and each record's line = its number.
 */
function segment(
  businessDate: number,
  part: number,
  n: number,
  same: number,
  seed: number,
): { seg: WindowSegment; planted: Planted[] } {
  const next = rng(seed);
  const words = new Int32Array(n * RECORD_WORDS);
  const planted: Planted[] = [];
  let sharedHi = 0;
  do sharedHi = next();
  while (partitionOf(sharedHi, PARTS) !== part);
  for (let i = 0; i < n; i++) {
    let hi = sharedHi;
    if (i >= same) {
      do hi = next();
      while (partitionOf(hi, PARTS) !== part);
    }
    const lo = next();
    const at = i * RECORD_WORDS;
    words[at] = hi;
    words[at + 1] = lo;
    words[at + 2] = i + 2; // line
    words[at + 3] = 1_700_000_000;
    words[at + 4] = 1000 + i; // amount lo
    words[at + 5] = (i % 1_000_000) | (((1 << 6) | 1) << 20); // stan, response "00"
    words[at + 6] = 1 | (0 << 16); // file 1, run = created_by
    words[at + 7] = 0 | (1 << 16) | ((STATE_CREDITED | (1 << 4) | 128) << 24);
    planted.push({ hi, lo, line: i + 2 });
  }
  return { seg: sortSegment(businessDate, part, words, n), planted };
}

for (const sc of storeCases()) {
  describe(`journal window segments on ${sc.name}`, () => {
    afterAll(() => sc.dispose());

    it('finds exactly the equal records, page by page and whole, across runs of equal hashes', async () => {
      const store = await sc.open();
      try {
        const big = segment(DAY, 1, 20_000, 3 * FENCE_EVERY + 5, 7);
        const small = segment(DAY - 1, 2, 300, 40, 8);
        // Rows after the cutoff: the next business date.
        const future = segment(DAY + 1, 0, 500, 10, 10);
        await store.transaction(async (tx) => {
          const w = new JournalWindow(tx, DAY, DAY - 30);
          await w.add(0, [big.seg]);
          await w.add(1, [small.seg, future.seg]);
        });
        const next = DAY + 1;
        await store.transaction(async (tx) => {
          const w = new JournalWindow(tx, next, next - 30);
          // What the scan checks for copies: every row of the earlier dates; rows of the run's date
          // by the identity hashes of its records, while they are few.
          const all = await w.copyCheck();
          expect([all!.from, ...all!.days]).toEqual([DAY - 1, 1, 1, 2]);
          expect([...all!.hashes]).toEqual([...new Set(future.planted.map((p) => p.hi >>> 0))].sort((a, b) => a - b));
          const some = await w.copyCheck(100);
          expect([some!.from, ...some!.days]).toEqual([DAY - 1, 1, 1, 1]);
          expect(some!.hashes.length).toBe(0);

          // A few keys of the big segment: pages only.
          const picks = [0, 1, 3 * FENCE_EVERY + 4, 3 * FENCE_EVERY + 5, 777, 19_999];
          const keys = keyList();
          for (const k of picks) keys.push(big.planted[k]!.hi, big.planted[k]!.lo, DAY);
          // An absent key (same hi as the equal run, other lo) and one on a date with no segment.
          keys.push(big.planted[0]!.hi, big.planted[0]!.lo ^ 1, DAY);
          keys.push(big.planted[5]!.hi, big.planted[5]!.lo, DAY - 5);
          const before = w.bytesRead;
          const r = await w.lookup(keys, 0);
          const lines = picks.map((_, i) => r.hits.filter((_, x) => r.keyOf[x] === i).map((h) => h.jLine));
          expect(lines).toEqual(picks.map((k) => [k + 2]));
          expect(r.keyOf.filter((k) => k >= picks.length)).toEqual([]);
          expect(w.bytesRead - before).toBeLessThan(big.seg.count * RECORD_WORDS * 4);
          const h = r.hits[0]!;
          expect([h.jRun, h.jFile, h.businessDate, h.expected, h.type, h.state & STATE_CREDITED, h.response]).toEqual([
            DAY,
            1,
            DAY,
            DAY + 1,
            1,
            STATE_CREDITED,
            (48 << 8) | 48,
          ]);

          // Every key of the small segment, a day off: found with spread 1, read whole.
          const every1 = keyList();
          for (const p of small.planted) every1.push(p.hi, p.lo, DAY);
          const none = await w.lookup(every1, 0);
          expect(none.hits).toEqual([]);
          const found = await w.lookup(every1, 1);
          const byKey = new Map<number, number[]>();
          found.keyOf.forEach((k, x) => {
            byKey.set(k, [...(byKey.get(k) ?? []), found.hits[x]!.jLine]);
          });
          expect(small.planted.map((_, i) => byKey.get(i))).toEqual(small.planted.map((p) => [p.line]));

          // Every key of the big segment: all found, each once.
          const every = keyList();
          for (const p of big.planted) every.push(p.hi, p.lo, DAY);
          const e = await w.lookup(every, 0);
          expect(e.hits.length).toBe(big.planted.length);
          expect(e.hits.map((x, i) => x.jLine - 2 === e.keyOf[i]).every(Boolean)).toBe(true);
        });
      } finally {
        await store.close();
      }
    });

    it('finds a key whose run of equal hashes spans several stored rows', async () => {
      const store = await sc.open();
      try {
        // 2.5 rows' worth of records share one hash hi: the pages a lookup reads cross row ends.
        const same = Math.floor(ROW_RECORDS * 2.5);
        const wide = segment(DAY, 4, 8 * ROW_RECORDS, same, 11);
        await store.transaction(async (tx) => {
          await new JournalWindow(tx, DAY, DAY - 30).add(0, [wide.seg]);
        });
        const rows = await store.query<{ n: number }>('select count(*)::int as n from recon.window_page');
        expect(rows[0]!.n).toBe(8);
        await store.transaction(async (tx) => {
          const w = new JournalWindow(tx, DAY + 1, DAY - 29);
          const picks = [0, ROW_RECORDS - 1, ROW_RECORDS, same - 1, same, 8 * ROW_RECORDS - 1];
          const keys = keyList();
          for (const k of picks) keys.push(wide.planted[k]!.hi, wide.planted[k]!.lo, DAY);
          const r = await w.lookup(keys, 0);
          const lines = picks.map((_, i) => r.hits.filter((_, x) => r.keyOf[x] === i).map((h) => h.jLine));
          expect(lines).toEqual(picks.map((k) => [k + 2]));
        });
      } finally {
        await store.close();
      }
    });

    it('keeps the window of a store written before migration 0003 (records in the segment row)', async () => {
      const store = await sc.open();
      try {
        // The store as 0002 left it: records in window_segment, no window_page.
        await store.exec(`drop table recon.window_page;
          alter table recon.window_segment add column records bytea;
          delete from recon.migration where id = 3`);
        const old = segment(DAY, 5, 3 * ROW_RECORDS + 17, 40, 12);
        const empty = segment(DAY, 6, 0, 0, 13);
        for (const s of [old.seg, empty.seg]) {
          await store.query(
            `insert into recon.window_segment (created_by, business_date, part, producer, n, fences, records)
             values ($1::date, $2::date, $3, 0, $4, $5, $6)`,
            [
              formatIsoDate(DAY),
              formatIsoDate(s.businessDate),
              s.part,
              s.count,
              new Uint8Array(s.fences.buffer, s.fences.byteOffset, s.fences.byteLength),
              new Uint8Array(s.records.buffer, s.records.byteOffset, s.count * RECORD_WORDS * 4),
            ],
          );
        }
        expect((await migrate(store)).applied).toEqual(['0003_window_pages']);
        const rows = await store.query<{ n: number }>('select count(*)::int as n from recon.window_page');
        expect(rows[0]!.n).toBe(4);
        await store.transaction(async (tx) => {
          const w = new JournalWindow(tx, DAY + 1, DAY - 29);
          const every = keyList();
          for (const p of old.planted) every.push(p.hi, p.lo, DAY);
          const e = await w.lookup(every, 0);
          expect(e.hits.length).toBe(old.planted.length);
          expect(e.hits.map((x, i) => x.jLine - 2 === e.keyOf[i]).every(Boolean)).toBe(true);
        });
      } finally {
        await store.close();
      }
    });

    it('does not see segments of the run itself or of later runs as earlier ones', async () => {
      const store = await sc.open();
      try {
        const s = segment(DAY, 3, 100, 1, 9);
        await store.transaction(async (tx) => {
          const w = new JournalWindow(tx, DAY, DAY - 30);
          await w.add(0, [s.seg]);
        });
        await store.transaction(async (tx) => {
          const w = new JournalWindow(tx, DAY, DAY - 30);
          const keys = keyList();
          keys.push(s.planted[0]!.hi, s.planted[0]!.lo, DAY);
          expect((await w.lookup(keys, 0)).hits).toEqual([]);
          // Outside the window: not looked at.
          const old = new JournalWindow(tx, DAY + 40, DAY + 10);
          expect((await old.lookup(keys, 0)).hits).toEqual([]);
        });
      } finally {
        await store.close();
      }
    });
  });
}
