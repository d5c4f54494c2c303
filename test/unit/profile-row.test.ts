/**
 * The one-pass reader of a delimited profile's records (core/profile-gen.ts compileRow) against the
 * profile's interpreter (readRecord with no generated code): on real-layout bills and on thousands
 * of mutants of them (a byte replaced, inserted or deleted: delimiters, prefixes, line ends, signs,
 * digits, bytes that are not ASCII), every record the reader takes, the interpreter takes too, with
 * the same values, text ranges and control-total additions, and the reader ends it at its line end.
 * Records the reader leaves go to the interpreter, so what it does not take costs speed, not results.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/core/dates.js';
import { AliasIndex } from '../../src/core/merchants.js';
import { packagePath } from '../../src/core/package-path.js';
import type { Profile } from '../../src/core/profile.js';
import { addTotals, planRecords, readRecord } from '../../src/core/profile-record.js';
import type { RecordPlan } from '../../src/core/record-plan.js';
import { F_ORDER_NO, F_ORIG_RRN, F_PAN, FIELD_COUNT } from '../../src/core/schema.js';
import { frameHead, frameTail } from '../../src/inputs/profiles/frame.js';
import { loadProfile, parseProfile } from '../../src/inputs/profiles/profile-file.js';
import { type AlipayRow, alipayBill, type WechatRow, wechatBill } from '../helpers/bills.js';
import { dose } from '../helpers/dose.js';
import { rng } from '../helpers/random.js';

const RUN_DAY = parseIsoDate('2026-11-19');

/** Counts of one file's records: taken by the reader, taken by the interpreter only, rejected. */
interface Tally {
  taken: number;
  interpreterOnly: number;
  rejected: number;
}

/**
 * Reads every record of `bytes` both ways and checks the reader against the interpreter; returns
 * the counts. Throws (an expect) on any record where they differ.
 */
function compare(
  profile: Profile,
  bytes: Uint8Array,
  aliases: Map<number, number>,
  what: string,
  dataEnd?: number,
  rejects: string[] = [],
): Tally {
  // A mutant's records end where its bill's did, moved by the bytes it gained or lost.
  const head = frameHead(profile, bytes, 'f', true);
  const tail = { dataEnd: dataEnd ?? frameTail(profile, bytes, 0, bytes.length, 'f').dataEnd };
  const ctx = { runDay: RUN_DAY, before: head.before, aliases };
  const plan: RecordPlan = planRecords(profile, head.header, ctx);
  const row = plan.row!;
  expect(row).not.toBeNull();
  // The interpreter alone: no generated conversions.
  plan.fast = null;
  const index = new AliasIndex(aliases);
  const n = FIELD_COUNT + 1;
  const vals = new Float64Array(n);
  const ts = new Int32Array(FIELD_COUNT);
  const te = new Int32Array(FIELD_COUNT);
  const tally: Tally = { taken: 0, interpreterOnly: 0, rejected: 0 };
  // As the scan does: the reader only for records whose line end lies in the data.
  const fastEnd = bytes.lastIndexOf(10, tail.dataEnd - 1) + 1;
  for (let p = head.dataStart; p < tail.dataEnd; ) {
    let nl = bytes.indexOf(10, p);
    if (nl < 0 || nl >= tail.dataEnd) nl = tail.dataEnd;
    const e = nl > p && bytes[nl - 1] === 13 ? nl - 1 : nl;
    vals.fill(0);
    ts.fill(0);
    te.fill(0);
    const r = e > p ? readRecord(plan, bytes, p, e, vals, ts, te, ctx) : -1;
    const acc = new Float64Array(2 * plan.totalSlots);
    if (r === 0) addTotals(plan, bytes, acc, true);
    if (p < fastEnd) {
      // Slots the reader must set are filled with garbage first.
      const v2 = new Float64Array(n).fill(7);
      const s2 = new Int32Array(FIELD_COUNT);
      const e2 = new Int32Array(FIELD_COUNT);
      for (const f of [F_ORDER_NO, F_ORIG_RRN, F_PAN]) s2[f] = e2[f] = 99;
      const acc2 = new Float64Array(2 * plan.totalSlots);
      const next = row(bytes, p, v2, s2, e2, acc2, index);
      if (next >= 0) {
        const where = `${what}: the record at byte ${p} (${JSON.stringify(new TextDecoder().decode(bytes.subarray(p, e)))})`;
        expect(r, where).toBe(0);
        expect(next, where).toBe(nl + 1);
        expect([...v2], where).toEqual([...vals]);
        expect([...s2], where).toEqual([...ts]);
        expect([...e2], where).toEqual([...te]);
        expect([...acc2], where).toEqual([...acc]);
        tally.taken++;
      } else if (r === 0) tally.interpreterOnly++;
      else if (e > p) {
        tally.rejected++;
        rejects.push(new TextDecoder().decode(bytes.subarray(p, e)));
      }
    }
    p = nl + 1;
  }
  return tally;
}

/** Numbers in [0, 1) from the tests' deterministic generator. */
function random(seed: number): () => number {
  const next = rng(seed);
  return () => (next() >>> 0) / 4294967296;
}

/** Bytes a mutant gets: what ends or splits fields and lines, signs, digits, and bytes not ASCII. */
const PICKS = [44, 96, 13, 10, 45, 46, 48, 53, 57, 32, 9, 65, 120, 127, 0, 0x80, 0xc3, 0xe5, 0xff, 0x40, 0x81];

/**
 * `count` mutants of `bytes`, each with one byte replaced, inserted or deleted inside the records
 * (between dataStart and dataEnd), checked with `compare`. Returns the counts over all of them.
 */
function mutants(
  profile: Profile,
  bytes: Uint8Array,
  aliases: Map<number, number>,
  seed: number,
  count: number,
): Tally & { mutants: number } {
  const head = frameHead(profile, bytes, 'f', true);
  const tail = frameTail(profile, bytes, 0, bytes.length, 'f');
  const next = random(seed);
  const total = { taken: 0, interpreterOnly: 0, rejected: 0, mutants: 0 };
  for (let k = 0; k < count; k++) {
    const at = head.dataStart + Math.floor(next() * (tail.dataEnd - head.dataStart));
    const pick = PICKS[Math.floor(next() * PICKS.length)]!;
    const how = Math.floor(next() * 3);
    const parts =
      how === 0
        ? [bytes.subarray(0, at), Uint8Array.of(pick), bytes.subarray(at + 1)]
        : how === 1
          ? [bytes.subarray(0, at), Uint8Array.of(pick), bytes.subarray(at)]
          : [bytes.subarray(0, at), bytes.subarray(at + 1)];
    const mutant = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
    let o = 0;
    for (const x of parts) {
      mutant.set(x, o);
      o += x.length;
    }
    const t = compare(
      profile,
      mutant,
      aliases,
      `mutant ${k} (seed ${seed}: ${['replace', 'insert', 'delete'][how]} ${pick} at ${at})`,
      tail.dataEnd + mutant.length - bytes.length,
    );
    total.taken += t.taken;
    total.interpreterOnly += t.interpreterOnly;
    total.rejected += t.rejected;
    total.mutants++;
  }
  return total;
}

const WECHAT_HEADER_NAMES = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
];

const WECHAT_ALIASES = new Map([
  [1900000001, 898000310085409],
  [1900000109, 898000310703812],
]);

const WECHAT_ROWS: WechatRow[] = [
  {
    time: '2026-11-19 07:04:45',
    mch: '1900000001',
    order: 'ORD202611194405201900001',
    amount: '35.26',
    fee: '0.21000',
  },
  {
    time: '2026-11-19 09:10:00',
    mch: '1900000002',
    sub: '1900000109',
    order: 'ORD202611194405221500007',
    amount: '1280.00',
    fee: '7.68000',
  },
  {
    time: '2026-11-19 12:00:01',
    mch: '1900000001',
    order: 'ORD202611194405201900001',
    amount: '0.00',
    fee: '-0.02000',
    state: 'REFUND',
    refundNo: 'RF-1',
    refund: '4.00',
  },
  { time: '2026-11-19 23:59:59', mch: '1900000001', order: 'ORD-R', amount: '5', fee: '0', state: 'REVOKED' },
  { time: '2026-11-20 00:00:00', mch: '1900000001', order: 'ORD 7', amount: '0.1', fee: '0.01000' },
];

const ALIPAY_ALIASES = new Map([[2088000000000001, 898000310085409]]);

const ALIPAY_ROWS: AlipayRow[] = [
  { kind: '交易', order: 'ORD-1', time: '2026-11-19 07:04:45', amount: '10.00', fee: '-0.06' },
  { kind: '退款', order: 'ORD-1', time: '2026-11-19 09:00:00', amount: '-4.00', fee: '0.02', refundNo: 'RF-1' },
  { kind: '交易', order: 'ORD-2', time: '2026-11-19 10:00:01', amount: '2.50', fee: '-0.02' },
];

describe('the one-pass reader of delimited profiles', () => {
  it('takes every record of a WeChat bill and an Alipay 业务明细 as the interpreter reads it', () => {
    const rejects: string[] = [];
    const wechat = compare(
      loadProfile('wechat-trade-bill'),
      new TextEncoder().encode(wechatBill(WECHAT_ROWS)),
      WECHAT_ALIASES,
      'wechat',
      undefined,
      rejects,
    );
    expect(rejects).toEqual([]);
    // Every record but the REVOKED one (no 商户退款单号 wanted, its amount in 订单金额: taken) is
    // taken; none is left to the interpreter that it accepts.
    expect(wechat).toEqual({ taken: 5, interpreterOnly: 0, rejected: 0 });
    const alipay = compare(
      loadProfile('alipay-trade-bill'),
      alipayBill('2088000000000001', '2026-11-19', ALIPAY_ROWS),
      ALIPAY_ALIASES,
      'alipay',
    );
    expect(alipay).toEqual({ taken: 3, interpreterOnly: 0, rejected: 0 });
  });

  it("leaves to the interpreter a user's layout whose delimiter, prefix or trim overlap a number's bytes, a line end or each other", () => {
    const wechat = JSON.parse(readFileSync(packagePath('profiles/wechat-trade-bill.json'), 'utf8'));
    const header = WECHAT_HEADER_NAMES;
    const ctx = { runDay: RUN_DAY, before: [], aliases: WECHAT_ALIASES };
    const rowOf = (layout: object): unknown =>
      planRecords(parseProfile({ ...wechat, layout: { kind: 'delimited', ...layout } }, 'u.json'), header, ctx).row;
    expect(rowOf({ delimiter: ',', prefix: '`' })).not.toBeNull();
    expect(rowOf({ delimiter: '|', trim: '\t ' })).not.toBeNull();
    for (const layout of [
      { delimiter: ',', trim: '0' },
      { delimiter: '\t', trim: '\t ' },
      { delimiter: ',', trim: ' \n' },
      { delimiter: '.' },
      { delimiter: '-' },
      { delimiter: ',', prefix: ',' },
      { delimiter: '\r' },
      { delimiter: ',', prefix: '`', trim: '`' },
    ])
      expect(rowOf(layout), JSON.stringify(layout)).toBeNull();
  });

  // npm test: the first seed's first MUTANTS (each outcome below is reached by them); test:long: 1500 of each seed.
  const MUTANTS = dose(400, 1500);
  for (const seed of dose([1], [1, 2, 3])) {
    it(`agrees with the interpreter on ${MUTANTS} mutants of each bill (seed ${seed})`, () => {
      const wechat = mutants(
        loadProfile('wechat-trade-bill'),
        new TextEncoder().encode(wechatBill(WECHAT_ROWS)),
        WECHAT_ALIASES,
        seed,
        MUTANTS,
      );
      const alipay = mutants(
        loadProfile('alipay-trade-bill'),
        alipayBill('2088000000000001', '2026-11-19', ALIPAY_ROWS),
        ALIPAY_ALIASES,
        seed,
        MUTANTS,
      );
      // The mutants exercised all three outcomes: taken, left to the interpreter, rejected.
      for (const t of [wechat, alipay]) {
        expect(t.mutants).toBe(MUTANTS);
        expect(t.taken).toBeGreaterThan(MUTANTS * 2);
        expect(t.interpreterOnly).toBeGreaterThan(0);
        expect(t.rejected).toBeGreaterThan(MUTANTS / 15);
      }
    });
  }
});
