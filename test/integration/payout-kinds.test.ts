/**
 * The payout leg (DESIGN §3.5, §6 and §6.2) by hand: one merchant per fate, every expected finding
 * written from DESIGN, not from the generator. Every merchant sells 10,000 on Monday the 16th; its
 * credit (fee 60, net 9,940) is cleared Monday and settles Tuesday the 17th; the payout of
 * (merchant, Tuesday) is expected to be 9,940, and its deadline is Tuesday + 1 working day =
 * Wednesday the 18th, so the run of Wednesday checks it. Payout files come Tuesday to Thursday.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingSources } from '../../src/cases/case-detail.js';
import { renderReport, reportData } from '../../src/reports/morning-report.js';
import { storeStatus } from '../../src/reports/status.js';
import type { Pool } from '../../src/run/pool.js';
import { readSourceLine } from '../../src/serve/source-lines.js';
import type { Store } from '../../src/store/store.js';
import { testPool } from '../helpers/pool.js';
import { credit, payout, Scenario, sale } from '../helpers/scenario.js';
import { openMemoryStore } from '../helpers/stores.js';

let pool: Pool;
let store: Store;
beforeAll(async () => {
  pool = testPool();
  store = await openMemoryStore();
});
afterAll(async () => {
  await store.close();
});

const MON = '2026-11-16';
const TUE = '2026-11-17';
const WED = '2026-11-18';
const THU = '2026-11-19';
const at = (day: string): string => `${day}T10:00:00+08:00`;
/** Merchant number n (its last two digits). */
const m = (n: number): string => `8983101481605${String(n).padStart(2, '0')}`;

/** A scenario where merchants `ns` each sold on Monday and were credited for Tuesday. */
function sold(...ns: number[]): Scenario {
  const s = new Scenario(pool, {}, store);
  for (const n of ns) {
    const stan = `0000${String(n).padStart(2, '0')}`;
    s.journal(MON, sale({ stan, merchant_id: m(n), txn_time: at(MON) }));
    s.clearing(MON, credit({ stan, merchant_id: m(n), txn_time: at(MON), settle_date: TUE }));
  }
  return s;
}

const paid = (id: string, n: number, day: string, more: Record<string, string> = {}) =>
  payout({ payout_id: id, merchant_id: m(n), settle_date: TUE, status_date: day, ...more });

describe('the payout leg, one merchant per fate', () => {
  it('finds exactly the payouts that went wrong, when DESIGN §6.2 says', async () => {
    const s = sold(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13)
      .payout(
        TUE,
        paid('P01', 1, TUE), // on time
        paid('P04', 4, TUE, { amount_minor: '9000' }), // short
        paid('P05', 5, TUE, { amount_minor: '10940' }), // over
        paid('P06', 6, TUE), // paid, returned Wednesday (frozen account), re-paid Thursday
        paid('P07', 7, TUE, { status: 'FAILED', reason_code: 'AC01' }), // failed, never re-paid
        paid('P08', 8, TUE, { status: 'HELD' }), // held, paid Wednesday
        paid('P09', 9, TUE, { status: 'HELD' }), // held for good
        paid('P10A', 10, TUE), // paid twice
        paid('P10B', 10, TUE),
        paid('P11A', 11, TUE, { amount_minor: '5000' }), // split in two
        paid('P11B', 11, TUE, { amount_minor: '4940' }),
        paid('P12', 12, TUE, { amount_minor: '5000' }), // nothing expected for merchant 12
        paid('P13', 13, TUE, { account_masked: '6222021234567890123' }), // a full account number
      )
      .payout(WED, paid('P06', 6, WED, { status: 'RETURNED', reason_code: 'AC06' }), paid('P08', 8, WED))
      .payout(
        THU,
        paid('P02', 2, THU), // late: after its deadline
        paid('P06R', 6, THU, { orig_payout_id: 'P06' }),
      );
    await s.run(MON, TUE, WED, THU);
    expect(await s.findings()).toEqual(
      [
        `${TUE} PAYOUT_RETURNED open m07 ${TUE} P07 AC01 paid=9940`,
        `${TUE} PAYOUT_HELD resolved m08 ${TUE} P08 paid=9940`,
        `${TUE} PAYOUT_HELD open m09 ${TUE} P09 paid=9940`,
        `${WED} PAYOUT_MISSING resolved m02 ${TUE} expected=9940`,
        `${WED} PAYOUT_MISSING open m03 ${TUE} expected=9940`,
        `${WED} PAYOUT_MISMATCH open m04 ${TUE} P04 expected=9940 paid=9000`,
        `${WED} PAYOUT_MISMATCH open m05 ${TUE} P05 expected=9940 paid=10940`,
        `${WED} PAYOUT_RETURNED resolved m06 ${TUE} P06 AC06 paid=9940`,
        `${WED} PAYOUT_DUPLICATE open m10 ${TUE} P10B expected=9940 paid=9940 dups=1`,
        `${WED} UNEXPECTED_PAYOUT open m12 ${TUE} P12 paid=5000`,
      ].sort(),
    );
    // Resolved by the runs that read what settled them.
    const resolved = await store.query<{ kind: string; merchant_id: string; resolved_on: string }>(
      `select kind, merchant_id, resolved_on::text as resolved_on from recon.exception where status = 'resolved' order by kind, merchant_id`,
    );
    expect(resolved.map((r) => `${r.kind} m${r.merchant_id.slice(-2)} ${r.resolved_on}`)).toEqual([
      `PAYOUT_HELD m08 ${WED}`,
      `PAYOUT_MISSING m02 ${THU}`,
      `PAYOUT_RETURNED m06 ${THU}`,
    ]);
    // The full account number is masked on ingest, counted in Tuesday's summary.
    const accounts = await store.query<{ account_masked: string }>(
      `select account_masked from recon.payout_row where payout_id = 'P13'`,
    );
    expect(accounts).toEqual([{ account_masked: '622202*********0123' }]);
    expect(s.summaries[1]!.panMasked).toBe(1);
    expect(s.summaries.map((r) => r.payouts.rows)).toEqual([0, 13, 2, 2]);
    // recon status: Tuesday's payouts by their latest status; what is open of the leg.
    const status = await storeStatus(store, 7, THU);
    expect(status.payouts).toEqual({
      days: [
        {
          settleDate: TUE,
          expected: 12 * 9940,
          // P01, P04, P05, P06R, P08, P10A, P10B, P11A + P11B, P12, P13, P02
          paid: 9940 + 9000 + 10940 + 9940 + 9940 + 2 * 9940 + 9940 + 5000 + 9940 + 9940,
          returned: 2 * 9940, // P06 (re-paid by P06R) and P07
          held: 9940, // P09
          merchantsExpected: 12,
          merchantsPaid: 12,
        },
      ],
      // m03, m04 (940), m05 (1,000), m07, m09, m10, m12 (5,000)
      open: { count: 7, amountAtStake: 4 * 9940 + 940 + 1000 + 5000 },
    });
    // The finding page's sides of a payout finding: the first clearing row that made the expected
    // payout, and the payout row (line 3 of Tuesday's payout file), read back from the files.
    const [mismatch] = await store.query<{ id: string }>(
      `select id from recon.exception where kind = 'PAYOUT_MISMATCH' and merchant_id = $1`,
      [m(4)],
    );
    const sources = await findingSources(store, mismatch!.id);
    expect(sources.map((x) => [x.side, x.line])).toEqual([
      ['clearing', 5],
      ['payout', 3],
    ]);
    const payoutLine = readSourceLine(sources[1]!, m(4));
    expect(payoutLine.ok && payoutLine.text).toBe(`P04,${m(4)},${TUE},9000,CNY,PAID,${TUE},,622202******1234,`);
    // A rerun of the latest date changes nothing: the same findings, ids and statuses.
    const before = await store.query('select id, kind, status, resolved_on::text from recon.exception order by id');
    await s.run(THU);
    expect(await store.query('select id, kind, status, resolved_on::text from recon.exception order by id')).toEqual(
      before,
    );
    // The morning report shows the same.
    const report = await reportData(store, THU, 7);
    expect(report.payouts).toEqual(status.payouts);
    const html = renderReport(report);
    expect(html).toContain('<b data-testid="payouts-open">7</b>, 467.00 at stake');
    expect(html).toMatch(
      /<tr data-settle="2026-11-17"><td>2026-11-17<\/td><td class="num">1,192.80<\/td><td class="num">1,044.60<\/td><td class="num">198.80<\/td><td class="num">99.40<\/td>/,
    );
  });

  it('rejects a bad payout row alone, with file, line and reason; the others are read', async () => {
    const s = sold(1, 2).payout(
      TUE,
      paid('P01', 1, TUE),
      `P02,${m(2)},${TUE},99.40,CNY,PAID,${TUE},,6222021234567890123,`,
      // A stray quote: the fields are unknown, and the account number (no Luhn check digit) is masked still.
      `P03,${m(2)},${TUE},9940,CNY,PAID,${TUE},"AC01,6222 0212 3456 7890 123,6222021234567890124`,
    );
    await s.runWith({ maxRejects: '2' }, MON, TUE, WED);
    expect(await s.findings()).toEqual([`${WED} PAYOUT_MISSING open m02 ${TUE} expected=9940`]);
    const rejects = await store.query<{ line: number; column_name: string | null; reason: string; raw: string }>(
      'select line, column_name, reason, raw from recon.rejected_row order by line',
    );
    expect(rejects).toEqual([
      {
        line: 3,
        column_name: 'amount_minor',
        reason: 'not an integer',
        raw: `P02,${m(2)},${TUE},99.40,CNY,PAID,${TUE},,622202*********0123,`,
      },
      {
        line: 4,
        column_name: 'reason_code',
        reason: expect.stringMatching(/quote/),
        raw: `P03,${m(2)},${TUE},9940,CNY,PAID,${TUE},"AC01,6222 02** **** ***0 123,622202*********0124`,
      },
    ]);
    expect(s.summaries[1]!.payouts).toMatchObject({ rowsIn: 3, rows: 1, rejected: 2, checked: true });
  });

  it('starts with the first payout file: settle dates before it are not checked (no flood of PAYOUT_MISSING)', async () => {
    // Payout files come from Wednesday on; Tuesday's payouts were made before recon read any.
    const s = sold(1, 2)
      .journal(TUE, sale({ stan: '000003', merchant_id: m(3), txn_time: at(TUE) }))
      .clearing(TUE, credit({ stan: '000003', merchant_id: m(3), txn_time: at(TUE), settle_date: WED }))
      .payout(WED, paid('P01', 1, WED, { settle_date: WED, amount_minor: '5000' }));
    await s.run(MON, TUE, WED, THU);
    // Merchant 3's Wednesday payout never came: its check (Thursday) is after the leg started.
    // Merchant 1's payout of 50.00 for Wednesday had nothing expected.
    expect(await s.findings()).toEqual([
      `${THU} PAYOUT_MISSING open m03 ${WED} expected=9940`,
      `${THU} UNEXPECTED_PAYOUT open m01 ${WED} P01 paid=5000`,
    ]);
  });

  it('without payout files a run checks nothing on the leg, and finds what it found before', async () => {
    const s = sold(1, 2);
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([]);
    expect(s.summaries.map((r) => r.payouts.checked)).toEqual([false, false, false]);
  });
});
