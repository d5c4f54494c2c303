/**
 * The payout leg on generated chains (DESIGN §3.5, §6, §6.2; issue 27): `recon gen` plants a payout
 * fate on every (merchant, settle_date) — on time, late, never, short, over, returned with each
 * reason and paid again, failed, held then paid, held for good, paid twice, split in two, and one
 * paid with nothing expected — and its truth.
 *
 * 1. The generator alone: its payout files have the payout header and well-formed rows; the
 *    expected payouts, summed again here from the clearing files a run reads by each pair's check
 *    (with the engine's calendar, not the generator's), are what the pairs paid on time were paid;
 *    the truth names only payouts the files hold; a few rows show a full account number.
 * 2. The engine: the days run in order with their payout files, on both stores, report exactly the
 *    planted findings of every kind — the payout kinds and the journal and clearing ones, which the
 *    payout leg leaves as they were — in recon's layout and in WeChat's bills (whose settle dates are
 *    the expected ones); every account number shown in full is masked on ingest and counted, and none
 *    is stored or exported. The chain tests (test/helpers/chain-suite.ts) run their chains with
 *    payouts too, with a re-run of the latest date and a replay.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYOUT_FATES } from '../../data-gen/fates/payouts.js';
import { type GenSummary, generate } from '../../data-gen/generate.js';
import type { ClearingFormat } from '../../data-gen/layouts/layout.js';
import { PAYOUT_KINDS } from '../../src/core/codes.js';
import { formatIsoDate, parseIsoDate, WorkCalendar } from '../../src/core/dates.js';
import { PAYOUT_HEADER } from '../../src/core/schema.js';
import { parseSmallCsv } from '../../src/core/small-csv.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { dataDirFiles } from '../../src/inputs/data-dir.js';
import { queryExceptions } from '../../src/reports/exceptions-export.js';
import type { Pool } from '../../src/run/pool.js';
import { datesFrom, foundLines, runDate, tempDir, truthLines } from '../helpers/chain.js';
import { testPool } from '../helpers/pool.js';
import { FIXTURE_CALENDAR } from '../helpers/scenario.js';
import { storeCases } from '../helpers/stores.js';

interface PayoutChainCase {
  name: string;
  start: string;
  days: number;
  rows: number;
  seeds: number[];
  calendar?: string;
}

const CHAINS: PayoutChainCase[] = [
  { name: '5-day chain (Mon–Fri)', start: '2026-11-16', days: 5, rows: 2500, seeds: [1, 2] },
  {
    name: '10-day chain across a holiday',
    start: '2026-09-19',
    days: 10,
    rows: 2500,
    seeds: [1],
    calendar: FIXTURE_CALENDAR,
  },
];

function generateChain(c: PayoutChainCase, seed: number, format?: ClearingFormat): { dir: string; gen: GenSummary } {
  const dir = tempDir(`payout-gen-${seed}`);
  const gen = generate({
    date: c.start,
    days: c.days,
    rows: c.rows,
    seed,
    out: dir,
    calendar: loadCalendar(c.calendar).spec,
    payouts: true,
    ...(format ? { clearingFormat: format } : {}),
  });
  return { dir, gen };
}

/** A CSV file's rows as records by column name, and its header. */
function readCsv(path: string): { header: string[]; rows: Record<string, string>[] } {
  const records = parseSmallCsv(readFileSync(path, 'utf8'));
  const header = records.shift()!.fields;
  return {
    header,
    rows: records.map((r) => Object.fromEntries(header.map((h, i) => [h, r.fields[i] ?? '']))),
  };
}

interface PayoutFileRow extends Record<string, string> {
  /** The date of the file it is in. */
  file: string;
}

/** The chain's payout rows, checked for their shape as they are read. */
function payoutRows(dir: string, dates: readonly string[]): PayoutFileRow[] {
  expect(readdirSync(join(dir, 'payout')).sort()).toEqual(dates.map((d) => `${d}.csv`));
  const out: PayoutFileRow[] = [];
  for (const d of dates) {
    const { header, rows } = readCsv(join(dir, 'payout', `${d}.csv`));
    expect(header, d).toEqual([...PAYOUT_HEADER]);
    for (const r of rows) {
      expect(Object.keys(r)).toHaveLength(PAYOUT_HEADER.length);
      expect(['PAID', 'FAILED', 'RETURNED', 'HELD']).toContain(r.status);
      expect(r.currency).toBe('CNY');
      expect(r.amount_minor).toMatch(/^\d+$/);
      expect(r.status_date! <= d, `${r.payout_id} status_date ${r.status_date} in the file of ${d}`).toBe(true);
      expect(r.status_date! >= r.settle_date!).toBe(true);
      // A reason for every failure and return, none for a payment; a hold's is the acquirer's, if any.
      if (r.status === 'PAID') expect(r.reason_code).toBe('');
      if (r.status === 'FAILED' || r.status === 'RETURNED') expect(r.reason_code).not.toBe('');
      expect(r.account_masked).toMatch(/^(\d{6}\*{6}\d{4}|\d{19})$/);
      out.push({ ...r, file: d });
    }
  }
  return out;
}

/**
 * The expected payout of every (merchant, settle_date) whose check falls in the chain, summed from
 * the clearing files dated up to the check (DESIGN §3.5, §6.2 rule 5), with the engine's calendar.
 */
function expectedPayouts(dir: string, dates: readonly string[], cal: WorkCalendar): Map<string, number> {
  const last = parseIsoDate(dates.at(-1)!);
  const sums = new Map<string, number>();
  for (const d of dates) {
    for (const r of readCsv(join(dir, 'clearing', `${d}.csv`)).rows) {
      const check = cal.deadline(parseIsoDate(r.settle_date!), 1);
      if (check > last || parseIsoDate(d) > check) continue;
      const key = `${r.merchant_id} ${r.settle_date}`;
      const sign =
        r.status !== 'SETTLED'
          ? 0
          : r.record_type === 'SALE' || r.record_type === 'RELEASE'
            ? 1
            : r.record_type === 'REFUND' || r.record_type === 'REVERSAL'
              ? -1
              : 0;
      sums.set(key, (sums.get(key) ?? 0) + sign * Number(r.net_minor));
    }
  }
  return sums;
}

/** A chain's journal and clearing files and its merchants file, by name. */
function dayFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = { 'merchants.csv': readFileSync(join(dir, 'merchants.csv'), 'utf8') };
  for (const side of ['journal', 'clearing'])
    for (const f of readdirSync(join(dir, side))) out[`${side}/${f}`] = readFileSync(join(dir, side, f), 'utf8');
  return out;
}

describe("the generator's payout leg", () => {
  for (const c of CHAINS)
    for (const seed of c.seeds)
      it(`${c.name}, seed ${seed}: payout files, expected payouts and truth agree with the clearing files`, () => {
        const { dir, gen } = generateChain(c, seed);
        const dates = datesFrom(c.start, c.days);
        const cal = new WorkCalendar(loadCalendar(c.calendar).spec);
        const rows = payoutRows(dir, dates);
        expect(rows.length).toBe(gen.payoutRows);
        expect(rows.filter((r) => /^\d{19}$/.test(r.account_masked!)).length).toBe(gen.fullAccounts);
        expect(gen.fullAccounts).toBeGreaterThan(0);
        expect(gen.fullAccounts).toBeLessThan(rows.length / 4);
        // Every fate, once at least.
        expect(Object.keys(gen.payoutsPlanted).sort()).toEqual([...PAYOUT_FATES].sort());

        const expected = expectedPayouts(dir, dates, cal);
        const byPair = new Map<string, PayoutFileRow[]>();
        for (const r of rows) {
          const key = `${r.merchant_id} ${r.settle_date}`;
          byPair.set(key, [...(byPair.get(key) ?? []), r]);
        }
        // The truth's payout findings: their pairs' expected payouts, and payouts the files hold.
        const truth = gen.truth.filter((t) => PAYOUT_KINDS.includes(t.kind));
        expect(new Set(truth.map((t) => t.kind))).toEqual(new Set(PAYOUT_KINDS));
        const ids = new Map(rows.map((r) => [r.payout_id!, r]));
        const named = new Set<string>();
        for (const t of truth) {
          expect(t.terminal_id + t.rrn + t.stan + t.order_no + t.journal_amount_minor).toBe('');
          expect(t.days_late).toBe('0');
          if (t.kind === 'PAYOUT_MISSING') {
            expect(t.payout_id).toBe('');
            continue;
          }
          const r = ids.get(t.payout_id)!;
          expect(r, `${t.kind} ${t.payout_id}`).toBeDefined();
          expect(r.merchant_id).toBe(t.merchant_id);
          const key = `${r.merchant_id} ${r.settle_date}`;
          named.add(key);
          if (t.kind === 'UNEXPECTED_PAYOUT') expect(expected.has(key)).toBe(false);
          if (t.kind === 'PAYOUT_MISMATCH') expect(t.payout_amount_minor).not.toBe(t.clearing_amount_minor);
          if (t.clearing_amount_minor !== '') expect(Number(t.clearing_amount_minor)).toBe(expected.get(key));
          if (t.kind === 'PAYOUT_RETURNED') expect(['AC01', 'AC04', 'AC06', 'BE01']).toContain(t.reason_code);
        }

        // A pair checked inside the chain that the truth names no payout of, with one PAID row read
        // by its check, is paid what was expected: the pairs paid on time, most of them.
        let onTime = 0;
        let checked = 0;
        for (const [key, amount] of expected) {
          if (amount <= 0) {
            expect(byPair.get(key), `${key}: nothing expected, nothing paid`).toBeUndefined();
            continue;
          }
          checked++;
          const check = formatIsoDate(cal.deadline(parseIsoDate(key.split(' ')[1]!), 1));
          const paid = byPair.get(key) ?? [];
          if (!named.has(key) && paid.length === 1 && paid[0]!.status === 'PAID' && paid[0]!.file <= check) {
            expect(Number(paid[0]!.amount_minor), key).toBe(amount);
            onTime++;
          }
        }
        expect(onTime).toBeGreaterThan(checked / 2);
        expect(onTime).toBe(gen.payoutsPlanted.PAYOUT_ON_TIME);
      });

  it('leaves the journal and clearing files, and their findings, as a chain without payouts has them', () => {
    const c = CHAINS[0]!;
    const calendar = loadCalendar(undefined).spec;
    const o = { date: c.start, days: c.days, rows: 1200, seed: 9, calendar };
    const a = tempDir('payout-with');
    const b = tempDir('payout-without');
    const withPayouts = generate({ ...o, out: a, payouts: true });
    const without = generate({ ...o, out: b });
    expect(without.payoutRows).toBe(0);
    expect(withPayouts.truth.filter((t) => !PAYOUT_KINDS.includes(t.kind))).toEqual(without.truth);
    expect(dayFiles(a)).toEqual(dayFiles(b));
    expect(existsSync(join(b, 'payout'))).toBe(false);
  });
});

/** Chains the engine runs here (test/helpers/chain-suite.ts runs the others, with re-runs and replays). */
const ENGINE_CHAINS: (PayoutChainCase & { format?: ClearingFormat })[] = [
  { name: '5-day chain (Mon–Fri)', start: '2026-11-16', days: 5, rows: 2500, seeds: [3] },
  // A bill's settle date is the expected one (its profile): so are the expected payouts' pairs.
  {
    name: '5-day chain of WeChat bills',
    start: '2026-11-16',
    days: 5,
    rows: 1500,
    seeds: [5],
    format: 'wechat-trade-bill',
  },
];

describe('payout chains through the engine', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = testPool();
  });

  for (const sc of storeCases()) {
    describe(`on ${sc.name}`, () => {
      afterAll(() => sc.dispose());
      for (const c of ENGINE_CHAINS)
        for (const seed of c.seeds)
          it(`${c.name}, seed ${seed}: exactly the planted findings, no account number in full`, async () => {
            const { dir, gen } = generateChain(c, seed, c.format);
            const dates = datesFrom(c.start, c.days);
            const truth = truthLines(dir);
            const store = await sc.open();
            try {
              let masked = 0;
              for (const d of dates) {
                const s = await runDate(store, dir, d, pool, {
                  ...(c.format ? { clearingFormat: c.format } : {}),
                  payout: dataDirFiles(dir, d).payout,
                });
                expect(s.journal.rejected + s.clearing.rejected + s.payouts.rejected).toBe(0);
                expect(s.payouts.checked).toBe(true);
                masked += s.panMasked;
              }
              // Every account number shown in full was masked on ingest, and counted.
              expect(gen.fullAccounts).toBeGreaterThan(0);
              expect(masked).toBe(gen.fullAccounts);
              const found = await foundLines(store, dates);
              const kindOf = (l: string): string => l.split(',')[1]!;
              const payout = (ls: string[]): string[] => ls.filter((l) => PAYOUT_KINDS.includes(kindOf(l)));
              const others = (ls: string[]): string[] => ls.filter((l) => !PAYOUT_KINDS.includes(kindOf(l)));
              // The payout leg's findings, then the others, then all: a difference shows where it is.
              expect(payout(found), 'the payout findings').toEqual(payout(truth));
              expect(others(found), 'the journal and clearing findings').toEqual(others(truth));
              expect(found).toEqual(truth);
              const accounts = (
                await store.query<{ a: string | null }>('select account_masked as a from recon.payout_row')
              )
                .map((r) => r.a ?? '')
                .concat(
                  (await Promise.all(dates.map((d) => queryExceptions(store, { date: d }))))
                    .flat()
                    .map((r) => r.account_masked),
                );
              for (const a of accounts) expect(a).not.toMatch(/\d{7}/);
            } finally {
              await store.close();
            }
          });
    });
  }
});
