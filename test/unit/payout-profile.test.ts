/**
 * Input profiles for payout files (DESIGN §3.4, §3.5): a profile whose side is `payout` fills the
 * payout columns, its kind column being `status`; the shipped `payout-result-cn` (a Chinese
 * acquirer's 划款明细/代付结果 in GBK) reads a hand-written file into exactly the expected values,
 * names the field and reason of each record that does not fit, and checks its 合计 line. The three
 * readers of a record agree on every one (the interpreter, its generated steps and the one-pass
 * reader), here and on a few hundred mutants of the file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAYOUT_STATUS_NAMES } from '../../src/core/codes.js';
import { daysFromCivil, parseIsoDate } from '../../src/core/dates.js';
import { encodeGbk } from '../../src/core/gbk.js';
import { AliasIndex } from '../../src/core/merchants.js';
import { packagePath } from '../../src/core/package-path.js';
import { digitsText } from '../../src/core/packed.js';
import type { Profile } from '../../src/core/profile.js';
import { addTotals, planRecords, readRecord, rejectOf } from '../../src/core/profile-record.js';
import type { RecordPlan } from '../../src/core/record-plan.js';
import { R_CHARS, R_DECIMAL, R_EMPTY, R_ENUM, R_FIELD_COUNT, R_LENGTH, R_PATTERN } from '../../src/core/reject.js';
import {
  F_AMOUNT,
  F_BATCH_NO,
  F_CLEARING_DATE,
  F_CURRENCY,
  F_MERCHANT_ID,
  F_ORDER_NO,
  F_ORIG_RRN,
  F_PAN,
  F_SETTLE_DATE,
  F_STATUS,
  FIELD_COUNT,
  VALS_LENGTH,
} from '../../src/core/schema.js';
import { ProfileError } from '../../src/inputs/errors.js';
import { frameHead, frameTail, readFigures } from '../../src/inputs/profiles/frame.js';
import { loadProfile, parseProfile } from '../../src/inputs/profiles/profile-file.js';
import { rng } from '../helpers/random.js';

const RUN_DAY = parseIsoDate('2026-11-18');
const NOV = (d: number): number => daysFromCivil(2026, 11, d);

/** The header of a payout result file in the layout of payout-result-cn. */
const PAYOUT_CN_HEADER =
  '划款流水号,商户编号,商户名称,清算日期,划款金额(元),币种,划款状态,状态日期,失败原因代码,失败原因,收款账号,收款户名,原划款流水号';

// biome-ignore lint/suspicious/noExplicitAny: a profile's JSON, changed key by key below
type Json = Record<string, any>;
const shipped = (): Json => JSON.parse(readFileSync(packagePath('profiles/payout-result-cn.json'), 'utf8')) as Json;

/** What a record was read into, as text. */
interface Read {
  id: string;
  merchant: string;
  settle: number;
  amount: number;
  status: string;
  date: number;
  reason?: string;
  account?: string;
  orig?: string;
}

/** The lines of a file: a title, a date line padded with empty cells as Excel writes it, the header, rows and 合计. */
function fileOf(rows: readonly string[], total: string, eol = '\r\n'): Uint8Array {
  return encodeGbk(
    ['商户划款结果明细', '查询日期：20261118,,,,,,,,,,,,', PAYOUT_CN_HEADER, ...rows, total, '制表：清算部', ''].join(
      eol,
    ),
  );
}

const ROWS = [
  // paid on time
  'PO20261117000001,898310148160501,某某便利店,20261117,99.40,人民币,成功,20261117,,,622202******1234,张三,',
  // failed: wrong account number; the file shows the account in full (masked by the scan, not here)
  'PO20261117000002,898310148160502,某某餐厅,20261117,99.40,CNY,失败,20261117,AC01,账号不存在,6222021234567890123,李四,',
  // paid, then returned: the merchant's account frozen
  'PO20261117000003,898310148160503,某某超市,20261117,1280.00,人民币,退票,20261118,AC06,账户冻结,\t622848******5678,王五,',
  // the payout itself frozen
  'PO20261117000004,898310148160504,某某药房,20261117,0.5,人民币,冻结出款,20261118,HOLD01,风控冻结,622588******0001,赵六,',
  // a re-payout of a returned one
  'PO20261118000005,898310148160503,某某超市,20261117,1280,156,划款成功,20261118,,,622848******9999,王五,PO20261116000003',
  // a fraction of a fen
  'PO20261118000006,898310148160506,x,20261117,99.405,人民币,成功,20261118,,,622202******1234,x,',
  // still being processed: no result yet
  'PO20261118000007,898310148160507,x,20261117,99.40,人民币,处理中,20261118,,,622202******1234,x,',
  // a reason in words where its code belongs
  'PO20261118000008,898310148160508,x,20261117,99.40,人民币,失败,20261118,户名不符,户名不符,622202******1234,x,',
  // no such date
  'PO20261118000009,898310148160509,x,20261131,99.40,人民币,成功,20261118,,,622202******1234,x,',
  // a merchant number of 14 digits
  'PO20261118000010,89831014816051,x,20261117,99.40,人民币,成功,20261118,,,622202******1234,x,',
  // no payout id
  ',898310148160511,x,20261117,99.40,人民币,成功,20261118,,,622202******1234,x,',
  // a record cut short
  'PO20261118000012,898310148160512,x,20261117',
];

/**
 * Frames a whole file and reads every record three ways: the interpreter alone, the interpreter
 * with its generated steps, and the one-pass reader; all three must agree on every record the
 * last two take. The rows, the rejects as [line, field, reason], and the file's figures.
 */
function readAll(profile: Profile, bytes: Uint8Array) {
  const head = frameHead(profile, bytes, 'f', true);
  const tail = frameTail(profile, bytes, 0, bytes.length, 'f');
  const ctx = { runDay: RUN_DAY, before: head.before, aliases: new Map<number, number>() };
  const plan = planRecords(profile, head.header, ctx);
  const rows: Read[] = [];
  const rejects: [number, string, number][] = [];
  const acc = new Float64Array(2 * plan.totalSlots);
  const taken = { steps: 0, row: 0 };
  let line = head.firstLine;
  for (let p = head.dataStart; p < tail.dataEnd; line++) {
    let nl = bytes.indexOf(10, p);
    if (nl < 0 || nl > tail.dataEnd) nl = tail.dataEnd;
    const e = nl > p && bytes[nl - 1] === 13 ? nl - 1 : nl;
    if (e === p) {
      p = nl + 1;
      continue;
    }
    const one = agree(plan, ctx, bytes, p, e, nl);
    taken.steps += one.steps ? 1 : 0;
    taken.row += one.row ? 1 : 0;
    addTotals(plan, bytes, acc, one.r === 0 || plan.split[0] === 1);
    if (one.r !== 0) {
      const { field, reason } = rejectOf(plan, one.r);
      rejects.push([line, field < 0 ? '' : plan.fieldNames[field]!, reason]);
    } else {
      const { vals, ts, te } = one;
      const text = (f: number): string | undefined =>
        te[f]! > ts[f]! ? new TextDecoder().decode(bytes.subarray(ts[f]!, te[f]!)) : undefined;
      expect(vals[F_CURRENCY]).toBe((67 << 16) | (78 << 8) | 89); // CNY
      rows.push({
        id: text(F_ORDER_NO)!,
        merchant: digitsText(vals[F_MERCHANT_ID]!, 15),
        settle: vals[F_SETTLE_DATE]!,
        amount: vals[F_AMOUNT]!,
        status: PAYOUT_STATUS_NAMES[vals[F_STATUS]!]!,
        date: vals[F_CLEARING_DATE]!,
        ...(text(F_BATCH_NO) !== undefined ? { reason: text(F_BATCH_NO) } : {}),
        ...(text(F_PAN) !== undefined ? { account: text(F_PAN) } : {}),
        ...(text(F_ORIG_RRN) !== undefined ? { orig: text(F_ORIG_RRN) } : {}),
      });
    }
    p = nl + 1;
  }
  return { head, plan, rows, rejects, acc, taken, figures: readFigures(profile, tail.after, 'f') };
}

/** The slots a reader must set, filled with garbage first. */
function garbage(): { vals: Float64Array; ts: Int32Array; te: Int32Array } {
  const ts = new Int32Array(FIELD_COUNT);
  const te = new Int32Array(FIELD_COUNT);
  for (const f of [F_ORDER_NO, F_ORIG_RRN, F_PAN, F_BATCH_NO]) ts[f] = te[f] = 99;
  return { vals: new Float64Array(VALS_LENGTH).fill(7), ts, te };
}

/**
 * Reads the record in bytes[p, e) (its line end at nl) with the interpreter alone, and checks that
 * its generated steps and the one-pass reader, where they take it, read the same values.
 */
function agree(
  plan: RecordPlan,
  ctx: Parameters<typeof readRecord>[7],
  bytes: Uint8Array,
  p: number,
  e: number,
  nl: number,
) {
  const where = `the record ${JSON.stringify(new TextDecoder('gbk').decode(bytes.subarray(p, e)))}`;
  const fast = plan.fast;
  plan.fast = null;
  const vals = new Float64Array(VALS_LENGTH);
  const ts = new Int32Array(FIELD_COUNT);
  const te = new Int32Array(FIELD_COUNT);
  const r = e > p ? readRecord(plan, bytes, p, e, vals, ts, te, ctx) : -1;
  plan.fast = fast;
  let steps = false;
  if (r === 0) {
    const g = garbage();
    g.vals.fill(0);
    expect(readRecord(plan, bytes, p, e, g.vals, g.ts, g.te, ctx), where).toBe(0);
    expect([...g.vals], where).toEqual([...vals]);
    expect([...g.ts], where).toEqual([...ts]);
    expect([...g.te], where).toEqual([...te]);
    const v3 = new Float64Array(VALS_LENGTH);
    steps = fast?.(bytes, plan.fs, plan.fe, v3, new Int32Array(FIELD_COUNT), new Int32Array(FIELD_COUNT)) === true;
    if (steps) expect([...v3], where).toEqual([...vals]);
  }
  let row = false;
  if (plan.row !== null && nl < bytes.length) {
    const g = garbage();
    const acc = new Float64Array(2 * plan.totalSlots);
    const next = plan.row(bytes, p, g.vals, g.ts, g.te, acc, new AliasIndex(ctx.aliases));
    if (next >= 0) {
      row = true;
      expect(r, where).toBe(0);
      expect(next, where).toBe(nl + 1);
      expect([...g.vals], where).toEqual([...vals]);
      expect([...g.ts], where).toEqual([...ts]);
      expect([...g.te], where).toEqual([...te]);
      const acc1 = new Float64Array(2 * plan.totalSlots);
      addTotals(plan, bytes, acc1, true);
      expect([...acc], where).toEqual([...acc1]);
    }
  }
  return { r, vals, ts, te, steps, row };
}

describe('payout profiles', () => {
  it('ships payout-result-cn, a payout profile, and refuses a payout profile with a mistake', () => {
    const p = loadProfile('payout-result-cn');
    expect(p.side).toBe('payout');
    expect(p.encoding).toBe('gbk');
    expect(Object.keys(p.columns).sort()).toEqual(
      [
        'payout_id',
        'merchant_id',
        'settle_date',
        'amount_minor',
        'currency',
        'status',
        'status_date',
        'reason_code',
        'account_masked',
        'orig_payout_id',
      ].sort(),
    );
    const refused = (change: (j: Json) => void): string => {
      const j = shipped();
      change(j);
      try {
        parseProfile(j, 'my.json');
      } catch (e) {
        expect(e).toBeInstanceOf(ProfileError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refused((j) => delete j.columns.status)).toBe(
      'profile my.json, columns.status: missing: every record needs it',
    );
    expect(refused((j) => delete j.columns.status_date)).toBe(
      'profile my.json, columns.status_date: missing: every record needs it',
    );
    expect(refused((j) => (j.columns.status.map.成功 = 'SETTLED'))).toBe(
      'profile my.json, columns.status.map.成功: "SETTLED" is not a status (PAID, FAILED, RETURNED, HELD)',
    );
    expect(refused((j) => (j.columns.gross_minor = { from: '划款金额(元)', decimals: 2 }))).toMatch(
      /^profile my\.json, columns\.gross_minor: not a payout column \(payout_id, merchant_id, settle_date, amount_minor, currency, status, status_date, reason_code, account_masked, orig_payout_id\)$/,
    );
    expect(refused((j) => (j.columns.settle_date = { value: 'expected' }))).toBe(
      'profile my.json, columns.settle_date.value: "expected" is for a clearing file: a payout says which settle date it pays',
    );
    expect(refused((j) => (j.columns.status_date = { from: '状态日期' }))).toBe(
      'profile my.json, columns.status_date.pattern: a non-empty string',
    );
    expect(refused((j) => (j.columns.amount_minor.decimals = 5))).toBe(
      'profile my.json, columns.amount_minor.decimals: an integer 0..4',
    );
    expect(refused((j) => (j.columns.reason_code = { value: 'AC01' }))).toBe(
      'profile my.json, columns.reason_code.value: reason_code cannot be a constant',
    );
    expect(refused((j) => (j.columns.status_date.from = { SALE: '状态日期' }))).toBe(
      'profile my.json, columns.status_date.from: "SALE" is not a status (PAID, FAILED, RETURNED, HELD)',
    );
    expect(refused((j) => (j.columns.status.from = { PAID: '划款状态' }))).toMatch(
      /columns\.status\.from: the status itself comes from one field$/,
    );
    expect(refused((j) => (j.side = 'payouts'))).toBe('profile my.json, side: one of journal, clearing, payout');
    // A file of payouts that all succeeded, dated by the run: constants.
    expect(
      refused((j) => {
        j.columns.status = { value: 'PAID' };
        j.columns.status_date = { value: 'run-date' };
      }),
    ).toBe('accepted');
  });

  it('reads a 划款明细 in GBK: statuses mapped, yuan into fen, dates, accounts as written, rejects by field, its 合计', () => {
    const bytes = fileOf(ROWS, '合计,12笔,3355.70');
    const { head, rows, rejects, figures, acc, taken } = readAll(loadProfile('payout-result-cn'), bytes);
    expect(head.firstLine).toBe(4);
    expect(rows).toEqual([
      {
        id: 'PO20261117000001',
        merchant: '898310148160501',
        settle: NOV(17),
        amount: 9940,
        status: 'PAID',
        date: NOV(17),
        account: '622202******1234',
      },
      {
        id: 'PO20261117000002',
        merchant: '898310148160502',
        settle: NOV(17),
        amount: 9940,
        status: 'FAILED',
        date: NOV(17),
        reason: 'AC01',
        // As the file has it: the scan masks it when it keeps the row (emitPayout).
        account: '6222021234567890123',
      },
      {
        id: 'PO20261117000003',
        merchant: '898310148160503',
        settle: NOV(17),
        amount: 128000,
        status: 'RETURNED',
        date: NOV(18),
        reason: 'AC06',
        account: '622848******5678',
      },
      {
        id: 'PO20261117000004',
        merchant: '898310148160504',
        settle: NOV(17),
        amount: 50,
        status: 'HELD',
        date: NOV(18),
        reason: 'HOLD01',
        account: '622588******0001',
      },
      {
        id: 'PO20261118000005',
        merchant: '898310148160503',
        settle: NOV(17),
        amount: 128000,
        status: 'PAID',
        date: NOV(18),
        account: '622848******9999',
        orig: 'PO20261116000003',
      },
    ]);
    expect(rejects).toEqual([
      [9, '划款金额(元)', R_DECIMAL],
      [10, '划款状态', R_ENUM],
      [11, '失败原因代码', R_CHARS],
      [12, '清算日期', R_PATTERN],
      [13, '商户编号', R_LENGTH],
      [14, '划款流水号', R_EMPTY],
      [15, '', R_FIELD_COUNT],
    ]);
    // The one-pass reader and the generated steps take every record the interpreter takes.
    expect(taken).toEqual({ steps: 5, row: 5 });
    // 合计: every record counted, the amounts summed; one is no amount of fen (99.405), so the sum
    // is flagged as not checkable exactly, and the rest add up.
    expect(figures).toHaveLength(1);
    expect(figures[0]!.count).toBe(12);
    expect(acc[0]).toBe(12);
    expect(figures[0]!.sums.get('2')).toBe(335570);
    // Summed from every record whose fields split, taken or not (the file's figure counts them all).
    expect(acc[1]).toBe(9940 * 7 + 128000 * 2 + 50);
    expect(acc[plan0Flags(acc)]).toBe(1);
  });

  it('reads the example of docs/profiles.md', () => {
    const doc = readFileSync(packagePath('docs/profiles.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### `payout-result-cn`'));
    const example = /```\n([^`]*)```/.exec(section)![1]!;
    const { rows, rejects, figures, acc } = readAll(loadProfile('payout-result-cn'), encodeGbk(example));
    expect(rejects).toEqual([]);
    expect(rows.map((r) => `${r.id} ${r.status} ${r.amount} ${r.reason ?? '-'}`)).toEqual([
      'PO20261117000001 PAID 9940 -',
      'PO20261117000003 RETURNED 128000 AC06',
    ]);
    expect([figures[0]!.count, figures[0]!.sums.get('2')]).toEqual([acc[0], acc[1]]);
  });

  it('reads a column by the payout status: the date of a return from its own field, a reason required where listed', () => {
    const j = shipped();
    j.lines.header = '^划款流水号,';
    j.columns.status_date = {
      from: { PAID: '划款日期', FAILED: '划款日期', HELD: '划款日期', RETURNED: '退票日期' },
      pattern: 'YYYY-MM-DD',
    };
    j.columns.reason_code = { from: { FAILED: '失败原因代码', RETURNED: '失败原因代码' } };
    delete j.totals;
    delete j.lines.end;
    delete j.lines.after;
    const profile = parseProfile(j, 'by-status.json');
    const header =
      '划款流水号,商户编号,清算日期,划款金额(元),币种,划款状态,划款日期,退票日期,失败原因代码,收款账号,原划款流水号';
    const bytes = encodeGbk(
      `${[
        header,
        'A1,898310148160501,20261117,99.40,CNY,成功,2026-11-17,,,622202******1234,',
        'A2,898310148160502,20261117,99.40,CNY,退票,2026-11-17,2026-11-18,AC04,622202******1234,',
        'A3,898310148160503,20261117,99.40,CNY,失败,2026-11-17,,AC01,622202******1234,',
        'A4,898310148160504,20261117,99.40,CNY,失败,2026-11-17,,,622202******1234,', // a failure without its reason
        'A5,898310148160505,20261117,99.40,CNY,退票,2026-11-17,,AC04,622202******1234,', // a return without its date
        'A6,898310148160506,20261117,99.40,CNY,成功,2026-11-17,,AC01,622202******1234,', // a reason on a PAID row: not read
      ].join('\n')}\n`,
    );
    const { rows, rejects } = readAll(profile, bytes);
    expect(rows.map((r) => `${r.id} ${r.status} ${r.date - NOV(17)} ${r.reason ?? '-'}`)).toEqual([
      'A1 PAID 0 -',
      'A2 RETURNED 1 AC04',
      'A3 FAILED 0 AC01',
      'A6 PAID 0 -',
    ]);
    expect(rejects).toEqual([
      [5, '失败原因代码', R_EMPTY],
      [6, '退票日期', R_EMPTY],
    ]);
  });

  it('the one-pass reader and the interpreter agree on mutants of a 划款明细', () => {
    const profile = loadProfile('payout-result-cn');
    const bytes = fileOf(ROWS, '合计,12笔,3355.70', '\n');
    const head = frameHead(profile, bytes, 'f', true);
    const tail = frameTail(profile, bytes, 0, bytes.length, 'f');
    const next = rng(27);
    const random = (): number => (next() >>> 0) / 4294967296;
    const PICKS = [44, 13, 10, 45, 46, 48, 53, 57, 32, 9, 42, 65, 120, 127, 0, 0x80, 0xb3, 0xc9, 0xff, 0x40, 0x81];
    // The mutants change the records only: one plan reads them all.
    const ctx = { runDay: RUN_DAY, before: head.before, aliases: new Map<number, number>() };
    const plan = planRecords(profile, head.header, ctx);
    expect(plan.row).not.toBeNull();
    let taken = 0;
    let rejected = 0;
    for (let k = 0; k < 400; k++) {
      const at = head.dataStart + Math.floor(random() * (tail.dataEnd - head.dataStart));
      const pick = PICKS[Math.floor(random() * PICKS.length)]!;
      const how = Math.floor(random() * 3);
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
      const dataEnd = tail.dataEnd + mutant.length - bytes.length;
      for (let p = head.dataStart; p < dataEnd; ) {
        let nl = mutant.indexOf(10, p);
        if (nl < 0 || nl >= dataEnd) nl = dataEnd;
        const e = nl > p && mutant[nl - 1] === 13 ? nl - 1 : nl;
        const one = agree(plan, ctx, mutant, p, e, nl);
        if (one.row) taken++;
        else if (one.r !== 0) rejected++;
        p = nl + 1;
      }
    }
    // Most records of most mutants are taken by the reader; the mutated ones are mostly rejected.
    expect(taken).toBeGreaterThan(400 * 4);
    expect(rejected).toBeGreaterThan(400 * 6);
  });
});

/** The flag slot of the first sum of the first total (record-plan.ts totalSlots). */
function plan0Flags(acc: Float64Array): number {
  return acc.length / 2 + 1;
}
