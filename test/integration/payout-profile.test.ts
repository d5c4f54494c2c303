/**
 * Payout files in a real layout (DESIGN §3.4, §3.5): a Chinese acquirer's 划款明细 in GBK, read
 * through the shipped profile `payout-result-cn` by `recon run --payout F --payout-format
 * payout-result-cn`. The payout rows are stored as recon's own layout would store them (amounts in
 * fen, statuses mapped, a full account number masked and counted), a row that does not fit is
 * rejected with its line, column and reason, the payout findings are those written by hand from
 * DESIGN and the same as for the same payouts in recon's own layout, the 合计 line is checked, and a
 * payout profile given for another side is refused.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGbk } from '../../src/core/gbk.js';
import { CLEARING_HEADER, JOURNAL_HEADER } from '../../src/core/schema.js';
import type { Pool } from '../../src/run/pool.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/chain.js';
import { recon, templateStoreAt, useSharedPool } from '../helpers/cli.js';
import { testPool } from '../helpers/pool.js';
import { credit, payout, Scenario, sale } from '../helpers/scenario.js';
import { openMemoryStore } from '../helpers/stores.js';

useSharedPool();

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
const ymd = (day: string): string => day.replaceAll('-', '');

const HEADER =
  '划款流水号,商户编号,商户名称,清算日期,划款金额(元),币种,划款状态,状态日期,失败原因代码,失败原因,收款账号,收款户名,原划款流水号';

interface CnRow {
  id: string;
  n: number;
  yuan?: string;
  status?: string;
  date: string;
  code?: string;
  why?: string;
  account?: string;
  orig?: string;
}

/** A record of the 划款明细: merchant n's payout for Tuesday's settlement, 99.40 yuan and 成功 unless told. */
function cn(r: CnRow): string {
  return [
    r.id,
    m(r.n),
    `某某商户${r.n}`,
    ymd(TUE),
    r.yuan ?? '99.40',
    '人民币',
    r.status ?? '成功',
    ymd(r.date),
    r.code ?? '',
    r.why ?? '',
    r.account ?? '622202******1234',
    '张三',
    r.orig ?? '',
  ].join(',');
}

/** A 划款明细 of `day` in GBK with CRLF line ends: a title, its date, the header, the records and their 合计. */
function cnFile(dir: string, day: string, records: readonly string[], total?: string): string {
  mkdirSync(join(dir, 'payout-cn'), { recursive: true });
  const path = join(dir, 'payout-cn', `${day}.csv`);
  const sum = records
    .map((r) => r.split(',')[4] ?? '0')
    .reduce((s, v) => s + Math.round(Number(v) * 100), 0)
    .toString();
  const figures = total ?? `合计,${records.length}笔,${sum.slice(0, -2) || '0'}.${sum.slice(-2).padStart(2, '0')}`;
  const lines = ['商户划款结果明细', `查询日期：${ymd(day)},,,,,,,,,,,,`, HEADER, ...records, figures, ''];
  writeFileSync(path, encodeGbk(lines.join('\r\n')));
  return path;
}

/** A scenario where merchants `ns` each sold 10,000 on Monday, credited (net 9,940) for Tuesday. */
function sold(...ns: number[]): Scenario {
  const s = new Scenario(pool, {}, store);
  for (const n of ns) {
    const stan = `0000${String(n).padStart(2, '0')}`;
    s.journal(MON, sale({ stan, merchant_id: m(n), txn_time: at(MON) }));
    s.clearing(MON, credit({ stan, merchant_id: m(n), txn_time: at(MON), settle_date: TUE }));
  }
  return s;
}

/** The 划款明细 of each day, as records (a string: a record as it stands). */
const CN_DAYS: Record<string, string[]> = {
  [TUE]: [
    cn({ id: 'PO01', n: 1, date: TUE }), // on time
    cn({
      id: 'PO02',
      n: 2,
      status: '失败',
      date: TUE,
      code: 'AC01',
      why: '账号不存在',
      account: '6222021234567890123',
    }),
    cn({ id: 'PO03', n: 3, date: TUE }), // paid, returned Wednesday, re-paid Thursday
    cn({ id: 'PO04', n: 4, status: '冻结出款', date: TUE, code: 'RISK01', why: '风控冻结' }), // held, paid Wednesday
    cn({ id: 'PO05', n: 5, yuan: '90', date: TUE }), // short
    cn({ id: 'PO06', n: 6, yuan: '99.405', date: TUE }), // a fraction of a fen: rejected
    cn({ id: 'PO07', n: 7, status: '处理中', date: TUE }), // no result yet: rejected
  ],
  [WED]: [
    cn({ id: 'PO03', n: 3, status: '退票', date: WED, code: 'AC06', why: '账户冻结', account: '\t622202******1234' }),
    cn({ id: 'PO04', n: 4, status: '划款成功', date: WED }),
  ],
  [THU]: [cn({ id: 'PO03R', n: 3, date: THU, orig: 'PO03' })],
};

/** Every payout row stored, without its line (a layout's lines before its table differ). */
async function storedPayouts(): Promise<string[]> {
  const rows = await store.query<Record<string, string | number | null>>(
    `select run_date::text as run_date, payout_id, merchant_id, settle_date::text as settle_date, amount_minor::text as amount,
            currency, status, status_date::text as status_date, reason_code, account_masked, orig_payout_id
       from recon.payout_row order by run_date, line`,
  );
  return rows.map((r) =>
    [
      r.run_date,
      r.payout_id,
      `m${String(r.merchant_id).slice(-2)}`,
      r.settle_date,
      r.amount,
      r.currency,
      r.status,
      r.status_date,
      r.reason_code || '-',
      r.account_masked || '-',
      r.orig_payout_id || '-',
    ].join(' '),
  );
}

describe('payout files through a profile (payout-result-cn)', () => {
  it('stores the rows as recon reads them, rejects what does not fit, and finds what recon finds in its own layout', async () => {
    const s = sold(1, 2, 3, 4, 5, 6, 7);
    await s.run(MON);
    for (const day of [TUE, WED, THU])
      await s.runWith(
        { payout: [cnFile(s.dir, day, CN_DAYS[day]!)], payoutFormat: 'payout-result-cn', maxRejects: '50%' },
        day,
      );
    const findings = await s.findings();
    expect(findings).toEqual(
      [
        `${TUE} PAYOUT_RETURNED open m02 ${TUE} PO02 AC01 paid=9940`,
        `${TUE} PAYOUT_HELD resolved m04 ${TUE} PO04 RISK01 paid=9940`,
        `${WED} PAYOUT_RETURNED resolved m03 ${TUE} PO03 AC06 paid=9940`,
        `${WED} PAYOUT_MISMATCH open m05 ${TUE} PO05 expected=9940 paid=9000`,
        `${WED} PAYOUT_MISSING open m06 ${TUE} expected=9940`,
        `${WED} PAYOUT_MISSING open m07 ${TUE} expected=9940`,
      ].sort(),
    );
    const payouts = await storedPayouts();
    expect(payouts).toEqual([
      `${TUE} PO01 m01 ${TUE} 9940 CNY PAID ${TUE} - 622202******1234 -`,
      // The full account number, masked on ingest to its first 6 and last 4 digits.
      `${TUE} PO02 m02 ${TUE} 9940 CNY FAILED ${TUE} AC01 622202*********0123 -`,
      `${TUE} PO03 m03 ${TUE} 9940 CNY PAID ${TUE} - 622202******1234 -`,
      `${TUE} PO04 m04 ${TUE} 9940 CNY HELD ${TUE} RISK01 622202******1234 -`,
      `${TUE} PO05 m05 ${TUE} 9000 CNY PAID ${TUE} - 622202******1234 -`,
      `${WED} PO03 m03 ${TUE} 9940 CNY RETURNED ${WED} AC06 622202******1234 -`,
      `${WED} PO04 m04 ${TUE} 9940 CNY PAID ${WED} - 622202******1234 -`,
      `${THU} PO03R m03 ${TUE} 9940 CNY PAID ${THU} - 622202******1234 PO03`,
    ]);
    // Counted where a full card number would be: Tuesday's run masked one.
    expect(s.summaries.map((r) => r.panMasked)).toEqual([0, 1, 0, 0]);
    expect(s.summaries[1]!.payouts).toMatchObject({ rowsIn: 7, rows: 5, rejected: 2 });
    // Rejected with the file's line (a title, a date line and the header come first) and the column.
    const rejects = await store.query<{ run_date: string; line: number; column_name: string; reason: string }>(
      'select run_date::text as run_date, line, column_name, reason from recon.rejected_row order by run_date, line',
    );
    expect(rejects).toEqual([
      {
        run_date: TUE,
        line: 9,
        column_name: '划款金额(元)',
        reason: 'not a decimal amount in its places (or a fraction of a minor unit)',
      },
      { run_date: TUE, line: 10, column_name: '划款状态', reason: 'unknown value' },
    ]);

    // The same payouts in recon's own layout (the rejected ones left out): the same rows and findings.
    const p = (id: string, n: number, day: string, more: Record<string, string> = {}) =>
      payout({ payout_id: id, merchant_id: m(n), settle_date: TUE, status_date: day, ...more });
    const own = sold(1, 2, 3, 4, 5, 6, 7)
      .payout(
        TUE,
        p('PO01', 1, TUE),
        p('PO02', 2, TUE, { status: 'FAILED', reason_code: 'AC01', account_masked: '6222021234567890123' }),
        p('PO03', 3, TUE),
        p('PO04', 4, TUE, { status: 'HELD', reason_code: 'RISK01' }),
        p('PO05', 5, TUE, { amount_minor: '9000' }),
      )
      .payout(WED, p('PO03', 3, WED, { status: 'RETURNED', reason_code: 'AC06' }), p('PO04', 4, WED))
      .payout(THU, p('PO03R', 3, THU, { orig_payout_id: 'PO03' }));
    await own.run(MON, TUE, WED, THU);
    expect(await own.findings()).toEqual(findings);
    expect(await storedPayouts()).toEqual(payouts);
    expect(own.summaries.map((r) => r.panMasked)).toEqual([0, 1, 0, 0]);
  });
});

describe('recon run --payout-format payout-result-cn', () => {
  /** A directory with a fresh store and Tuesday's empty journal and clearing files in recon's layout. */
  function day(): { dir: string; common: string[] } {
    const dir = tempDir('payout-cn-cli');
    const db = templateStoreAt(join(dir, 'st'));
    const journal = join(dir, 'journal.csv');
    const clearing = join(dir, 'clearing.csv');
    writeFileSync(journal, `${JOURNAL_HEADER.join(',')}\n`);
    writeFileSync(clearing, `${CLEARING_HEADER.join(',')}\n`);
    return { dir, common: ['run', '--date', TUE, '--journal', journal, '--clearing', clearing, '--db', db] };
  }

  it('reads a 划款明细 given with --payout, masking and counting a full account number', async () => {
    const { dir, common } = day();
    const file = cnFile(dir, TUE, [
      cn({ id: 'PO01', n: 1, date: TUE }),
      cn({ id: 'PO02', n: 2, status: '失败', date: TUE, code: 'AC04', account: '6222021234567890123' }),
    ]);
    const r = await recon(dir, [...common, '--payout', file, '--payout-format', 'payout-result-cn', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { panMasked: number; payouts: { rowsIn: number; rows: number } };
    expect(summary.panMasked).toBe(1);
    expect(summary.payouts).toMatchObject({ rowsIn: 2, rows: 2 });
  });

  it('refuses a 划款明细 whose 合计 disagrees with its records, loading nothing', async () => {
    const { dir, common } = day();
    const file = cnFile(dir, TUE, [cn({ id: 'PO01', n: 1, date: TUE })], '合计,2笔,198.80');
    const r = await recon(dir, [...common, '--payout', file, '--payout-format', 'payout-result-cn']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /states figure 1 of its line .* as 2, but its records give 1: the file was cut short or edited/,
    );
  });

  it('refuses a payout profile for the journal or clearing side, and a clearing profile for payouts', async () => {
    const { dir, common } = day();
    const file = cnFile(dir, TUE, [cn({ id: 'PO01', n: 1, date: TUE })]);
    const journal = await recon(dir, [...common, '--journal-format', 'payout-result-cn']);
    expect(journal.code).toBe(2);
    expect(journal.stderr).toMatch(
      /--journal-format payout-result-cn: that profile reads payout files, not journal files/,
    );
    const clearing = await recon(dir, [...common, '--clearing-format', 'payout-result-cn']);
    expect(clearing.code).toBe(2);
    expect(clearing.stderr).toMatch(
      /--clearing-format payout-result-cn: that profile reads payout files, not clearing files/,
    );
    const other = await recon(dir, [...common, '--payout', file, '--payout-format', 'wechat-trade-bill']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /--payout-format wechat-trade-bill: that profile reads clearing files, not payout files/,
    );
  });
});
