/**
 * Every exception kind of DESIGN §6, pinned by small hand-written scenarios (a few rows each), with
 * the edge cases of §6.1. Dates: November 2026 on the shipped calendar (Mon 16 … Fri 20, weekend,
 * Mon 23), and September 2026 on a fixture calendar (Sun 20 a make-up working day, Fri 25 – Sun 27
 * the Mid-Autumn holiday). A T1 sale of Monday the 16th is expected on Tuesday and ages on Wednesday.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionOf } from '../../src/core/hash.js';
import { hashOrderKey, hashRrnKey } from '../../src/core/keys.js';
import { packAlnum } from '../../src/core/packed.js';
import type { Pool } from '../../src/run/pool.js';
import type { Store } from '../../src/store/store.js';
import { testPool } from '../helpers/pool.js';
import {
  credit,
  FIXTURE_CALENDAR,
  MERCHANT,
  qrCredit,
  qrSale,
  rrnOf,
  Scenario,
  type ScenarioOptions,
  sale,
  TERMINAL,
} from '../helpers/scenario.js';
import { openMemoryStore } from '../helpers/stores.js';

let pool: Pool;
/** One embedded store for the file; each scenario starts it empty. */
let store: Store;
beforeAll(async () => {
  pool = testPool();
  store = await openMemoryStore();
});
afterAll(async () => {
  await store.close();
});

function scenario(options?: ScenarioOptions): Scenario {
  return new Scenario(pool, options, store);
}

const MON = '2026-11-16';
const TUE = '2026-11-17';
const WED = '2026-11-18';
const THU = '2026-11-19';
const FRI = '2026-11-20';
const SAT = '2026-11-21';
const SUN = '2026-11-22';
const MON2 = '2026-11-23';
const at = (day: string, time = '10:00:00'): string => `${day}T${time}+08:00`;

describe('MISSING_CREDIT', () => {
  it('is raised at the first run on or after the deadline, not before, and only once', async () => {
    const s = scenario().journal(MON, sale({ stan: '000001', txn_time: at(MON) }));
    await s.run(MON, TUE, WED, THU);
    expect(await s.findings()).toEqual([`${WED} MISSING_CREDIT open 000001`]);
  });

  it('waits grace working days: --grace 2 moves it to Thursday; a weekend in between counts no days', async () => {
    const s = scenario({ run: { grace: 2 } }).journal(MON, sale({ stan: '000001', txn_time: at(MON) }));
    await s.run(MON, TUE, WED, THU);
    expect(await s.findings()).toEqual([`${THU} MISSING_CREDIT open 000001`]);
    const w = scenario().journal(THU, sale({ stan: '000002', txn_time: at(THU) }));
    await w.run(THU, FRI, SAT, SUN, MON2);
    expect(await w.findings()).toEqual([`${MON2} MISSING_CREDIT open 000002`]);
  });

  it('is resolved when the credit finally arrives, which is then a DELAYED_CREDIT', async () => {
    const s = scenario()
      .journal(MON, sale({ stan: '000001', txn_time: at(MON) }))
      .clearing(THU, credit({ stan: '000001', txn_time: at(MON), settle_date: FRI }));
    await s.run(MON, TUE, WED, THU);
    expect(await s.findings()).toEqual([
      `${WED} MISSING_CREDIT resolved 000001`,
      `${THU} DELAYED_CREDIT open 000001 days_late=3`,
    ]);
  });

  it('is not raised when the credit arrives on the deadline run itself (match first, then age)', async () => {
    const s = scenario()
      .journal(MON, sale({ stan: '000001', txn_time: at(MON) }))
      .clearing(WED, credit({ stan: '000001', txn_time: at(MON), settle_date: THU }));
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([`${WED} DELAYED_CREDIT open 000001 days_late=2`]);
  });

  it('counts a sale after the 23:00 cutoff in the next business date', async () => {
    // 23:30 Monday belongs to Tuesday: expected Wednesday, ages Thursday.
    const s = scenario().journal(
      MON,
      sale({ stan: '000001', txn_time: at(MON, '23:30:00') }),
      sale({ stan: '000002', txn_time: at(MON, '22:59:59') }),
    );
    await s.run(MON, TUE, WED, THU);
    expect(await s.findings()).toEqual([`${WED} MISSING_CREDIT open 000002`, `${THU} MISSING_CREDIT open 000001`]);
  });

  it('treats a REJECTED clearing row as no credit at all', async () => {
    const s = scenario()
      .journal(MON, sale({ stan: '000001', txn_time: at(MON) }))
      .clearing(MON, credit({ stan: '000001', txn_time: at(MON), settle_date: TUE, status: 'REJECTED' }));
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([`${WED} MISSING_CREDIT open 000001`]);
  });
});

describe('DELAYED_CREDIT', () => {
  it('counts working days late; a weekend settle date after a Friday expectation is on time', async () => {
    const s = scenario()
      .journal(
        THU,
        sale({ stan: '000001', txn_time: at(THU) }),
        sale({ stan: '000002', txn_time: at(THU) }),
        sale({ stan: '000003', txn_time: at(THU) }),
      )
      .clearing(
        THU,
        credit({ stan: '000001', txn_time: at(THU), settle_date: MON2 }),
        credit({ stan: '000002', txn_time: at(THU), settle_date: SAT }),
        credit({ stan: '000003', txn_time: at(THU), settle_date: FRI }),
      );
    await s.run(THU);
    expect(await s.findings()).toEqual([`${THU} DELAYED_CREDIT open 000001 days_late=1`]);
  });

  it('crosses a holiday and knows a make-up working day (fixture calendar)', async () => {
    const s = scenario({ calendar: FIXTURE_CALENDAR })
      // Wed Sep 23: expected Thu 24; settled Mon 28 after the Fri 25 holiday and the weekend: 1 day late.
      .journal('2026-09-23', sale({ stan: '000001', txn_time: at('2026-09-23') }))
      .clearing('2026-09-23', credit({ stan: '000001', txn_time: at('2026-09-23'), settle_date: '2026-09-28' }))
      // Sat Sep 19: expected Sun 20, a make-up working day; settled Mon 21: 1 day late.
      .journal('2026-09-19', sale({ stan: '000002', txn_time: at('2026-09-19') }))
      .clearing('2026-09-19', credit({ stan: '000002', txn_time: at('2026-09-19'), settle_date: '2026-09-21' }));
    await s.run('2026-09-19', '2026-09-23');
    expect(await s.findings()).toEqual([
      '2026-09-19 DELAYED_CREDIT open 000002 days_late=1',
      '2026-09-23 DELAYED_CREDIT open 000001 days_late=1',
    ]);
  });

  it('takes the expected date from the merchant cycle: T1, D1, T0', async () => {
    const T0 = '898310148160570';
    const D1 = '898310148160569';
    const s = scenario({ merchants: [`${MERCHANT},T1,,`, `${D1},D1,,`, `${T0},T0,,`] })
      .journal(
        FRI,
        sale({ stan: '000001', txn_time: at(FRI) }),
        sale({ stan: '000002', merchant_id: D1, txn_time: at(FRI) }),
        sale({ stan: '000003', merchant_id: T0, txn_time: at(FRI) }),
      )
      .clearing(
        FRI,
        credit({ stan: '000001', txn_time: at(FRI), settle_date: MON2 }), // T1: expected Mon, on time
        credit({ stan: '000002', merchant_id: D1, txn_time: at(FRI), settle_date: MON2 }), // D1: expected Sat, Mon is 1 working day late
        credit({ stan: '000003', merchant_id: T0, txn_time: at(FRI), settle_date: MON2 }), // T0: expected Fri, 1 day late
      );
    await s.run(FRI);
    expect(await s.findings()).toEqual([
      `${FRI} DELAYED_CREDIT open 000002 days_late=1`,
      `${FRI} DELAYED_CREDIT open 000003 days_late=1`,
    ]);
  });

  it('reconciles a row under its own business date when it sits in another day’s file (rule 14)', async () => {
    // Monday's sale cleared in Tuesday's file with Tuesday's settle date: on time, no finding.
    const s = scenario()
      .journal(MON, sale({ stan: '000001', txn_time: at(MON) }))
      .clearing(TUE, credit({ stan: '000001', txn_time: at(MON), settle_date: TUE }));
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([]);
  });
});

describe('DUPLICATE_CREDIT', () => {
  it('counts extra credits in one file, and again across days, on one finding', async () => {
    const c = credit({ stan: '000001', txn_time: at(MON), settle_date: TUE });
    const s = scenario()
      .journal(MON, sale({ stan: '000001', txn_time: at(MON) }))
      .clearing(MON, c, c)
      .clearing(WED, c);
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([`${MON} DUPLICATE_CREDIT open 000001 dups=2`]);
  });

  it('is raised by the run of the first extra credit across days, and the extra never becomes UNMATCHED', async () => {
    const c = qrCredit({ stan: '000001', txn_time: at(MON), settle_date: TUE });
    const s = scenario()
      .journal(MON, qrSale({ stan: '000001', txn_time: at(MON) }))
      .clearing(MON, c)
      .clearing(TUE, c)
      .clearing(THU, c);
    await s.run(MON, TUE, WED, THU, FRI);
    expect(await s.findings()).toEqual([`${TUE} DUPLICATE_CREDIT open 000001 dups=2`]);
  });
});

describe('DUPLICATE_JOURNAL', () => {
  it('drops a copy in the same file and a copy uploaded the next day', async () => {
    const j = sale({ stan: '000001', txn_time: at(MON) });
    const s = scenario()
      .journal(MON, j, j)
      .journal(TUE, j)
      .clearing(MON, credit({ stan: '000001', txn_time: at(MON), settle_date: TUE }));
    await s.run(MON, TUE, WED, THU);
    expect(await s.findings()).toEqual([
      `${MON} DUPLICATE_JOURNAL open 000001`,
      `${TUE} DUPLICATE_JOURNAL open 000001`,
    ]);
  });

  it('keeps rows that differ in amount or type', async () => {
    const s = scenario()
      .journal(
        MON,
        sale({ stan: '000001', txn_time: at(MON) }),
        sale({ stan: '000001', txn_time: at(MON), amount_minor: '10001' }),
      )
      .clearing(
        MON,
        credit({ stan: '000001', txn_time: at(MON), settle_date: TUE }),
        credit({ stan: '000001', txn_time: at(MON), settle_date: TUE, gross_minor: '10001' }),
      );
    await s.run(MON);
    // Same key, two amounts: two transactions, each credited once (were one dropped as a copy, its
    // credit would be a DUPLICATE_CREDIT).
    expect(await s.findings()).toEqual([]);
    expect(s.summaries[0]!.journal.reconciled).toBe(2);
  });

  it('finds copies and extra credits of earlier runs whatever --partitions each run used', async () => {
    const stans = ['000001', '000002', '000003', '000004', '000005', '000006'];
    const js = stans.map((stan, i) =>
      i < 4 ? sale({ stan, txn_time: at(MON) }) : qrSale({ stan, txn_time: at(MON) }),
    );
    const cs = stans.map((stan, i) =>
      i < 4
        ? credit({ stan, txn_time: at(MON), settle_date: TUE })
        : qrCredit({ stan, txn_time: at(MON), settle_date: TUE }),
    );
    const s = scenario()
      .journal(MON, ...js)
      .clearing(MON, ...cs)
      // (with one new transaction, or the files would be refused as loaded before)
      .journal(TUE, ...js, sale({ stan: '000009', txn_time: at(TUE) }))
      .clearing(TUE, ...cs, credit({ stan: '000009', txn_time: at(TUE), settle_date: WED }));
    await s.runWith({ partitions: 2 }, MON);
    await s.runWith({ partitions: 7 }, TUE);
    await s.runWith({ partitions: 1 }, WED);
    expect(await s.findings()).toEqual(
      stans
        .flatMap((stan) => [`${TUE} DUPLICATE_CREDIT open ${stan} dups=1`, `${TUE} DUPLICATE_JOURNAL open ${stan}`])
        .sort(),
    );
  });
});

describe('AMOUNT_MISMATCH and FEE_MISMATCH', () => {
  it('compares gross with the journal amount, beyond --amount-tolerance', async () => {
    const rows = (s: Scenario): Scenario =>
      s
        .journal(MON, sale({ stan: '000001', txn_time: at(MON) }), sale({ stan: '000002', txn_time: at(MON) }))
        .clearing(
          MON,
          credit({ stan: '000001', txn_time: at(MON), settle_date: TUE, gross_minor: '10005' }),
          credit({ stan: '000002', txn_time: at(MON), settle_date: TUE, gross_minor: '9990' }),
        );
    const strict = rows(scenario());
    await strict.run(MON);
    expect(await strict.findings()).toEqual([
      `${MON} AMOUNT_MISMATCH open 000001`,
      `${MON} AMOUNT_MISMATCH open 000002`,
    ]);
    const tolerant = rows(scenario({ run: { amountTolerance: 5 } }));
    await tolerant.run(MON);
    expect(await tolerant.findings()).toEqual([`${MON} AMOUNT_MISMATCH open 000002`]);
  });

  it('checks the fee against mdr_bps and the cap, allowing one minor unit', async () => {
    const NOCAP = '898310148160571';
    const NOMDR = '898310148160572';
    const s = scenario({ merchants: [`${MERCHANT},T1,60,2000`, `${NOCAP},T1,60,`, `${NOMDR},T1,,`] })
      .journal(
        MON,
        sale({ stan: '000001', txn_time: at(MON), amount_minor: '100000' }),
        sale({ stan: '000002', txn_time: at(MON), amount_minor: '100000' }),
        sale({ stan: '000003', txn_time: at(MON), amount_minor: '1000000' }),
        sale({ stan: '000004', merchant_id: NOCAP, txn_time: at(MON), amount_minor: '1000000' }),
        sale({ stan: '000005', merchant_id: NOMDR, txn_time: at(MON), amount_minor: '1000000' }),
      )
      .clearing(
        MON,
        credit({ stan: '000001', txn_time: at(MON), settle_date: TUE, gross_minor: '100000', fee_minor: '601' }), // 600 expected: within 1
        credit({ stan: '000002', txn_time: at(MON), settle_date: TUE, gross_minor: '100000', fee_minor: '602' }), // 2 off
        credit({ stan: '000003', txn_time: at(MON), settle_date: TUE, gross_minor: '1000000', fee_minor: '2000' }), // capped at 2000
        credit({
          stan: '000004',
          merchant_id: NOCAP,
          txn_time: at(MON),
          settle_date: TUE,
          gross_minor: '1000000',
          fee_minor: '2000',
        }), // no cap: 6000 expected
        credit({
          stan: '000005',
          merchant_id: NOMDR,
          txn_time: at(MON),
          settle_date: TUE,
          gross_minor: '1000000',
          fee_minor: '99999',
        }), // no mdr: no check
      );
    await s.run(MON);
    expect(await s.findings()).toEqual([`${MON} FEE_MISMATCH open 000002`, `${MON} FEE_MISMATCH open 000004`]);
  });
});

describe('RISK_HOLD', () => {
  it('is raised for a held row, which still matches its sale (no MISSING), and resolved by a RELEASE days later', async () => {
    const s = scenario()
      .journal(MON, sale({ stan: '000001', txn_time: at(MON) }), qrSale({ stan: '000002', txn_time: at(MON) }))
      .clearing(
        MON,
        credit({ stan: '000001', txn_time: at(MON), settle_date: TUE, status: 'HELD' }),
        qrCredit({ stan: '000002', txn_time: at(MON), settle_date: TUE, record_type: 'HOLD' }),
      )
      .clearing(THU, credit({ stan: '000001', txn_time: at(MON), settle_date: FRI, record_type: 'RELEASE' }));
    await s.run(MON, TUE, WED, THU);
    expect(await s.findings()).toEqual([`${MON} RISK_HOLD open 000002`, `${MON} RISK_HOLD resolved 000001`]);
  });

  it('is resolved by a RELEASE naming the hold through orig_rrn', async () => {
    const s = scenario()
      .journal(MON, sale({ stan: '000001', txn_time: at(MON) }))
      .clearing(MON, credit({ stan: '000001', txn_time: at(MON), settle_date: TUE, status: 'HELD' }))
      .clearing(
        TUE,
        credit({
          stan: '000009',
          rrn: rrnOf('000009'),
          orig_rrn: rrnOf('000001'),
          txn_time: at(TUE),
          settle_date: WED,
          record_type: 'RELEASE',
        }),
      );
    await s.run(MON, TUE);
    expect(await s.findings()).toEqual([`${MON} RISK_HOLD resolved 000001`]);
  });
});

describe('VOIDED_BUT_SETTLED', () => {
  const voidOf = (stan: string, of: string, type = 'VOID', response = '00'): Record<string, string> =>
    sale({ stan, txn_type: type, orig_rrn: rrnOf(of), txn_time: at(MON, '10:05:00'), response_code: response });

  it('is raised when a sale voided the same day is credited without a clearing REVERSAL', async () => {
    const s = scenario()
      .journal(MON, sale({ stan: '000001', txn_time: at(MON) }), voidOf('000002', '000001'))
      .clearing(MON, credit({ stan: '000001', txn_time: at(MON), settle_date: TUE }));
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([`${MON} VOIDED_BUT_SETTLED open 000001`]);
  });

  it('is not raised when the acquirer reversed it, nor for a voided sale never credited (no MISSING either)', async () => {
    const s = scenario()
      .journal(
        MON,
        sale({ stan: '000001', txn_time: at(MON) }),
        voidOf('000002', '000001', 'REVERSAL'),
        sale({ stan: '000003', txn_time: at(MON) }),
        voidOf('000004', '000003'),
      )
      .clearing(
        MON,
        credit({ stan: '000001', txn_time: at(MON), settle_date: TUE }),
        credit({
          stan: '000002',
          record_type: 'REVERSAL',
          orig_rrn: rrnOf('000001'),
          txn_time: at(MON, '10:05:00'),
          settle_date: TUE,
        }),
      );
    await s.run(MON, TUE, WED, THU);
    expect(await s.findings()).toEqual([]);
  });

  it('needs an approved void: a declined one voids nothing', async () => {
    const s = scenario().journal(
      MON,
      sale({ stan: '000001', txn_time: at(MON) }),
      voidOf('000002', '000001', 'VOID', '05'),
    );
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([`${WED} MISSING_CREDIT open 000001`]);
  });

  it('links a QR void through the original order number, and a void arriving with a late credit', async () => {
    const s = scenario()
      .journal(
        MON,
        qrSale({ stan: '000001', txn_time: at(MON) }),
        qrSale({
          stan: '000002',
          txn_type: 'VOID',
          order_no: 'ORD000002',
          orig_rrn: 'ORD000001',
          txn_time: at(MON, '10:05:00'),
        }),
      )
      .clearing(TUE, qrCredit({ stan: '000001', txn_time: at(MON), settle_date: TUE }));
    await s.run(MON, TUE);
    expect(await s.findings()).toEqual([`${TUE} VOIDED_BUT_SETTLED open 000001`]);
  });
});

describe('DECLINED_BUT_SETTLED', () => {
  it('is raised when the acquirer credits a declined sale; a declined sale without credit is fine', async () => {
    const s = scenario()
      .journal(
        MON,
        sale({ stan: '000001', txn_time: at(MON), response_code: '51' }),
        sale({ stan: '000002', txn_time: at(MON), response_code: '05' }),
      )
      .clearing(TUE, credit({ stan: '000001', txn_time: at(MON), settle_date: TUE }));
    await s.run(MON, TUE, WED, THU);
    expect(await s.findings()).toEqual([`${TUE} DECLINED_BUT_SETTLED open 000001`]);
  });
});

describe('REFUND_NOT_DEBITED', () => {
  const refund = (stan: string, day: string, of = '000001'): Record<string, string> =>
    sale({ stan, txn_type: 'REFUND', orig_rrn: rrnOf(of), txn_time: at(day, '15:00:00'), amount_minor: '4000' });

  it('is raised for an approved refund with no clearing REFUND by its deadline', async () => {
    const s = scenario().journal(TUE, refund('000002', TUE));
    await s.run(TUE, WED, THU);
    expect(await s.findings()).toEqual([`${THU} REFUND_NOT_DEBITED open 000002`]);
  });

  it('is not raised for a refund days after the sale, debited in time by its own rrn', async () => {
    const s = scenario()
      .journal(MON, sale({ stan: '000001', txn_time: at(MON) }))
      .clearing(MON, credit({ stan: '000001', txn_time: at(MON), settle_date: TUE }))
      .journal(WED, refund('000002', WED))
      .clearing(
        THU,
        credit({
          stan: '000002',
          record_type: 'REFUND',
          orig_rrn: rrnOf('000001'),
          gross_minor: '4000',
          fee_minor: '0',
          txn_time: at(WED, '15:00:00'),
          settle_date: THU,
        }),
      );
    await s.run(MON, TUE, WED, THU, FRI);
    expect(await s.findings()).toEqual([]);
  });

  it('is resolved when the debit arrives late; a clearing refund never matches a sale', async () => {
    const s = scenario()
      .journal(TUE, refund('000002', TUE))
      .clearing(
        FRI,
        credit({
          stan: '000002',
          record_type: 'REFUND',
          gross_minor: '4000',
          fee_minor: '0',
          txn_time: at(TUE, '15:00:00'),
          settle_date: FRI,
        }),
      );
    await s.run(TUE, WED, THU, FRI);
    expect(await s.findings()).toEqual([`${THU} REFUND_NOT_DEBITED resolved 000002`]);
  });
});

describe('UNMATCHED_CLEARING', () => {
  it('is raised at the clearing row’s own deadline; a journal uploaded late but in time prevents it', async () => {
    const s = scenario()
      .clearing(
        MON,
        credit({ stan: '000001', txn_time: at(MON), settle_date: TUE }),
        credit({ stan: '000002', txn_time: at(MON), settle_date: TUE }),
      )
      .journal(TUE, sale({ stan: '000002', txn_time: at(MON) }));
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([`${WED} UNMATCHED_CLEARING open 000001`]);
  });
});

describe('pass 3: (terminal, stan, amount, business date) when an rrn is empty', () => {
  it('matches when either side lacks the rrn, and not when the amount differs', async () => {
    const s = scenario()
      .journal(
        MON,
        sale({ stan: '000001', txn_time: at(MON) }),
        sale({ stan: '000002', rrn: '', txn_time: at(MON) }),
        sale({ stan: '000003', txn_time: at(MON) }),
      )
      .clearing(
        MON,
        credit({ stan: '000001', rrn: '', txn_time: at(MON), settle_date: WED }), // matched by pass 3, one day late
        credit({ stan: '000002', txn_time: at(MON), settle_date: TUE }), // matched by pass 3
        credit({ stan: '000003', rrn: '', auth_code: '', txn_time: at(MON), settle_date: TUE, gross_minor: '10001' }), // no pass fits
      );
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([
      `${MON} DELAYED_CREDIT open 000001 days_late=1`,
      `${WED} MISSING_CREDIT open 000003`,
      `${WED} UNMATCHED_CLEARING open 000003`,
    ]);
  });
});

describe('pass 4 and AMBIGUOUS_MATCH', () => {
  it('matches by terminal, auth code and amount within 300 s inclusive, not at 301 s', async () => {
    const s = scenario()
      .journal(
        MON,
        sale({ stan: '000001', auth_code: 'AUTH01', txn_time: at(MON, '10:00:00') }),
        sale({ stan: '000002', auth_code: 'AUTH02', txn_time: at(MON, '10:00:00') }),
      )
      .clearing(
        MON,
        credit({
          stan: '900001',
          rrn: '900000000001',
          auth_code: 'AUTH01',
          txn_time: at(MON, '10:05:00'),
          settle_date: WED,
        }), // Δt 300 s: matched, late
        credit({
          stan: '900002',
          rrn: '900000000002',
          auth_code: 'AUTH02',
          txn_time: at(MON, '10:05:01'),
          settle_date: TUE,
        }), // Δt 301 s: no
      );
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([
      `${MON} DELAYED_CREDIT open 000001 days_late=1`,
      `${WED} MISSING_CREDIT open 000002`,
      `${WED} UNMATCHED_CLEARING open 900002`,
    ]);
  });

  it('raises one AMBIGUOUS_MATCH for two candidates, once, and nothing ages while it lasts', async () => {
    const s = scenario()
      .journal(
        MON,
        sale({ stan: '000001', auth_code: 'AUTH01', txn_time: at(MON, '10:00:00') }),
        sale({ stan: '000002', auth_code: 'AUTH01', txn_time: at(MON, '10:02:00') }),
      )
      .clearing(
        MON,
        credit({
          stan: '900001',
          rrn: '900000000001',
          auth_code: 'AUTH01',
          txn_time: at(MON, '10:01:00'),
          settle_date: TUE,
        }),
      );
    await s.run(MON, TUE, WED, THU, FRI);
    expect(await s.findings()).toEqual([`${MON} AMBIGUOUS_MATCH open 900001`]);
  });

  it('settles when a later credit takes one candidate: the ambiguity is resolved and the other pair matches', async () => {
    const s = scenario()
      .journal(
        MON,
        sale({ stan: '000001', auth_code: 'AUTH01', txn_time: at(MON, '10:00:00') }),
        sale({ stan: '000002', auth_code: 'AUTH01', txn_time: at(MON, '10:02:00') }),
      )
      .clearing(
        MON,
        credit({
          stan: '900001',
          rrn: '900000000001',
          auth_code: 'AUTH01',
          txn_time: at(MON, '10:01:00'),
          settle_date: TUE,
        }),
      )
      .clearing(TUE, credit({ stan: '000002', auth_code: 'AUTH01', txn_time: at(MON, '10:02:00'), settle_date: TUE }));
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([`${MON} AMBIGUOUS_MATCH resolved 900001`]);
  });

  it('never takes an empty auth code as a candidate', async () => {
    const s = scenario()
      .journal(MON, sale({ stan: '000001', auth_code: '', txn_time: at(MON) }))
      .clearing(
        MON,
        credit({ stan: '900001', rrn: '900000000001', auth_code: '', txn_time: at(MON), settle_date: TUE }),
      );
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([`${WED} MISSING_CREDIT open 000001`, `${WED} UNMATCHED_CLEARING open 900001`]);
  });
});

describe('matching details', () => {
  it('pairs a card row that carries an order number with a clearing row that does not', async () => {
    const s = scenario()
      .journal(
        MON,
        sale({ stan: '000001', order_no: 'POS000001', txn_time: at(MON) }),
        sale({ stan: '000002', order_no: 'POS000002', txn_time: at(MON) }),
      )
      .clearing(
        MON,
        credit({ stan: '000001', txn_time: at(MON), settle_date: TUE }),
        credit({ stan: '000002', order_no: 'POS000002', txn_time: at(MON), settle_date: TUE }),
      );
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([]);
  });

  it('gives the credit to the approved retry, not the declined attempt with the same key', async () => {
    const s = scenario()
      .journal(
        MON,
        qrSale({ stan: '000001', txn_time: at(MON, '10:00:00'), response_code: '51' }),
        qrSale({ stan: '000002', order_no: 'ORD000001', txn_time: at(MON, '10:01:00') }),
      )
      .clearing(
        MON,
        qrCredit({ stan: '000002', order_no: 'ORD000001', txn_time: at(MON, '10:01:00'), settle_date: TUE }),
      );
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([]);
  });

  it('counts a hold and the credit that follows it as one credit, checked as usual', async () => {
    const s = scenario()
      .journal(MON, sale({ stan: '000001', txn_time: at(MON) }), sale({ stan: '000002', txn_time: at(MON) }))
      // 000001: held Monday, credited Wednesday (late); 000002: credited Monday, then a HOLD record Tuesday.
      .clearing(
        MON,
        credit({ stan: '000001', txn_time: at(MON), settle_date: TUE, status: 'HELD' }),
        credit({ stan: '000002', txn_time: at(MON), settle_date: TUE }),
      )
      .clearing(TUE, credit({ stan: '000002', txn_time: at(MON), settle_date: TUE, record_type: 'HOLD' }))
      .clearing(WED, credit({ stan: '000001', txn_time: at(MON), settle_date: THU }));
    await s.run(MON, TUE, WED, THU, FRI);
    expect(await s.findings()).toEqual([
      `${MON} RISK_HOLD open 000001`,
      `${TUE} RISK_HOLD open 000002`,
      `${WED} DELAYED_CREDIT open 000001 days_late=2`,
    ]);
  });

  it('stores a rejected line with a NUL byte and goes on', async () => {
    const s = scenario({ run: { maxRejects: '1' } })
      .journal(
        MON,
        sale({ stan: '000001', txn_time: at(MON), order_no: 'X\u0000Y' }),
        sale({ stan: '000002', txn_time: at(MON) }),
      )
      .clearing(MON, credit({ stan: '000002', txn_time: at(MON), settle_date: TUE }));
    await s.run(MON);
    expect(s.summaries[0]!.journal.rejected).toBe(1);
    expect(await s.findings()).toEqual([]);
  });
});

describe('interactions between kinds (regressions from review)', () => {
  /** An unrelated declined sale, so that a re-uploaded file differs from yesterday's. */
  const filler = (day: string): Record<string, string> =>
    sale({ stan: '099990', txn_time: at(day), response_code: '05' });
  const S = (over: Record<string, string> = {}): Record<string, string> =>
    sale({ stan: '000001', txn_time: at(MON), ...over });
  const C = (over: Record<string, string> = {}): Record<string, string> =>
    credit({ stan: '000001', txn_time: at(MON), settle_date: TUE, ...over });
  const voidOf = (of: string, over: Record<string, string> = {}): Record<string, string> =>
    sale({ stan: '000009', txn_type: 'VOID', orig_rrn: rrnOf(of), txn_time: at(MON, '10:05:00'), ...over });

  it('a re-uploaded journal row does not absorb a re-sent credit: both copies are reported', async () => {
    const card = scenario().journal(MON, S()).clearing(MON, C()).journal(TUE, S(), filler(TUE)).clearing(TUE, C());
    await card.run(MON, TUE, WED);
    expect(await card.findings()).toEqual([
      `${TUE} DUPLICATE_CREDIT open 000001 dups=1`,
      `${TUE} DUPLICATE_JOURNAL open 000001`,
    ]);
    const q = qrSale({ stan: '000001', txn_time: at(MON) });
    const qc = qrCredit({ stan: '000001', txn_time: at(MON), settle_date: TUE });
    const qr = scenario().journal(MON, q).clearing(MON, qc).journal(TUE, q, filler(TUE)).clearing(TUE, qc);
    await qr.run(MON, TUE, WED);
    expect(await qr.findings()).toEqual([
      `${TUE} DUPLICATE_CREDIT open 000001 dups=1`,
      `${TUE} DUPLICATE_JOURNAL open 000001`,
    ]);
  });

  it('finds copies of rows without an rrn, of voids and of declined rows across days', async () => {
    const s = scenario()
      .journal(
        MON,
        S({ rrn: '' }),
        sale({ stan: '000002', txn_time: at(MON) }),
        voidOf('000002'),
        sale({ stan: '000003', txn_time: at(MON), response_code: '05' }),
      )
      .clearing(MON, C({ rrn: '' }))
      .journal(TUE, S({ rrn: '' }), voidOf('000002'))
      .journal(THU, sale({ stan: '000003', txn_time: at(MON), response_code: '05' }), filler(THU));
    await s.run(MON, TUE, WED, THU);
    expect(await s.findings()).toEqual([
      `${TUE} DUPLICATE_JOURNAL open 000001`,
      `${TUE} DUPLICATE_JOURNAL open 000009`,
      `${THU} DUPLICATE_JOURNAL open 000003`,
    ]);
  });

  it('a late credit for a voided or declined sale closed at its deadline is that sale’s finding, not UNMATCHED', async () => {
    const voided = scenario()
      .journal(MON, S(), voidOf('000001'))
      .clearing(THU, C({ settle_date: FRI }));
    await voided.run(MON, TUE, WED, THU, FRI);
    expect(await voided.findings()).toEqual([`${THU} VOIDED_BUT_SETTLED open 000001`]);
    const declined = scenario()
      .journal(MON, S({ response_code: '51' }))
      .clearing(THU, C({ settle_date: FRI }));
    await declined.run(MON, TUE, WED, THU, FRI);
    expect(await declined.findings()).toEqual([`${THU} DECLINED_BUT_SETTLED open 000001`]);
  });

  it('a void arriving after MISSING_CREDIT resolves it, and the late credit is VOIDED_BUT_SETTLED', async () => {
    const s = scenario()
      .journal(MON, S())
      .journal(THU, voidOf('000001', { txn_time: at(THU) }))
      .clearing(FRI, C({ settle_date: FRI }));
    await s.run(MON, TUE, WED, THU, FRI);
    expect(await s.findings()).toEqual([
      `${WED} MISSING_CREDIT resolved 000001`,
      `${FRI} VOIDED_BUT_SETTLED open 000001`,
    ]);
  });

  it('an ambiguity that was settled and turns ambiguous again is re-opened, not raised twice', async () => {
    const j = (stan: string, time: string): Record<string, string> =>
      sale({ stan, auth_code: 'AUTH01', txn_time: at(MON, time) });
    const s = scenario()
      .journal(MON, j('000001', '10:00:00'), j('000002', '10:02:00'))
      .clearing(
        MON,
        credit({
          stan: '900001',
          rrn: '900000000001',
          auth_code: 'AUTH01',
          txn_time: at(MON, '10:01:00'),
          settle_date: TUE,
        }),
      )
      .clearing(
        TUE,
        credit({ stan: '000001', auth_code: 'AUTH01', txn_time: at(MON, '10:00:00'), settle_date: TUE }),
        credit({ stan: '000002', auth_code: 'AUTH01', txn_time: at(MON, '10:02:00'), settle_date: TUE }),
      )
      .journal(WED, j('000003', '10:01:30'), j('000004', '10:00:30'));
    await s.run(MON, TUE, WED, THU, FRI);
    expect(await s.findings()).toEqual([`${MON} AMBIGUOUS_MATCH open 900001`]);
  });

  it('keeps an open ambiguity and its candidates from ageing even beyond the window', async () => {
    const s = scenario({ run: { windowDays: 3 } })
      .journal(
        MON,
        sale({ stan: '000001', auth_code: 'AUTH01', txn_time: at(MON, '10:00:00') }),
        sale({ stan: '000002', auth_code: 'AUTH01', txn_time: at(MON, '10:02:00') }),
      )
      .clearing(
        MON,
        credit({
          stan: '900001',
          rrn: '900000000001',
          auth_code: 'AUTH01',
          txn_time: at(MON, '10:01:00'),
          settle_date: TUE,
        }),
      );
    await s.run(MON, TUE, WED, THU, FRI, SAT);
    expect(await s.findings()).toEqual([`${MON} AMBIGUOUS_MATCH open 900001`]);
  });

  it('links a void to the approved retry, not the declined attempt with the same order number', async () => {
    const rows = (): Record<string, string>[] => [
      qrSale({ stan: '000001', order_no: 'ORD000001', txn_time: at(MON, '10:00:00'), response_code: '51' }),
      qrSale({ stan: '000002', order_no: 'ORD000001', txn_time: at(MON, '10:01:00') }),
      qrSale({
        stan: '000003',
        txn_type: 'VOID',
        order_no: 'ORD000003',
        orig_rrn: 'ORD000001',
        txn_time: at(MON, '10:05:00'),
      }),
    ];
    const never = scenario().journal(MON, ...rows());
    await never.run(MON, TUE, WED);
    expect(await never.findings()).toEqual([]);
    const credited = scenario()
      .journal(MON, ...rows())
      .clearing(
        MON,
        qrCredit({ stan: '000002', order_no: 'ORD000001', txn_time: at(MON, '10:01:00'), settle_date: TUE }),
      );
    await credited.run(MON, TUE, WED);
    expect(await credited.findings()).toEqual([`${MON} VOIDED_BUT_SETTLED open 000002`]);
  });

  it('sees a duplicate credit of this run that landed in another partition', async () => {
    // The second credit carries an order number: the scan keys it by (merchant, order_no), the first
    // by (merchant, terminal, rrn). Pick an order number whose partition differs (3 partitions).
    const enc = new TextEncoder();
    const merchant = Number(MERCHANT);
    const rrn = enc.encode(rrnOf('000001'));
    const rrnPart = partitionOf(
      hashRrnKey(merchant, packAlnum(enc.encode(TERMINAL), 0, 8), packAlnum(rrn, 0, 6), packAlnum(rrn, 6, 12)),
      3,
    );
    const order = ['POS000001', 'POS000002', 'POS000003', 'POS000004'].find(
      (o) => partitionOf(hashOrderKey(merchant, enc.encode(o), 0, o.length), 3) !== rrnPart,
    )!;
    expect(order).toBeDefined();
    const s = scenario()
      .journal(MON, S())
      .clearing(WED, C(), C({ order_no: order }));
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([`${WED} DUPLICATE_CREDIT open 000001 dups=1`]);
  });

  it('calls a second credit for an order with a declined attempt a duplicate, whenever it arrives', async () => {
    const rows = (): Record<string, string>[] => [
      qrSale({ stan: '000001', order_no: 'ORD000001', txn_time: at(MON, '10:00:00'), response_code: '51' }),
      qrSale({ stan: '000002', order_no: 'ORD000001', txn_time: at(MON, '10:01:00') }),
    ];
    const c = qrCredit({ stan: '000002', order_no: 'ORD000001', txn_time: at(MON, '10:01:00'), settle_date: TUE });
    for (const second of [MON, TUE, THU]) {
      const s = scenario()
        .journal(MON, ...rows())
        .clearing(MON, c)
        .clearing(second, c);
      await s.run(MON, TUE, WED, THU);
      expect(await s.findings(), `second credit on ${second}`).toEqual([
        `${second} DUPLICATE_CREDIT open 000002 dups=1`,
      ]);
    }
  });

  it('links a QR clearing REVERSAL without an order number of its own; an acquirer reversal alone prevents MISSING', async () => {
    const q = qrSale({ stan: '000001', txn_time: at(MON) });
    const qv = qrSale({
      stan: '000002',
      txn_type: 'VOID',
      order_no: 'ORD000002',
      orig_rrn: 'ORD000001',
      txn_time: at(MON, '10:05:00'),
    });
    const rv = qrCredit({
      stan: '000002',
      record_type: 'REVERSAL',
      order_no: '',
      orig_rrn: 'ORD000001',
      txn_time: at(MON, '10:05:00'),
      settle_date: TUE,
    });
    const reversed = scenario()
      .journal(MON, q, qv)
      .clearing(MON, qrCredit({ stan: '000001', txn_time: at(MON), settle_date: TUE }), rv);
    await reversed.run(MON, TUE, WED);
    expect(await reversed.findings()).toEqual([]);
    const acquirer = scenario()
      .journal(MON, S())
      .clearing(
        MON,
        credit({
          stan: '000002',
          record_type: 'REVERSAL',
          orig_rrn: rrnOf('000001'),
          txn_time: at(MON, '10:05:00'),
          settle_date: TUE,
        }),
      );
    await acquirer.run(MON, TUE, WED);
    expect(await acquirer.findings()).toEqual([]);
  });

  it('raises RISK_HOLD once for a re-sent held row', async () => {
    const s = scenario()
      .journal(MON, S())
      .clearing(MON, C({ status: 'HELD' }))
      .clearing(TUE, C({ status: 'HELD' }));
    await s.run(MON, TUE, WED);
    expect(await s.findings()).toEqual([`${MON} RISK_HOLD open 000001`]);
  });

  it('pairs same-key rows by amount whatever the order of the credits', async () => {
    const s = scenario()
      .journal(MON, S(), S({ amount_minor: '10001' }))
      .clearing(MON, C({ gross_minor: '10001' }), C());
    await s.run(MON);
    expect(await s.findings()).toEqual([]);
  });
});
