/**
 * Input profiles (DESIGN §3.4): the shipped profiles load; a profile with a mistake is refused with
 * its place named; and hand-written files in each real layout (WeChat Pay's trade bill, Alipay's
 * 业务明细, UnionPay's ZM) frame and read into exactly the expected values, or name the field and
 * reason of a record that does not fit. The layouts follow docs/formats/.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TYPE_NAMES } from '../../src/core/codes.js';
import { daysFromCivil, MS_PER_DAY, parseIsoDate } from '../../src/core/dates.js';
import { encodeGbk, validGbk } from '../../src/core/gbk.js';
import { aliasesFor } from '../../src/core/merchants.js';
import { packagePath } from '../../src/core/package-path.js';
import { alnumText, digitsText, NO_STAN, packAlnum } from '../../src/core/packed.js';
import type { Profile } from '../../src/core/profile.js';
import { planRecords, readRecord, rejectOf } from '../../src/core/profile-record.js';
import {
  R_DECIMAL,
  R_EMPTY,
  R_ENUM,
  R_FIELD_COUNT,
  R_GBK,
  R_NO_ALIAS,
  R_PATTERN,
  R_SHORT,
} from '../../src/core/reject.js';
import {
  F_AMOUNT,
  F_CLEARING_DATE,
  F_CURRENCY,
  F_FEE,
  F_MERCHANT_ID,
  F_NET,
  F_ORDER_NO,
  F_ORIG_RRN,
  F_PAN,
  F_SETTLE_DATE,
  F_STAN,
  F_STATUS,
  F_TERMINAL_ID,
  F_TXN_TIME,
  F_TYPE,
  FIELD_COUNT,
} from '../../src/core/schema.js';
import type { ScanResult } from '../../src/core/tasks.js';
import { InputError, ProfileError } from '../../src/inputs/errors.js';
import { parseMerchants } from '../../src/inputs/merchants-file.js';
import { frameHead, frameTail, minorUnits, readFigures } from '../../src/inputs/profiles/frame.js';
import { loadProfile, parseProfile, SHIPPED_PROFILES, SHIPPED_SIDES } from '../../src/inputs/profiles/profile-file.js';
import { isZipFile, listZip, pickEntry } from '../../src/inputs/zip.js';
import { checkControlTotals } from '../../src/run/control-totals.js';
import type { FilePlan } from '../../src/run/plan-file.js';
import { ALIPAY_HEADER, WECHAT_HEADER, zipOf } from '../helpers/bills.js';

const RUN_DAY = parseIsoDate('2026-11-19');
const utc8 = (y: number, mo: number, d: number, h: number, mi: number, s: number): number =>
  daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi - 480) * 60 + s) * 1000;

interface Row {
  type: string;
  merchant: string;
  terminal?: string;
  stan?: string;
  order?: string;
  orig?: string;
  pan?: string;
  time: number;
  gross: number;
  fee: number;
  net: number;
}

/** Frames a whole file and reads every record: the rows, and the rejects as [line, field, reason]. */
function readAll(profile: Profile, bytes: Uint8Array, aliases: Map<number, number>) {
  const head = frameHead(profile, bytes, 'f', true);
  const tail = frameTail(profile, bytes, 0, bytes.length, 'f');
  const ctx = { runDay: RUN_DAY, before: head.before, aliases };
  const plan = planRecords(profile, head.header, ctx);
  const vals = new Float64Array(FIELD_COUNT + 1);
  const ts = new Int32Array(FIELD_COUNT);
  const te = new Int32Array(FIELD_COUNT);
  const rows: Row[] = [];
  const rejects: [number, string, number][] = [];
  let line = head.firstLine;
  let fastTaken = 0;
  const text = (f: number): string | undefined =>
    te[f]! > ts[f]! ? new TextDecoder().decode(bytes.subarray(ts[f]!, te[f]!)) : undefined;
  for (let p = head.dataStart; p < tail.dataEnd; line++) {
    let nl = bytes.indexOf(10, p);
    if (nl < 0 || nl > tail.dataEnd) nl = tail.dataEnd;
    const e = nl > p && bytes[nl - 1] === 13 ? nl - 1 : nl;
    vals.fill(0);
    const r = readRecord(plan, bytes, p, e, vals, ts, te, ctx);
    // The generated fast path and the interpreter read every accepted record to the same values.
    if (r === 0) {
      const fast = plan.fast;
      const v2 = new Float64Array(vals.length);
      const s2 = new Int32Array(ts.length);
      const e2 = new Int32Array(te.length);
      plan.fast = null;
      expect(readRecord(plan, bytes, p, e, v2, s2, e2, ctx)).toBe(0);
      plan.fast = fast;
      expect([...v2]).toEqual([...vals]);
      expect([...s2]).toEqual([...ts]);
      expect([...e2]).toEqual([...te]);
      const v3 = new Float64Array(vals.length);
      if (fast?.(bytes, plan.fs, plan.fe, v3, new Int32Array(ts.length), new Int32Array(te.length))) {
        fastTaken++;
        expect([...v3]).toEqual([...vals]);
      }
    }
    if (r !== 0) {
      const { field, reason } = rejectOf(plan, r);
      rejects.push([line, field < 0 ? '' : plan.fieldNames[field]!, reason]);
    } else {
      expect(vals[F_STATUS]).toBe(1); // SETTLED, a constant in every shipped profile
      expect(vals[F_CURRENCY]).toBe((67 << 16) | (78 << 8) | 89); // CNY
      expect(vals[F_CLEARING_DATE]).toBe(RUN_DAY);
      expect(vals[F_SETTLE_DATE]).toBe(0); // "expected": the scanner fills it in
      rows.push({
        type: TYPE_NAMES[vals[F_TYPE]!]!,
        merchant: digitsText(vals[F_MERCHANT_ID]!, 15),
        ...(vals[F_TERMINAL_ID] ? { terminal: alnumText(vals[F_TERMINAL_ID]!) } : {}),
        ...(vals[F_STAN] !== NO_STAN ? { stan: digitsText(vals[F_STAN]!, 6) } : {}),
        ...(text(F_ORDER_NO) !== undefined ? { order: text(F_ORDER_NO) } : {}),
        ...(text(F_ORIG_RRN) !== undefined ? { orig: text(F_ORIG_RRN) } : {}),
        ...(text(F_PAN) !== undefined ? { pan: text(F_PAN) } : {}),
        time: vals[F_TXN_TIME]!,
        gross: vals[F_AMOUNT]!,
        fee: vals[F_FEE]!,
        net: vals[F_NET]!,
      });
    }
    p = nl + 1;
  }
  return { head, tail, plan, rows, rejects, fastTaken, figures: readFigures(profile, tail.after, 'f') };
}

// biome-ignore lint/suspicious/noExplicitAny: a profile's JSON, changed key by key below
type ProfileJson = Record<string, any>;

const shippedJson = (name: string): ProfileJson =>
  JSON.parse(readFileSync(packagePath(`profiles/${name}.json`), 'utf8'));

// Line 1 of a real ZM file (docs/formats/unionpay-zm.md), as published, settle date 2017-07-18.
const REAL_ZM_LINE =
  'S22 48022901    00040000    005607 0718215916 622280*********0000 000002500000 4900 07 201707182159160056078 05 20170718215916038602200          01                   D000000000024 C000002499976 0201                 01    000201                                                                  898319849000018   000000000000000                                   000000000000 C000002499976 01080209 test                              000000000000  000000000000  00000000000    7                                                                                                                                    ';

const gbk = (text: string): Uint8Array => {
  const bytes = encodeGbk(text);
  // The fixture is what Node's own GBK decoder reads back: encodeGbk is checked, not trusted.
  expect(new TextDecoder('gbk', { fatal: true }).decode(bytes)).toBe(text);
  return bytes;
};

describe('profiles', () => {
  it('ships wechat-trade-bill, alipay-trade-bill, unionpay-zm and payout-result-cn, each valid', () => {
    for (const name of SHIPPED_PROFILES) {
      const p = loadProfile(name);
      expect(p.name).toBe(name);
      // The side the CLI's help lists it under (payout-result-cn: test/unit/payout-profile.test.ts).
      expect(p.side).toBe(SHIPPED_SIDES[name]);
      expect(p.side).toBe(name === 'payout-result-cn' ? 'payout' : 'clearing');
    }
    expect(() => loadProfile('no-such-format')).toThrow(/unknown format "no-such-format"/);
  });

  it('refuses a profile with a mistake, naming the file and the place in it', () => {
    const good = shippedJson('wechat-trade-bill');
    const refused = (change: (p: ProfileJson) => void): string => {
      const p = JSON.parse(JSON.stringify(good));
      change(p);
      try {
        parseProfile(p, 'my.json');
      } catch (e) {
        expect(e).toBeInstanceOf(ProfileError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(parseProfile(good, 'my.json').columns.order_no?.from).toEqual({
      SALE: '商户订单号',
      REVERSAL: '商户订单号',
      REFUND: '商户退款单号',
    });
    expect(refused((p) => delete p.columns.gross_minor)).toBe(
      'profile my.json, columns.gross_minor: missing: every record needs it',
    );
    expect(refused((p) => (p.columns.gross_minor.decimals = 9))).toBe(
      'profile my.json, columns.gross_minor.decimals: an integer 0..4',
    );
    expect(refused((p) => (p.columns.record_type.map.SUCCESS = 'PAID'))).toMatch(
      /^profile my\.json, columns\.record_type\.map\.SUCCESS: "PAID" is not a record_type \(SALE, REFUND, REVERSAL, HOLD, RELEASE\)$/,
    );
    expect(refused((p) => (p.columns.rrn = { from: 'x', value: 'y' }))).toMatch(/columns\.rrn: exactly one of/);
    expect(refused((p) => (p.columns.amount_minor = { from: '订单金额' }))).toMatch(
      /columns\.amount_minor: not a clearing column/,
    );
    expect(refused((p) => (p.lines.header = '(('))).toMatch(/lines\.header: not a regular expression/);
    expect(refused((p) => (p.colums = {}))).toMatch(/colums: unknown key/);
    expect(refused((p) => delete p.platform)).toMatch(/columns\.merchant_id\.alias: needs the profile's "platform"/);
    expect(refused((p) => (p.columns.txn_time.zone = 'Beijing'))).toMatch(/columns\.txn_time\.zone: the UTC offset/);
    expect(refused((p) => (p.columns.order_no = { value: 'X' }))).toMatch(
      /columns\.order_no\.value: order_no cannot be a constant/,
    );
    expect(refused((p) => (p.columns.merchant_id = { fromLine: '^#账号：(\\d+)', alias: true }))).toMatch(
      /columns\.merchant_id\.fromLine: reads a line before the table: give lines\.before/,
    );
    expect(refused((p) => (p.columns.gross_minor.from = { SETTLE: '订单金额' }))).toMatch(
      /columns\.gross_minor\.from: "SETTLE" is not a record_type/,
    );
    const alipay = shippedJson('alipay-trade-bill');
    alipay.fileDate = '^#起始日期：\\[(\\d{4})年(\\d{2})月';
    expect(() => parseProfile(alipay, 'a.json')).toThrow(
      /^profile a\.json, fileDate: a pattern with three capture groups \(year, month, day\), or six/,
    );
  });

  it('reads a WeChat Pay trade bill: BOM, CRLF, backticks, sub-merchants, refunds, its summary', () => {
    const header =
      '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
    const row = (v: string[]): string => v.map((x) => `\`${x}`).join(',');
    // time, appid, mch, sub-mch, device, wx order, mch order, openid, trade type, state, bank, currency,
    // settle amount, coupon, wx refund, mch refund, refund, recharge refund, refund type, refund state,
    // goods, attach, fee, rate, order amount, refund applied, rate note
    const sale = (t: string, mch: string, sub: string, order: string, amount: string, fee: string, state = 'SUCCESS') =>
      row([
        t,
        'wx1',
        mch,
        sub,
        '',
        '4200001',
        order,
        'o1',
        'NATIVE',
        state,
        'OTHERS',
        'CNY',
        amount,
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        '商品, with a comma',
        '',
        fee,
        '0.60%',
        amount,
        '0.00',
        '',
      ]);
    const lines = [
      `\uFEFF${header}`,
      sale('2026-11-19 07:04:45', '1900000001', '0', 'ORD202611194405201900001', '35.26', '0.21000'),
      sale('2026-11-19 09:10:00', '1900000002', '1900000109', 'ORD202611194405221500007', '1280.00', '7.68000'),
      row([
        '2026-11-19 12:00:01',
        'wx1',
        '1900000001',
        '0',
        '',
        '4200001',
        'ORD202611194405201900001',
        'o1',
        'NATIVE',
        'REFUND',
        'OTHERS',
        'CNY',
        '0.00',
        '0.00',
        '5030001',
        'RF20261119000001',
        '10.00',
        '0.00',
        'ORIGINAL',
        'SUCCESS',
        'x',
        '',
        '-0.06000',
        '0.60%',
        '0.00',
        '10.00',
        '',
      ]),
      sale('2026-11-19 13:00:00', '1900000001', '0', 'ORD202611194405201900002', '5.00', '0.03000', 'REVOKED'),
      sale('2026-11-19 14:00:00', '1900000001', '0', 'ORD202611194405201900003', '12.345', '0.07000'), // a fraction of a fen
      sale('2026-11-19 15:00:00', '1900000999', '0', 'ORD202611194405201900004', '1.00', '0.01000'), // no alias
      sale('2026-11-19 16:00:00', '1900000001', '0', 'ORD202611194405201900005', '1.00', '0.01000', 'CLOSED'),
      row(['2026-11-19 17:00:00', 'wx1']), // a record cut short
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      row(['8', '1334.26', '10.00', '0.00', '7.94000', '1334.26', '10.00']),
      '',
    ];
    const bytes = new TextEncoder().encode(lines.join('\r\n'));
    const profile = loadProfile('wechat-trade-bill');
    const aliases = new Map([
      [1900000001, 898000310085409],
      [1900000109, 898000310703812],
    ]);
    const { head, rows, rejects, figures, fastTaken } = readAll(profile, bytes, aliases);
    expect(fastTaken).toBe(4);
    expect(head.firstLine).toBe(2);
    expect(head.header).toHaveLength(27);
    expect(rows).toEqual([
      {
        type: 'SALE',
        merchant: '898000310085409',
        order: 'ORD202611194405201900001',
        time: utc8(2026, 11, 19, 7, 4, 45),
        gross: 3526,
        fee: 21,
        net: 3505,
      },
      {
        type: 'SALE',
        merchant: '898000310703812',
        order: 'ORD202611194405221500007',
        time: utc8(2026, 11, 19, 9, 10, 0),
        gross: 128000,
        fee: 768,
        net: 127232,
      },
      {
        type: 'REFUND',
        merchant: '898000310085409',
        order: 'RF20261119000001',
        orig: 'ORD202611194405201900001',
        time: utc8(2026, 11, 19, 12, 0, 1),
        gross: 1000,
        fee: -6,
        net: 1006,
      },
      {
        type: 'REVERSAL',
        merchant: '898000310085409',
        order: 'ORD202611194405201900002',
        orig: 'ORD202611194405201900002',
        time: utc8(2026, 11, 19, 13, 0, 0),
        gross: 500,
        fee: 3,
        net: 497,
      },
    ]);
    expect(rejects).toEqual([
      [6, '订单金额', R_DECIMAL],
      [7, '商户号', R_NO_ALIAS],
      [8, '交易状态', R_ENUM],
      [9, '', R_FIELD_COUNT],
    ]);
    expect(figures).toHaveLength(1);
    expect(figures[0]!.count).toBe(8);
    expect(Object.fromEntries(figures[0]!.sums)).toEqual({
      应结订单总金额: 133426,
      退款总金额: 1000,
      手续费总金额: 794,
      订单总金额: 133426,
      申请退款总金额: 1000,
    });
  });

  it('rejects an empty value of a column read by record type, and refuses rows after the summary', () => {
    const profile = loadProfile('wechat-trade-bill');
    const header = frameHead(profile, new TextEncoder().encode(`${WECHAT_HEADER}\n`), 'f', true).header;
    const ctx = { runDay: RUN_DAY, before: [], aliases: new Map([[1900000001, 898000310085409]]) };
    const plan = planRecords(profile, header, ctx);
    const line = (amount: string): Uint8Array =>
      new TextEncoder().encode(
        [
          '2026-11-19 07:04:45',
          'wx1',
          '1900000001',
          '0',
          '',
          '42',
          'ORD01',
          'o1',
          'NATIVE',
          'SUCCESS',
          'OTHERS',
          'CNY',
          amount,
          '0.00',
          '0',
          '0',
          '0.00',
          '0.00',
          '',
          '',
          'g',
          '',
          '0.21000',
          '0.60%',
          amount,
          '0.00',
          '',
        ]
          .map((v) => `\`${v}`)
          .join(','),
      );
    const read = (b: Uint8Array) => {
      const r = readRecord(
        plan,
        b,
        0,
        b.length,
        new Float64Array(FIELD_COUNT + 1),
        new Int32Array(FIELD_COUNT),
        new Int32Array(FIELD_COUNT),
        ctx,
      );
      return r === 0 ? null : rejectOf(plan, r);
    };
    expect(read(line('35.26'))).toBeNull();
    // 订单金额 is gross_minor of a SALE: empty, the row is rejected (not read as 0).
    expect(read(line(''))).toEqual({ reason: R_EMPTY, field: header!.indexOf('订单金额'), detail: 0 });
    // A data row after the summary's values line is not a summary line: the file is refused.
    const bill = new TextEncoder().encode(
      [
        WECHAT_HEADER,
        new TextDecoder().decode(line('1.00')),
        '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
        '`1,`1.00,`0.00,`0.00,`0.21000,`1.00,`0.00',
        new TextDecoder().decode(line('2.00')),
        '',
      ].join('\n'),
    );
    expect(() => frameTail(profile, bill, 0, bill.length, 'bill.csv')).toThrow(
      /bill\.csv: does not fit profile wechat-trade-bill: .*line 1 from the end is "`2026-11-19 07:04:45/,
    );
  });

  it('refuses a WeChat bill cut short (no summary) and a file that is not one', () => {
    const profile = loadProfile('wechat-trade-bill');
    const cut = new TextEncoder().encode('交易时间,商户号\n`2026-11-19 07:04:45,`1900000001\n');
    expect(() => frameTail(profile, cut, 0, cut.length, 'bill.csv')).toThrow(
      /^bill\.csv: does not fit profile wechat-trade-bill: its table must end with a line matching \/\^总交易单数,\/.*\(is the file cut short\?\)$/,
    );
    const other = new TextEncoder().encode('merchant_id,terminal_id\n898000310085409,44052019\n');
    expect(() => frameHead(profile, other, 'journal.csv', true)).toThrow(
      'journal.csv, line 1: does not fit profile wechat-trade-bill: expected its header line (/^交易时间,/), found "merchant_id,terminal_id"',
    );
  });

  it('reads an Alipay 业务明细 in GBK: the comment block, the account line, trailing tabs, negative refunds, the footer totals', () => {
    const header =
      '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
    const text = [
      '#支付宝业务明细查询',
      '#账号：[20880000000000010156]',
      '#起始日期：[2026年11月19日 00:00:00]   终止日期：[2026年11月20日 00:00:00]',
      `#${'-'.repeat(41)}业务明细列表${'-'.repeat(40)}`,
      header,
      '2026111922001400000000000001\t,ORD-1\t,交易\t,商品A,2026-11-19 07:04:40,2026-11-19 07:04:45,\t,\t,\t,\t,**明(138******00)\t,10.00,10.00,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,-0.06,0.00,',
      '2026111922001400000000000001\t,ORD-1\t,退款\t,商品A,2026-11-19 07:04:40,2026-11-19 09:00:00,\t,\t,\t,\t,**明(138******00)\t,-4.00,-4.00,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,RF-1\t,0.02,0.00,',
      '2026111922001400000000000002\t,ORD-2\t,交易\t,商品B,2026-11-19 10:00:00,2026-11-19 10:00:01,\t,\t,\t,\t,**明(138******00)\t,2.50,2.50,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,-0.02,0.00,',
      `#${'-'.repeat(41)}业务明细列表结束${'-'.repeat(36)}`,
      '#交易合计：2笔，商家实收共12.50元，商家优惠共0.00元',
      '#退款合计：1笔，商家实收退款共-4.00元，商家优惠退款共0.00元',
      '#导出时间：[2026年11月20日 05:46:49]',
      '',
    ].join('\n');
    const bytes = gbk(text);
    const profile = loadProfile('alipay-trade-bill');
    const { head, rows, rejects, figures, fastTaken } = readAll(
      profile,
      bytes,
      new Map([[2088000000000001, 898000310085409]]),
    );
    expect(fastTaken).toBe(3);
    expect(head.firstLine).toBe(6);
    expect(head.before).toHaveLength(4);
    expect(rejects).toEqual([]);
    expect(rows).toEqual([
      {
        type: 'SALE',
        merchant: '898000310085409',
        order: 'ORD-1',
        time: utc8(2026, 11, 19, 7, 4, 45),
        gross: 1000,
        fee: 6,
        net: 994,
      },
      {
        type: 'REFUND',
        merchant: '898000310085409',
        order: 'RF-1',
        orig: 'ORD-1',
        time: utc8(2026, 11, 19, 9, 0, 0),
        gross: 400,
        fee: 2,
        net: 398,
      },
      {
        type: 'SALE',
        merchant: '898000310085409',
        order: 'ORD-2',
        time: utc8(2026, 11, 19, 10, 0, 1),
        gross: 250,
        fee: 2,
        net: 248,
      },
    ]);
    expect(figures.map((f) => [f.count, Object.fromEntries(f.sums)])).toEqual([
      [2, { 2: 1250 }],
      [1, { 2: -400 }],
    ]);
    // An account whose PID has no alias: each of its rows is rejected for it, as a WeChat row would be.
    const unknown = readAll(profile, bytes, new Map());
    expect(unknown.rows).toEqual([]);
    expect(unknown.rejects).toEqual([
      [6, '', R_NO_ALIAS],
      [7, '', R_NO_ALIAS],
      [8, '', R_NO_ALIAS],
    ]);
    // Bytes that are not GBK in a record: that record alone is rejected.
    const bad = Uint8Array.from([...bytes]);
    const at = bytes.indexOf(0x2c, head.dataStart) + 1; // the second record field of the first row
    bad[at] = 0x81;
    bad[at + 1] = 0x7f;
    expect(validGbk(bad, head.dataStart, bad.indexOf(10, head.dataStart))).toBe(false);
  });

  it('reads UnionPay ZM records by GBK byte offsets: a real line, a Chinese field, a refund, a short line', () => {
    const real = REAL_ZM_LINE;
    expect(real.length).toBe(607);
    const profile = loadProfile('unionpay-zm');
    const widths = profile.layout.kind === 'fixed' ? profile.layout.fields : [];
    /** A ZM line from field values (by name), each padded with spaces to its width in GBK bytes. */
    const zm = (v: Record<string, string>): Uint8Array => {
      const parts = widths.map((f) => {
        const b = encodeGbk(v[f.name] ?? '');
        expect(b.length).toBeLessThanOrEqual(f.bytes);
        return [...b, ...new Array(f.bytes - b.length).fill(32)];
      });
      return Uint8Array.from(parts.flatMap((p, i) => (i === 0 ? p : [32, ...p])));
    };
    const base = {
      交易代码: 'S22',
      系统跟踪号: '005607',
      交易传输时间: '1119070445',
      帐号: '622280*********0000',
      交易金额: '000000003526',
      商户订单号: 'ORD202611194405201900001',
      商户手续费: 'D000000000021',
      结算金额: 'C000000003505',
      交易类型: '01',
      商户代码: '898000310085409',
      终端号: '44052019',
      商户自定义域: '账户充值', // GBK Chinese: 8 bytes of its 32
    };
    const refund = {
      ...base,
      交易代码: 'S30',
      交易传输时间: '1119120001',
      系统跟踪号: '005700',
      交易金额: '000000001000',
      商户订单号: 'RF20261119000001',
      原始交易订单号: 'ORD202611194405201900001',
      商户手续费: 'C000000000006',
      结算金额: 'D000000000994',
      交易类型: '04',
    };
    // A zero fee with a blank sign byte, as ZM writes a figure that does not apply.
    const noFee = {
      ...base,
      系统跟踪号: '005608',
      商户订单号: 'ORD202611194405201900009',
      商户手续费: ' 000000000000',
      结算金额: 'C000000003526',
    };
    const short = zm(base).subarray(0, 400);
    const unknown = zm({ ...base, 交易类型: '02' });
    const file = [new TextEncoder().encode(real), zm(base), zm(refund), zm(noFee), short, unknown]
      .flatMap((l) => [...l, 13, 10])
      .concat([]);
    const bytes = Uint8Array.from(file);
    // The real line is of 2017-07-18: a time without a year is read in the year nearest the run.
    const { rows, rejects, figures, fastTaken } = readAll(profile, bytes, new Map());
    // All but the blank sign byte (trimmed with its padding), which the interpreter reads.
    expect(fastTaken).toBe(3);
    expect(rows).toEqual([
      {
        type: 'SALE',
        merchant: '898319849000018',
        terminal: '01080209',
        stan: '005607',
        order: '20170718215916038602200',
        pan: '622280*********0000',
        time: utc8(2026, 7, 18, 21, 59, 16),
        gross: 2500000,
        fee: 24,
        net: 2499976,
      },
      {
        type: 'SALE',
        merchant: '898000310085409',
        terminal: '44052019',
        stan: '005607',
        order: 'ORD202611194405201900001',
        pan: '622280*********0000',
        time: utc8(2026, 11, 19, 7, 4, 45),
        gross: 3526,
        fee: 21,
        net: 3505,
      },
      {
        type: 'REFUND',
        merchant: '898000310085409',
        terminal: '44052019',
        stan: '005700',
        order: 'RF20261119000001',
        orig: 'ORD202611194405201900001',
        pan: '622280*********0000',
        time: utc8(2026, 11, 19, 12, 0, 1),
        gross: 1000,
        fee: -6,
        net: -994,
      },
      {
        type: 'SALE',
        merchant: '898000310085409',
        terminal: '44052019',
        stan: '005608',
        order: 'ORD202611194405201900009',
        pan: '622280*********0000',
        time: utc8(2026, 11, 19, 7, 4, 45),
        gross: 3526,
        fee: 0,
        net: 3526,
      },
    ]);
    expect(rejects).toEqual([
      [5, '', R_SHORT],
      [6, '交易类型', R_ENUM],
    ]);
    // A first line that is not GBK is a rejected record like any other, not a file that does not fit.
    const badFirst = Uint8Array.from([
      ...zm(base).subarray(0, 600),
      0x81,
      0x20,
      0x20,
      0x20,
      0x20,
      0x20,
      0x20,
      13,
      10,
      ...zm(refund),
      13,
      10,
    ]);
    const again = readAll(profile, badFirst, new Map());
    expect(again.rejects).toEqual([[1, '', R_GBK]]);
    expect(again.rows.map((r) => r.type)).toEqual(['REFUND']);
    expect(figures).toEqual([]);
  });

  it("maps platform merchant numbers to merchant_id through the merchants file's aliases column", () => {
    const table = parseMerchants(
      [
        'merchant_id,cycle,mdr_bps,fee_cap_minor,aliases',
        '898000310085409,T1,60,,wechat:1900000001;alipay:2088000000000001',
        '898000310703812,D1,,, wechat:1900000109 ',
        '898000310000001,T1,,,',
      ].join('\n'),
      'merchants.csv',
    );
    expect([...aliasesFor(table, 'wechat')]).toEqual([
      [1900000001, 898000310085409],
      [1900000109, 898000310703812],
    ]);
    expect([...aliasesFor(table, 'alipay')]).toEqual([[2088000000000001, 898000310085409]]);
    expect(aliasesFor(table, 'unionpay').size).toBe(0);
    const bad = (aliases: string): string => {
      try {
        parseMerchants(
          `merchant_id,cycle,aliases\n898000310085409,T1,wechat:1\n898000310703812,T1,${aliases}\n`,
          'm.csv',
        );
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad('wechat:01')).toBe('m.csv, line 3, column aliases: alias wechat:01 is also given on line 2');
    expect(bad('WeChat:2')).toMatch(/^m\.csv, line 3, column aliases: aliases must be platform:number pairs/);
    expect(bad('wechat:12345678901234567')).toMatch(/found "wechat:12345678901234567"$/);
  });

  it('warns instead of refusing when rejected records in several chunks may explain the totals', () => {
    const profile = loadProfile('wechat-trade-bill');
    const total = profile.totals[0]!;
    const figures = [{ total, count: 3, sums: new Map(Object.keys(total.sums).map((k) => [k, 300])) }];
    const plan = { shown: 'bill.csv', profile: { figures } } as unknown as FilePlan;
    const slots = 1 + Object.keys(total.sums).length;
    // Two chunks, each with a record that could not be added (the slot after the totals is 1).
    // A chunk's totals: [count, sums…], then a flag per figure (1: a record could not be added to it).
    const chunk = (count: number, uncertain: number): ScanResult =>
      ({
        totals: Float64Array.from([count, ...new Array(slots - 1).fill(100), ...new Array(slots).fill(uncertain)]),
      }) as unknown as ScanResult;
    const results = new Map([
      [2, chunk(1, 1)],
      [3, chunk(1, 1)],
    ]);
    const warnings = checkControlTotals([plan], new Map([[plan, [2, 3]]]), results);
    expect(warnings[0]).toBe(
      'bill.csv: its summary states "总交易单数" as 3, but its records give 2 (some of its records were rejected)',
    );
    // Without a rejected record the same disagreement refuses the file.
    const exact = new Map([
      [2, chunk(1, 0)],
      [3, chunk(1, 0)],
    ]);
    expect(() => checkControlTotals([plan], new Map([[plan, [2, 3]]]), exact)).toThrow(
      /the file was cut short or edited/,
    );
  });

  it('reads zip archives as other tools write them, and refuses an empty one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-zip-'));
    const data = new TextEncoder().encode('x\n');
    const cases: [string, Uint8Array][] = [
      ['gbk names', zipOf([{ name: 'a_业务明细.csv', data }])],
      ['utf-8 names, flagged', zipOf([{ name: 'a_业务明细.csv', data }], 'utf8')],
      ['utf-8 names, not flagged (Info-ZIP on Linux)', zipOf([{ name: 'a_业务明细.csv', data }], 'utf8-unflagged')],
      [
        'a comment holding the end signature',
        zipOf(
          [{ name: 'a_业务明细.csv', data }],
          'gbk',
          Uint8Array.from([0x50, 0x4b, 5, 6, ...new Array(18).fill(0), 0x78]),
        ),
      ],
    ];
    for (const [what, bytes] of cases) {
      const file = join(dir, 'bill.zip');
      writeFileSync(file, bytes);
      expect(isZipFile(file), what).toBe(true);
      expect(pickEntry(listZip(file, 'bill.zip'), /_业务明细\.csv$/, 'bill.zip', 'p').name, what).toMatch(
        /_业务明细\.csv$/,
      );
    }
    const empty = join(dir, 'empty.zip');
    writeFileSync(empty, zipOf([]));
    expect(isZipFile(empty)).toBe(true);
    expect(() => pickEntry(listZip(empty, 'empty.zip'), /ZM_/, 'empty.zip', 'unionpay-zm')).toThrow(
      'empty.zip: has no zip entry matching /ZM_/ for profile unionpay-zm (its entries: none)',
    );
  });

  it('splits GBK records only between characters, and the fast path checks what the interpreter checks', () => {
    // A user's GBK profile with | between fields: 億 is 83 7C in GBK, its second byte a |.
    const mine = shippedJson('alipay-trade-bill');
    mine.profile = 'pipe-bill';
    mine.layout.delimiter = '|';
    mine.columns.clearing_date = { from: '备注', pattern: 'YYYY-MM-DD hh:mm:ss' };
    const profile = parseProfile(mine, 'pipe.json');
    const header = ALIPAY_HEADER.split(',');
    const ctx = {
      runDay: RUN_DAY,
      before: ['#账号：[20880000000000010156]'],
      aliases: new Map([[2088000000000001, 898000310085409]]),
    };
    const plan = planRecords(profile, header, ctx);
    const line = (goods: string, note: string): Uint8Array =>
      gbk(
        [
          '2026111922001400000000000001',
          'ORD-1',
          '交易',
          goods,
          '2026-11-19 07:04:40',
          '2026-11-19 07:04:45',
          '',
          '',
          '',
          '',
          'x',
          '10.00',
          '10.00',
          '0.00',
          '0.00',
          '0.00',
          '0.00',
          '0.00',
          '',
          '0.00',
          '0.00',
          '',
          '0.00',
          '0.00',
          note,
        ].join('|'),
      );
    const read = (b: Uint8Array) => {
      const v = new Float64Array(FIELD_COUNT + 1);
      const r = readRecord(plan, b, 0, b.length, v, new Int32Array(FIELD_COUNT), new Int32Array(FIELD_COUNT), ctx);
      return r === 0 ? v[F_CLEARING_DATE] : rejectOf(plan, r);
    };
    expect(read(line('億元店', '2026-11-19 10:00:00'))).toBe(RUN_DAY);
    // A time of day out of range is refused by both paths.
    expect(read(line('億元店', '2026-11-19 99:99:99'))).toEqual({
      reason: R_PATTERN,
      field: header.indexOf('备注'),
      detail: 0,
    });
    // Patterns are ASCII; a delimiter is not a letter or a digit.
    mine.columns.clearing_date.pattern = 'YYYY年MM月DD日 hh:mm:ss';
    expect(() => parseProfile(mine, 'pipe.json')).toThrow(/columns\.clearing_date\.pattern: ASCII characters only/);
    mine.columns.clearing_date.pattern = 'YYYY-MM-DD hh:mm:ss';
    mine.layout.delimiter = 'x';
    expect(() => parseProfile(mine, 'pipe.json')).toThrow(
      /layout\.delimiter: one ASCII character that is not a letter or a digit/,
    );
  });

  it('converts amounts exactly, refusing a fraction of a minor unit', () => {
    expect(minorUnits('35.26', 2)).toBe(3526);
    expect(minorUnits('0.32000', 2)).toBe(32);
    expect(minorUnits('-0.27000', 2)).toBe(-27);
    expect(minorUnits('10', 2)).toBe(1000);
    expect(minorUnits('0.1', 2)).toBe(10);
    expect(minorUnits('0.00020', 2)).toBeNull();
    expect(minorUnits('1e3', 2)).toBeNull();
    expect(minorUnits('12345678901234.99', 2)).toBe(1234567890123499);
  });

  it('reads a user profile from a file, and names it when it is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-profile-'));
    const file = join(dir, 'mine.json');
    writeFileSync(file, '{ "profile": ');
    expect(() => loadProfile(file)).toThrow(new RegExp(`^profile ${file}: cannot read it as JSON`));
    const own = shippedJson('unionpay-zm');
    own.profile = 'my-zm';
    delete own.columns.stan;
    own.columns.terminal_id = { value: 'POS00001' };
    writeFileSync(file, JSON.stringify(own));
    const p = loadProfile(file);
    expect(p.name).toBe('my-zm');
    const plan = planRecords(p, null, { runDay: RUN_DAY, before: [], aliases: new Map() });
    expect(plan.steps.find((s) => s.target === 'terminal_id')?.constant).toBe(
      packAlnum(new TextEncoder().encode('POS00001'), 0, 8),
    );
    // A record whose 商户代码 is blank is refused for that field.
    const line = new TextEncoder().encode(REAL_ZM_LINE.replace('898319849000018', ' '.repeat(15)));
    const r = readRecord(
      plan,
      line,
      0,
      line.length,
      new Float64Array(FIELD_COUNT + 1),
      new Int32Array(FIELD_COUNT),
      new Int32Array(FIELD_COUNT),
      {
        runDay: RUN_DAY,
        before: [],
        aliases: new Map(),
      },
    );
    expect(rejectOf(plan, r)).toEqual({ reason: R_EMPTY, field: plan.fieldNames.indexOf('商户代码'), detail: 0 });
  });
});
