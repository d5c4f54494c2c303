/**
 * Clearing files in real layouts, read through the shipped profiles (DESIGN §3.4) by `recon run
 * --clearing-format`, against journals in recon's own layout: each day's findings are exactly the
 * ones planted, rows that do not fit are rejected with their file, line, field and reason, open rows
 * carry to later runs, and the rows-in equation holds. On both stores.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGbk } from '../../src/core/gbk.js';
import { packagePath } from '../../src/core/package-path.js';
import { queryExceptions } from '../../src/reports/exceptions-export.js';
import { fillRunOptions, type RunOptions } from '../../src/run/options.js';
import type { Pool } from '../../src/run/pool.js';
import { replay } from '../../src/run/replay.js';
import { runDay } from '../../src/run/run-day.js';
import type { RunSummary } from '../../src/run/summary.js';
import type { Store } from '../../src/store/store.js';
import { alipayBill, wechatBill, zipOf, zmFile } from '../helpers/bills.js';
import { TEST_ENGINE, tempDir } from '../helpers/chain.js';
import { testPool } from '../helpers/pool.js';
import { storeCases } from '../helpers/stores.js';

const JOURNAL_HEADER =
  'merchant_id,terminal_id,batch_no,stan,rrn,auth_code,txn_type,channel,order_no,txn_time,amount_minor,currency,response_code,orig_rrn,pan_masked';

/** A journal row in recon's layout: a QR sale (order number) or a card sale (rrn). */
function journalRow(
  merchant: string,
  terminal: string,
  stan: string,
  time: string,
  amount: number,
  order = '',
  rrn = '',
): string {
  const channel = order ? 'QR' : 'CARD_CHIP';
  const pan = order ? '' : '622588******1234';
  const auth = order ? '' : 'A1B2C3';
  return `${merchant},${terminal},000001,${stan},${rrn},${auth},SALE,${channel},${order},${time},${amount},CNY,00,,${pan}`;
}

const MERCHANTS = [
  'merchant_id,cycle,mdr_bps,fee_cap_minor,aliases',
  '898000310085409,T1,,,wechat:1900000001',
  '898000310703812,T1,,,alipay:2088000000000001',
  '898000310000001,T1,60,,',
].join('\n');

interface Day {
  date: string;
  journal?: string[];
  clearing?: string | Uint8Array;
}

/** Runs the days in order on `store`, the clearing files in `format`; each run's summary. */
async function runDays(
  store: Store,
  pool: Pool,
  format: string,
  days: readonly Day[],
  ext: string,
  dir = tempDir(`profile-${format}`),
): Promise<RunSummary[]> {
  const merchants = join(dir, 'merchants.csv');
  writeFileSync(merchants, MERCHANTS);
  const out: RunSummary[] = [];
  for (const d of days) {
    const journal: string[] = [];
    const clearing: string[] = [];
    if (d.journal) {
      journal.push(join(dir, `journal-${d.date}.csv`));
      writeFileSync(journal[0]!, `${[JOURNAL_HEADER, ...d.journal].join('\n')}\n`);
    }
    if (d.clearing !== undefined) {
      clearing.push(join(dir, `clearing-${d.date}.${ext}`));
      writeFileSync(clearing[0]!, d.clearing);
    }
    const options: RunOptions = {
      ...TEST_ENGINE,
      date: d.date,
      journal,
      clearing,
      merchants,
      clearingFormat: format,
      maxRejects: '50%',
    };
    out.push(await runDay(store, fillRunOptions(options), { pool }));
  }
  return out;
}

/** Each finding of the run of `date` as "KIND order_no|stan amounts". */
async function found(store: Store, date: string): Promise<string[]> {
  return (await queryExceptions(store, { date }))
    .map((r) => {
      const row = r as Record<string, string>;
      return `${row.kind} ${row.order_no || row.stan} ${row.journal_amount_minor ?? ''}/${row.clearing_amount_minor ?? ''}`;
    })
    .sort();
}

async function rejected(store: Store): Promise<string[]> {
  const rows = await store.query<{ line: number; column_name: string | null; reason: string }>(
    'select line, column_name, reason from recon.rejected_row order by line',
  );
  return rows.map((r) => `${r.line} ${r.column_name ?? ''}: ${r.reason}`);
}

/** Alipay's daily csv.zip: the detail entry the profile reads, and the summary entry beside it. */
function alipayZip(pid: string, day: string, rows: Parameters<typeof alipayBill>[2]): Uint8Array {
  const d = day.replaceAll('-', '');
  return zipOf([
    { name: `${pid}0156_${d}_业务明细.csv`, data: alipayBill(pid, day, rows) },
    { name: `${pid}0156_${d}_业务明细(汇总).csv`, data: encodeGbk('#支付宝业务汇总查询\n') },
  ]);
}

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});

describe.each(storeCases())('clearing files through profiles ($name store)', (sc) => {
  afterAll(() => sc.dispose());

  it('wechat-trade-bill: a match, an amount mismatch, a revoked and a voided-but-settled payment, rejects named by field, a missing credit and an unmatched bill row at the deadline', async () => {
    const store = await sc.open();
    try {
      const m = '898000310085409';
      const summaries = await runDays(
        store,
        pool,
        'wechat-trade-bill',
        [
          {
            date: '2026-11-19',
            journal: [
              journalRow(m, '44052019', '001078', '2026-11-19T07:04:44+08:00', 3526, 'ORD01'),
              journalRow(m, '44052019', '001079', '2026-11-19T08:00:00+08:00', 1000, 'ORD02'),
              journalRow(m, '44052019', '001080', '2026-11-19T09:00:00+08:00', 500, 'ORD03'),
              // Two sales voided at the terminal: WeChat revokes the first; the second it credits anyway.
              journalRow(m, '44052019', '001081', '2026-11-19T12:00:00+08:00', 800, 'ORD04'),
              `${m},44052019,000001,001082,,,VOID,QR,ORD04V,2026-11-19T12:05:00+08:00,800,CNY,00,ORD04,`,
              journalRow(m, '44052019', '001083', '2026-11-19T13:00:00+08:00', 600, 'ORD05'),
              `${m},44052019,000001,001084,,,VOID,QR,ORD05V,2026-11-19T13:05:00+08:00,600,CNY,00,ORD05,`,
            ],
            clearing: wechatBill([
              { time: '2026-11-19 07:04:45', mch: '1900000001', order: 'ORD01', amount: '35.26', fee: '0.21000' },
              { time: '2026-11-19 08:00:01', mch: '1900000001', order: 'ORD02', amount: '11.00', fee: '0.07000' },
              { time: '2026-11-19 10:00:00', mch: '1900000001', order: 'ORD09', amount: '2.00', fee: '0.01000' },
              { time: '2026-11-19 10:00:00', mch: '1900000001', order: 'ORD10', amount: '2.005', fee: '0.01000' },
              { time: '2026-11-19 11:00:00', mch: '1900000777', order: 'ORD11', amount: '3.00', fee: '0.02000' },
              { time: '2026-11-19 12:00:01', mch: '1900000001', order: 'ORD04', amount: '8.00', fee: '0.05000' },
              {
                time: '2026-11-19 12:05:01',
                mch: '1900000001',
                order: 'ORD04',
                amount: '8.00',
                fee: '0.05000',
                state: 'REVOKED',
              },
              { time: '2026-11-19 13:00:01', mch: '1900000001', order: 'ORD05', amount: '6.00', fee: '0.04000' },
            ]),
          },
          { date: '2026-11-20', clearing: wechatBill([]) },
          { date: '2026-11-23', clearing: wechatBill([]) },
        ],
        'csv',
      );
      expect(summaries[0]!.clearing).toMatchObject({ rowsIn: 8, reconciled: 3, open: 1, exception: 2, rejected: 2 });
      // 2.005 is no amount: the summary's figures cannot be checked exactly, and the run says so.
      expect(summaries[0]!.warnings.filter((w) => w.includes('summary states'))).toEqual([
        expect.stringMatching(
          /clearing-2026-11-19\.csv: its summary states "应结订单总金额" as 75\.27, but its records give 73\.26 \(some of its records were rejected\)$/,
        ),
        expect.stringMatching(/its summary states "订单总金额" as 75\.27, but its records give 73\.26/),
      ]);
      expect(summaries[0]!.journal).toMatchObject({ rowsIn: 7, reconciled: 4, open: 1, exception: 2, rejected: 0 });
      expect(await found(store, '2026-11-19')).toEqual([
        'AMOUNT_MISMATCH ORD02 1000/1100',
        'VOIDED_BUT_SETTLED ORD05 600/600',
      ]);
      expect(await found(store, '2026-11-20')).toEqual([]);
      expect(await found(store, '2026-11-23')).toEqual(['MISSING_CREDIT ORD03 500/', 'UNMATCHED_CLEARING ORD09 /200']);
      expect(await rejected(store)).toEqual([
        '5 订单金额: not a decimal amount in its places (or a fraction of a minor unit)',
        '6 商户号: the merchant has no alias for this platform in the merchants file',
      ]);
    } finally {
      await store.close();
    }
  });

  it('refuses a bill whose records disagree with its summary, committing nothing', async () => {
    const store = await sc.open();
    try {
      const bill = wechatBill([
        { time: '2026-11-19 07:04:45', mch: '1900000001', order: 'ORD01', amount: '35.26', fee: '0.21000' },
        { time: '2026-11-19 08:00:01', mch: '1900000001', order: 'ORD02', amount: '11.00', fee: '0.07000' },
      ]);
      // A row deleted by hand: the summary still counts two.
      const edited = bill.replace(/\r\n`2026-11-19 08:00:01[^\r]*/, '');
      await expect(
        runDays(store, pool, 'wechat-trade-bill', [{ date: '2026-11-19', clearing: edited }], 'csv'),
      ).rejects.toThrow(
        /clearing-2026-11-19\.csv: its summary states "总交易单数" as 2, but its records give 1: the file was cut short or edited; nothing was loaded$/,
      );
      const pid = '2088000000000001';
      const alipay = new TextDecoder('gbk').decode(
        alipayBill(pid, '2026-11-19', [
          { kind: '交易', order: 'A', time: '2026-11-19 07:04:45', amount: '10.00', fee: '0.00' },
        ]),
      );
      await expect(
        runDays(
          store,
          pool,
          'alipay-trade-bill',
          [{ date: '2026-11-19', clearing: encodeGbk(alipay.replace('商家实收共10.00元', '商家实收共12.00元')) }],
          'csv',
        ),
      ).rejects.toThrow(
        /its summary states figure 2 of its line \/\^#交易合计：.* as 12\.00, but its records give 10\.00/,
      );
      // The bill of another day (its #起始日期 line).
      const yesterday = alipayZip(pid, '2026-11-18', [
        { kind: '交易', order: 'A', time: '2026-11-18 07:04:45', amount: '10.00', fee: '0.00' },
      ]);
      await expect(
        runDays(store, pool, 'alipay-trade-bill', [{ date: '2026-11-19', clearing: yesterday }], 'zip'),
      ).rejects.toThrow(/clearing-2026-11-19\.zip: is the bill of 2026-11-18, not of the run's date 2026-11-19$/);
      // A bill of a month (its 终止日期 a month on), and a date that is none.
      const monthly = alipay.replace(/终止日期：\[[^\]]*\]/, '终止日期：[2026年12月19日 00:00:00]');
      await expect(
        runDays(store, pool, 'alipay-trade-bill', [{ date: '2026-11-19', clearing: encodeGbk(monthly) }], 'csv'),
      ).rejects.toThrow(
        /is a bill of 2026-11-19 to 2026-12-19, not of one day: recon reconciles a bill of the run's date$/,
      );
      const noDate = alipay.replace('起始日期：[2026年11月19日', '起始日期：[2026年13月19日');
      await expect(
        runDays(store, pool, 'alipay-trade-bill', [{ date: '2026-11-19', clearing: encodeGbk(noDate) }], 'csv'),
      ).rejects.toThrow(/states its date as 2026-13-19, which is no date \(#起始日期：\[2026年13月19日/);
      // A zip without the profile's entry, and a damaged one.
      await expect(
        runDays(
          store,
          pool,
          'alipay-trade-bill',
          [{ date: '2026-11-19', clearing: zipOf([{ name: 'readme.txt', data: encodeGbk('x') }]) }],
          'zip',
        ),
      ).rejects.toThrow(
        /clearing-2026-11-19\.zip: has no zip entry matching \/_业务明细\\\.csv\$\/ for profile alipay-trade-bill \(its entries: readme\.txt\)$/,
      );
      const damaged = alipayZip(pid, '2026-11-19', [
        { kind: '交易', order: 'A', time: '2026-11-19 07:04:45', amount: '10.00', fee: '0.00' },
      ]);
      // A byte of the detail entry's compressed data (after its 30-byte local header and its name).
      const at = 30 + encodeGbk(`${pid}0156_20261119_业务明细.csv`).length + 10;
      damaged[at] = damaged[at]! ^ 0xff;
      await expect(
        runDays(store, pool, 'alipay-trade-bill', [{ date: '2026-11-19', clearing: damaged }], 'zip'),
      ).rejects.toThrow(/clearing-2026-11-19\.zip: (cannot extract zip entry|zip entry .* is damaged)/);
      expect(await store.query('select run_date from recon.run')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('alipay-trade-bill (GBK): the account line names the merchant, refunds read as positive, a second credit is a duplicate', async () => {
    const store = await sc.open();
    try {
      const m = '898000310703812';
      const pid = '2088000000000001';
      const summaries = await runDays(
        store,
        pool,
        'alipay-trade-bill',
        [
          {
            date: '2026-11-19',
            journal: [
              journalRow(m, '44060001', '000001', '2026-11-19T07:04:40+08:00', 1000, 'ALI-1'),
              journalRow(m, '44060001', '000002', '2026-11-19T10:00:00+08:00', 250, 'ALI-2'),
            ],
            clearing: alipayZip(pid, '2026-11-19', [
              { kind: '交易', order: 'ALI-1', time: '2026-11-19 07:04:45', amount: '10.00', fee: '-0.06' },
              { kind: '交易', order: 'ALI-2', time: '2026-11-19 10:00:01', amount: '2.50', fee: '-0.02' },
              { kind: '交易', order: 'ALI-2', time: '2026-11-19 10:00:01', amount: '2.50', fee: '-0.02' },
            ]),
          },
        ],
        'csv',
      );
      expect(summaries[0]!.clearing).toMatchObject({ rowsIn: 3, rejected: 0 });
      expect(summaries[0]!.journal).toMatchObject({ rowsIn: 2, reconciled: 1, exception: 1, open: 0 });
      expect(await found(store, '2026-11-19')).toEqual(['DUPLICATE_CREDIT ALI-2 250/250']);
    } finally {
      await store.close();
    }
  });

  it('replays a chain read through a user profile, and says so when that profile changed or is gone', async () => {
    const store = await sc.open();
    try {
      const dir = tempDir('user-profile');
      const file = join(dir, 'my-alipay.json');
      const json = JSON.parse(readFileSync(packagePath('profiles/alipay-trade-bill.json'), 'utf8'));
      json.profile = 'my-alipay';
      writeFileSync(file, JSON.stringify(json));
      const pid = '2088000000000001';
      // Each day a sale of 12.00 the bill credits as 10.00.
      const days = ['2026-11-19', '2026-11-20'].map((date) => ({
        date,
        journal: [journalRow('898000310703812', '44060001', '000001', `${date}T07:04:40+08:00`, 1200, `A${date}`)],
        clearing: alipayZip(pid, date, [
          { kind: '交易', order: `A${date}`, time: `${date} 07:04:45`, amount: '10.00', fee: '0.00' },
        ]),
      }));
      await runDays(store, pool, file, days, 'zip', dir);
      const first = fillRunOptions({
        ...TEST_ENGINE,
        date: '2026-11-19',
        journal: [join(dir, 'journal-2026-11-19.csv')],
        clearing: [join(dir, 'clearing-2026-11-19.zip')],
        merchants: join(dir, 'merchants.csv'),
        clearingFormat: file,
        maxRejects: '50%',
      });
      const all = async (): Promise<string[]> => (await found(store, '2026-11-20')).sort();
      const before = await all();
      expect(before).toEqual(['AMOUNT_MISMATCH A2026-11-20 1200/1000']);
      await replay(store, first, { pool });
      expect(await all()).toEqual(before);
      // Its zip entry's pattern changed: named as a changed profile, not as an unreadable input.
      writeFileSync(file, JSON.stringify({ ...json, zipEntry: '_明细\\.csv$' }));
      await expect(replay(store, first, { pool })).rejects.toThrow(
        /my-alipay\.json: cannot replay 2026-11-20: its clearing profile changed since that run; restore it/,
      );
      rmSync(file);
      await expect(replay(store, first, { pool })).rejects.toThrow(
        /my-alipay\.json: cannot replay 2026-11-20: its clearing profile is not readable \(ENOENT/,
      );
    } finally {
      await store.close();
    }
  });

  it('unionpay-zm (fixed-width GBK): gateway rows match by order number, fees checked; an empty file on a quiet day', async () => {
    const store = await sc.open();
    try {
      const m = '898000310000001';
      const zm = (stan: string, time: string, fen: number, fee: number) => ({
        交易代码: 'S22',
        系统跟踪号: stan,
        交易传输时间: time,
        帐号: '622588*********1234',
        交易金额: String(fen).padStart(12, '0'),
        商户订单号: `ZM${stan}`,
        商户手续费: `D${String(fee).padStart(12, '0')}`,
        结算金额: `C${String(fen - fee).padStart(12, '0')}`,
        交易类型: '01',
        商户代码: m,
        终端号: '44050001',
        商户自定义域: '账户充值',
      });
      await runDays(
        store,
        pool,
        'unionpay-zm',
        [
          {
            date: '2026-11-19',
            journal: [
              journalRow(m, '44050001', '000101', '2026-11-19T09:30:00+08:00', 2500, 'ZM000101'),
              journalRow(m, '44050001', '000102', '2026-11-19T09:40:00+08:00', 800, 'ZM000102'),
            ],
            clearing: zmFile([zm('000101', '1119093002', 2500, 20), zm('000102', '1119094003', 900, 5)]),
          },
          // UnionPay's settlement zip: the ZM file (empty on a quiet day) beside its ZME file.
          {
            date: '2026-11-20',
            clearing: zipOf([
              { name: 'INN26112088ZM_898000310000001', data: new Uint8Array(0) },
              { name: 'INN26112088ZME_898000310000001', data: new Uint8Array(0) },
            ]),
          },
          { date: '2026-11-23', clearing: new Uint8Array(0) },
        ],
        'txt',
      );
      // 60 bps of 25.00 is 15 fen, the file charged 20; the second order cleared 9.00 for 8.00.
      expect(await found(store, '2026-11-19')).toEqual([
        'AMOUNT_MISMATCH ZM000102 800/900',
        'FEE_MISMATCH ZM000101 2500/2500',
      ]);
      expect(await found(store, '2026-11-20')).toEqual([]);
      expect(await found(store, '2026-11-23')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
