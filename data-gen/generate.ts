/**
 * Synthetic settlement days with a ground truth (DESIGN §9 data-gen).
 *
 * `generate` writes N consecutive days: DIR/journal/D.csv, DIR/clearing/D.csv, DIR/merchants.csv,
 * and DIR/truth.csv, the findings a correct engine must report when the days are run in order —
 * no more, no less. Deterministic per seed. It lists what it wrote in DIR/.recon-gen.json, and deletes
 * only such files of an earlier generation into DIR (data-gen/manifest.ts).
 *
 * The world: merchants (skewed sizes, cycles T1/D1/T0, most with a merchant discount rate, some
 * with a fee cap) with a few terminals each; every terminal has its own STAN sequence; card rows
 * carry an RRN and an auth code, QR rows an order number. Amounts are small and skewed (log-normal,
 * in fen), timestamps follow business hours, a few fall after the 23:00 cutoff (they belong to the
 * next business date and are cleared in the next day's file), weekends and holidays are quieter,
 * and about 1.5% of authorisations are declined (never cleared: no finding).
 *
 * Files look like real ones: some start with a BOM, some end lines with CRLF, some list their
 * columns in another order, and some quote fields (an order number may even hold a comma).
 *
 * Planted fates (see FATES), spread over the days on which their consequence falls inside the chain
 * (`eligible`), cover every kind of DESIGN §6 and the edge cases around them; the negative ones (a
 * late journal, a weekend settle date that is on time, a voided sale never cleared, a refund debited
 * days later, a matched-by-fallback or fuzzy pair) must produce no finding.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CalendarSpec,
  CYCLE_D1,
  CYCLE_T0,
  CYCLE_T1,
  civilFromDays,
  daysFromCivil,
  formatIsoDate,
  MS_PER_DAY,
  parseIsoDate,
} from '../src/core/dates.js';
import { TRUTH_COLUMNS, type TruthRow } from '../src/core/finding-columns.js';
import { encodeGbk } from '../src/core/gbk.js';
import { CLEARING_HEADER, JOURNAL_HEADER } from '../src/core/schema.js';
import { GenCalendar } from './gen-calendar.js';
import { clearOwnFiles, recordOwnFiles } from './manifest.js';
import { Rng } from './rng.js';
import { zipOf } from './zip-writer.js';

export interface GenOptions {
  /** First day, YYYY-MM-DD. */
  date: string;
  days: number;
  /** Journal rows of a full working day (weekends and holidays have fewer). */
  rows: number;
  seed: number;
  out: string;
  calendar: CalendarSpec;
  /** The calendar's file, for the message when a date the generator needs is outside it. */
  calendarPath?: string;
  /** The grace the truth assumes (the engine's default is 1). */
  grace?: number;
  /** Write every file in the canonical layout (no BOM, LF, header order, no quotes). Default false. */
  plain?: boolean;
  /**
   * The clearing files' layout: recon's own (default), `wechat-trade-bill` or `alipay-trade-bill`
   * or `unionpay-zm` (DESIGN §3.4): every transaction is then a payment keyed by its order number,
   * the clearing files are bills with their summaries (Alipay's: one GBK 业务明细 per merchant and
   * day, zipped beside its summary entry as D-<PID>.csv.zip; UnionPay's: one fixed-width GBK ZM file
   * per merchant and day in D-<merId>.zip), the merchants file gives each merchant an alias of a
   * bill's platform, and only the fates the layout can express are planted (not holds, not late
   * settle dates; no reversals in Alipay's).
   */
  clearingFormat?: 'recon' | 'wechat-trade-bill' | 'alipay-trade-bill' | 'unionpay-zm';
  /**
   * With a clearing format other than recon's: also write each clearing file in recon's layout,
   * under `clearing-recon/` (the same rows, for comparing the two readings). Default false.
   */
  alsoRecon?: boolean;
  /**
   * Write into `out` even when it holds day files, a merchants.csv or a truth.csv that no earlier
   * generation wrote (they are kept, unless this one writes the same name). Default false: refused.
   */
  force?: boolean;
}

/** 23 digits standing for WeChat's number of a merchant's payment (its order number): the same for its refunds. */
function wechatTradeNo(merchant: string, order: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (const ch of `${merchant}:${order}`) {
    const c = ch.codePointAt(0)!;
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x85ebca6b) >>> 0;
  }
  return `${String(a).padStart(10, '0')}${String(b).padStart(10, '0')}${String((a ^ b) % 1000).padStart(3, '0')}`;
}

/** Fates a WeChat bill cannot express: it has no holds and no settle date (the profile takes the expected one). */
const NOT_IN_WECHAT_BILLS: ReadonlySet<string> = new Set([
  'MISSING_THEN_LATE',
  'ARRIVES_ON_DEADLINE',
  'DELAYED_ACROSS_WEEKEND',
  'DELAYED_ACROSS_HOLIDAY',
  'DELAYED',
  'RISK_HOLD',
  'HOLD_RELEASED',
]);

/** UnionPay's ZM layout: field names and widths in GBK bytes, one space between fields (profiles/unionpay-zm.json). */
const ZM_FIELDS: readonly [string, number][] = [
  ['交易代码', 3],
  ['代理机构标识码', 11],
  ['发送机构标识码', 11],
  ['系统跟踪号', 6],
  ['交易传输时间', 10],
  ['帐号', 19],
  ['交易金额', 12],
  ['商户类别', 4],
  ['终端类型', 2],
  ['查询流水号', 21],
  ['支付方式（旧）', 2],
  ['商户订单号', 32],
  ['支付卡类型', 2],
  ['原始交易的系统跟踪号', 6],
  ['原始交易日期时间', 10],
  ['商户手续费', 13],
  ['结算金额', 13],
  ['支付方式', 4],
  ['集团商户代码', 15],
  ['交易类型', 2],
  ['交易子类', 2],
  ['业务类型', 6],
  ['帐号类型', 2],
  ['账单类型', 4],
  ['账单号码', 32],
  ['交互方式', 1],
  ['原交易查询流水号', 21],
  ['商户代码', 15],
  ['分账入账方式', 1],
  ['二级商户代码', 15],
  ['二级商户简称', 32],
  ['二级商户分账入账金额', 13],
  ['清算净额', 13],
  ['终端号', 8],
  ['商户自定义域', 32],
  ['优惠金额', 13],
  ['发票金额', 13],
  ['分期付款附加手续费', 12],
  ['分期付款期数', 2],
  ['交易介质', 1],
  ['原始交易订单号', 32],
  ['保留使用', 98],
];

/** ZM records as the file's bytes: each field's GBK bytes padded with spaces to its width, CRLF. */
function zmBytes(records: readonly Record<string, string>[]): Uint8Array {
  const out: number[] = [];
  for (const r of records) {
    ZM_FIELDS.forEach(([name, width], i) => {
      const b = encodeGbk(r[name] ?? '');
      if (b.length > width) throw new Error(`ZM field ${name}: ${b.length} bytes, more than ${width}`);
      if (i > 0) out.push(32);
      for (const x of b) out.push(x);
      for (let k = b.length; k < width; k++) out.push(32);
    });
    out.push(13, 10);
  }
  return Uint8Array.from(out);
}

/** The header of a WeChat Pay trade bill (ALL), and of its summary. */
const WECHAT_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const WECHAT_SUMMARY = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
const ALIPAY_HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';

export { TRUTH_COLUMNS, type TruthRow };

export interface GenSummary {
  days: string[];
  journalRows: number;
  clearingRows: number;
  truth: TruthRow[];
  planted: Record<string, number>;
  files: string[];
}

/** What can happen to a transaction. Each is planted on every day where it is eligible. */
export const FATES = [
  'MISSING_NEVER', // no credit ever: MISSING_CREDIT at the deadline
  'MISSING_AFTER_CUTOFF', // a 23:30 sale with no credit: its deadline counts from the next day
  'MISSING_THEN_LATE', // MISSING_CREDIT, then the credit arrives: resolved + DELAYED_CREDIT
  'ARRIVES_ON_DEADLINE', // the credit arrives on the deadline run: DELAYED_CREDIT only
  'DELAYED_ACROSS_WEEKEND', // settle date the next working day after a weekend or holiday
  'DELAYED_ACROSS_HOLIDAY', // the same across a weekday holiday
  'DELAYED', // two working days late
  'ON_TIME_WEEKEND', // settle date on the following non-working day: on time
  'DUP_SAME_FILE', // the credit twice in one file
  'DUP_NEXT_DAY', // the credit again in the next day's file
  'DUP_TWO_MORE', // again on each of the next two days: duplicate_count 2
  'DUP_JOURNAL_SAME_FILE', // the journal row twice in one file
  'DUP_JOURNAL_NEXT_DAY', // the journal row again in the next day's file
  'AMOUNT_MISMATCH',
  'FEE_MISMATCH',
  'UNMATCHED', // a clearing credit no terminal recorded
  'RISK_HOLD', // held, never released
  'HOLD_RELEASED', // held, released days later: RISK_HOLD resolved
  'DECLINED_SETTLED', // a declined sale credited
  'VOID_SETTLED', // a same-day void (or reversal) of a sale the acquirer credited anyway
  'VOID_REVERSED', // voided, credited and reversed by the acquirer: nothing
  'VOID_UNSETTLED', // voided, never credited: nothing (no MISSING_CREDIT)
  'REFUND_DEBITED', // a refund days later, debited in time: nothing
  'REFUND_NOT_DEBITED', // an approved refund never debited
  'FALLBACK_DELAYED', // the rrn missing on one side: matched by pass 3 (and late)
  'FUZZY_DELAYED', // the acquirer's rrn differs: matched by pass 4 (and late)
  'AMBIGUOUS', // two journal sales fit one clearing row by pass 4
  'LATE_JOURNAL', // the journal row uploaded a day late: nothing
] as const;
type Fate = (typeof FATES)[number];

interface Merchant {
  id: string;
  cycle: number;
  mdr: number;
  cap: number;
  terminals: Terminal[];
}

interface Terminal {
  id: string;
  merchant: Merchant;
  stan: number;
  batch: number;
  orderSeq: number;
  fakeSeq: number;
}

/** One transaction as both sides will show it. */
interface Txn {
  merchant: Merchant;
  terminal: Terminal;
  stan: string;
  rrn: string;
  authCode: string;
  type: string;
  channel: string;
  orderNo: string;
  origRrn: string;
  time: number;
  amount: number;
  response: string;
  pan: string;
  batchNo: string;
  businessDate: number;
  expected: number;
}

/** How one file is written. */
interface FileStyle {
  bom: boolean;
  eol: string;
  /** Canonical column index of each file column. */
  order: number[];
  /** Share of fields quoted although they need not be. */
  quoteRate: number;
}

const CYCLE_NAMES = ['T1', 'D1', 'T0'];
const BINS = ['622588', '621700', '625807', '436742', '518364', '622848'];
/** Relative volume of each local hour 0–23 (business hours, an evening peak, a thin night). */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 6, 8, 9, 10, 12, 11, 9, 9, 10, 11, 13, 14, 12, 8, 4, 1.2];
const DECLINE_CODES = ['05', '51', '55', '14'];
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
/** Plants per fate per day, per journal row of a full day. */
const PLANTS_PER_ROW = 1 / 4000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isoTime(ms: number, offsetMin: number): string {
  const local = ms + offsetMin * 60_000;
  const day = Math.floor(local / MS_PER_DAY);
  const t = local - day * MS_PER_DAY;
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  const a = Math.abs(offsetMin);
  return `${formatIsoDate(day)}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(a / 60), 2)}:${pad(a % 60, 2)}`;
}

export function expectedFeeOf(m: { mdr: number; cap: number }, gross: number): number {
  if (m.mdr < 0) return Math.round(gross * 0.0055);
  const fee = Math.round((gross * m.mdr) / 10_000);
  return m.cap >= 0 && fee > m.cap ? m.cap : fee;
}

function needsQuote(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return true;
  }
  return false;
}

/** A file written line by line through a buffer of about BUFFER_CHARS characters. */
class FileSink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  private closed = false;

  constructor(
    path: string,
    private readonly eol: string,
  ) {
    this.fd = openSync(path, 'w');
  }

  raw(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > BUFFER_CHARS) this.flush();
  }

  line(text: string): void {
    this.raw(text + this.eol);
  }

  private flush(): void {
    if (this.parts.length > 0) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  /** Lines written last, when the file closes (a bill's summary). */
  trailer: (() => string[]) | null = null;

  close(): void {
    if (this.closed) return;
    if (this.trailer) for (const l of this.trailer()) this.line(l);
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }
}

/** Characters buffered per output file before a write. */
const BUFFER_CHARS = 1 << 20;

export function generate(o: GenOptions): GenSummary {
  const start = parseIsoDate(o.date);
  if (Number.isNaN(start)) throw new Error(`bad start date ${o.date}`);
  const end = start + o.days - 1;
  const grace = o.grace ?? 1;
  const cal = new GenCalendar(o.calendar, o.calendarPath ?? 'given to the generator');
  const zone = o.calendar.zoneOffsetMinutes;
  const rng = new Rng(o.seed);
  const wechat = o.clearingFormat === 'wechat-trade-bill';
  const alipay = o.clearingFormat === 'alipay-trade-bill';
  const zm = o.clearingFormat === 'unionpay-zm';
  /** Clearing files are bills: payments keyed by order number only, what the layout can express. */
  const bill = wechat || alipay || zm;
  /** Bill rows without terminal and stan (QR platforms' bills). */
  const keyless = wechat || alipay;

  // Merchants and terminals.
  const merchantCount = Math.max(12, Math.round(o.rows / 250));
  const merchants: Merchant[] = [];
  let terminalNo = 10_000_000 + rng.int(0, 80_000_000);
  for (let i = 0; i < merchantCount; i++) {
    const r = rng.float();
    const cycle = r < 0.8 ? CYCLE_T1 : r < 0.9 ? CYCLE_D1 : CYCLE_T0;
    const hasMdr = rng.chance(0.85);
    const m: Merchant = {
      id: `898${pad(310_000_000 + i * 7919 + rng.int(0, 7000), 12)}`,
      cycle,
      mdr: hasMdr ? rng.pick([38, 55, 60, 125]) : -1,
      cap: hasMdr && rng.chance(0.3) ? rng.pick([1500, 2500, 5000]) : -1,
      terminals: [],
    };
    const nTerm = 1 + Math.floor(rng.float() * rng.float() * 8);
    for (let t = 0; t < nTerm; t++) {
      m.terminals.push({
        id: String(terminalNo++),
        merchant: m,
        stan: rng.int(1, 5000),
        batch: rng.int(1, 900),
        orderSeq: 0,
        fakeSeq: 0,
      });
    }
    merchants.push(m);
  }
  // Skewed merchant sizes: weight 1/(rank+1)^0.9.
  const cum: number[] = [];
  let total = 0;
  for (let i = 0; i < merchantCount; i++) {
    total += 1 / (i + 1) ** 0.9;
    cum.push(total);
  }
  // A terminal's STAN has 6 digits and the RRN is day, hour and STAN: a terminal busier than a few
  // hundred thousand transactions a day would repeat RRNs. Big merchants get more terminals (only
  // at sizes where that happens, so smaller worlds stay as they were).
  const TERMINAL_DAY_MAX = 300_000;
  for (let i = 0; i < merchantCount; i++) {
    const m = merchants[i]!;
    const expected = (o.rows * (1 / (i + 1) ** 0.9)) / total;
    while (expected / m.terminals.length > TERMINAL_DAY_MAX) {
      m.terminals.push({
        id: String(terminalNo++),
        merchant: m,
        stan: rng.int(1, 5000),
        batch: rng.int(1, 900),
        orderSeq: 0,
        fakeSeq: 0,
      });
    }
  }
  const pickMerchant = (): Merchant => {
    const x = rng.float() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return merchants[lo]!;
  };
  const hourCum: number[] = [];
  let hourTotal = 0;
  for (const w of HOUR_WEIGHTS) {
    hourTotal += w;
    hourCum.push(hourTotal);
  }

  // How each file is written, fixed up front so rows can be formatted as they are made.
  const styleOf = (nCols: number): FileStyle => {
    const canonical = Array.from({ length: nCols }, (_, i) => i);
    if (o.plain) return { bom: false, eol: '\n', order: canonical, quoteRate: 0 };
    return {
      bom: rng.chance(0.3),
      eol: rng.chance(0.3) ? '\r\n' : '\n',
      order: rng.chance(0.3) ? rng.shuffle([...canonical]) : canonical,
      quoteRate: rng.chance(0.3) ? 0.05 : 0,
    };
  };
  const journalStyle = new Map<number, FileStyle>();
  const clearingStyle = new Map<number, FileStyle>();
  for (let d = start; d <= end; d++) {
    journalStyle.set(d, styleOf(JOURNAL_HEADER.length));
    clearingStyle.set(d, styleOf(CLEARING_HEADER.length));
  }
  const format = (values: readonly string[], style: FileStyle): string => {
    const out: string[] = new Array<string>(values.length);
    for (let i = 0; i < style.order.length; i++) {
      const v = values[style.order[i]!]!;
      out[i] = needsQuote(v) || (style.quoteRate > 0 && rng.chance(style.quoteRate)) ? `"${v.replace(/"/g, '""')}"` : v;
    }
    return out.join(',');
  };

  // Every day's two files are open from the start: rows of a day can be made on earlier days (an
  // after-cutoff sale is cleared the next day, a late credit days later). Lines are buffered and
  // written in large pieces, so a file of any size never becomes one string.
  const files: string[] = [];
  // A directory generated into before: the day files an earlier generation left (other dates, other
  // merchants' bills, another layout) would be read by a run as this one's. Only the files its
  // manifest lists, still as written, are removed; a directory holding other day files is refused
  // unless forced (data-gen/manifest.ts).
  clearOwnFiles(o.out, o.force ?? false);
  mkdirSync(join(o.out, 'journal'), { recursive: true });
  mkdirSync(join(o.out, 'clearing'), { recursive: true });
  const sinks = new Map<string, FileSink>();
  if (bill && o.alsoRecon) mkdirSync(join(o.out, 'clearing-recon'), { recursive: true });
  const sinkFor = (side: 'journal' | 'clearing' | 'clearing-recon', day: number): FileSink => {
    const key = `${side}:${day}`;
    let sink = sinks.get(key);
    if (!sink) {
      const style = (side === 'journal' ? journalStyle : clearingStyle).get(day)!;
      const header = side === 'journal' ? JOURNAL_HEADER : CLEARING_HEADER;
      const path = join(o.out, side, `${formatIsoDate(day)}.csv`);
      files.push(path);
      if (side === 'clearing' && wechat) {
        // A WeChat bill: its own header, CRLF, a BOM now and then, and its summary at the end.
        sink = new FileSink(path, '\r\n');
        sink.raw(`${style.bom ? '\uFEFF' : ''}${WECHAT_HEADER}\r\n`);
        const totals = { rows: 0, settled: 0, refunds: 0, fees: 0 };
        billTotals.set(day, totals);
        sink.trailer = () => [
          WECHAT_SUMMARY,
          [
            String(totals.rows),
            yuan(totals.settled),
            yuan(totals.refunds),
            '0.00',
            `${yuan(totals.fees)}000`,
            yuan(totals.settled),
            yuan(totals.refunds),
          ]
            .map((v) => `\`${v}`)
            .join(','),
        ];
      } else {
        sink = new FileSink(path, style.eol);
        sink.raw(`${style.bom ? '\uFEFF' : ''}${style.order.map((i) => header[i]!).join(',')}${style.eol}`);
      }
      sinks.set(key, sink);
    }
    return sink;
  };
  const truth: TruthRow[] = [];
  const planted: Record<string, number> = {};
  /** Per day, what a WeChat bill's summary states: its rows, and its amounts in fen. */
  const billTotals = new Map<number, { rows: number; settled: number; refunds: number; fees: number }>();
  const yuan = (fen: number): string =>
    `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${pad(Math.abs(fen) % 100, 2)}`;
  /** A merchant's WeChat merchant number (the merchants file's alias). */
  const wechatNumber = new Map<Merchant, string>();
  for (const [i, m] of merchants.entries()) wechatNumber.set(m, String(1_900_000_000 + i));
  /** A merchant's Alipay PID (16 digits, the merchants file's alias). */
  const alipayPid = new Map<Merchant, string>();
  for (const [i, m] of merchants.entries()) alipayPid.set(m, String(2_088_000_000_000_000 + i));
  /** Per day, per merchant: the rows of its Alipay 业务明细 and its footer's totals. */
  interface AlipayBill {
    lines: string[];
    trades: number;
    tradeSum: number;
    refunds: number;
    refundSum: number;
  }
  const alipayBills = new Map<number, Map<Merchant, AlipayBill>>();
  const alipayBill = (day: number, m: Merchant): AlipayBill => {
    let byMerchant = alipayBills.get(day);
    if (!byMerchant) {
      byMerchant = new Map();
      alipayBills.set(day, byMerchant);
    }
    let b = byMerchant.get(m);
    if (!b) {
      b = { lines: [], trades: 0, tradeSum: 0, refunds: 0, refundSum: 0 };
      byMerchant.set(m, b);
    }
    return b;
  };
  /** Day d's Alipay bills: one csv.zip per merchant, its 业务明细 in GBK beside its summary entry. */
  const writeAlipayBills = (d: number): void => {
    const ymd = formatIsoDate(d).replaceAll('-', '');
    const [y, mo, dd] = formatIsoDate(d).split('-');
    for (const [m, b] of alipayBills.get(d) ?? []) {
      const pid = alipayPid.get(m)!;
      const text = [
        '#支付宝业务明细查询',
        `#账号：[${pid}0156]`,
        `#起始日期：[${y}年${mo}月${dd}日 00:00:00]   终止日期：[${formatIsoDate(d + 1).replace(/^(\d+)-(\d+)-(\d+)$/, '$1年$2月$3日')} 00:00:00]`,
        `#${'-'.repeat(41)}业务明细列表${'-'.repeat(40)}`,
        ALIPAY_HEADER,
        ...b.lines,
        `#${'-'.repeat(41)}业务明细列表结束${'-'.repeat(36)}`,
        `#交易合计：${b.trades}笔，商家实收共${yuan(b.tradeSum)}元，商家优惠共0.00元`,
        `#退款合计：${b.refunds}笔，商家实收退款共${yuan(b.refundSum)}元，商家优惠退款共0.00元`,
        `#导出时间：[${y}年${mo}月${dd}日 23:59:59]`,
        '',
      ].join('\r\n');
      const path = join(o.out, 'clearing', `${formatIsoDate(d)}-${pid}.csv.zip`);
      writeFileSync(
        path,
        zipOf([
          { name: `${pid}0156_${ymd}_业务明细.csv`, data: encodeGbk(text) },
          { name: `${pid}0156_${ymd}_业务明细(汇总).csv`, data: encodeGbk('#支付宝业务汇总查询\r\n') },
        ]),
      );
      files.push(path);
    }
    alipayBills.delete(d);
  };
  /** Per day, per merchant: the records of its ZM file (fields by name). */
  const zmDays = new Map<number, Map<Merchant, Record<string, string>[]>>();
  const zmRecords = (day: number, m: Merchant): Record<string, string>[] => {
    let byMerchant = zmDays.get(day);
    if (!byMerchant) {
      byMerchant = new Map();
      zmDays.set(day, byMerchant);
    }
    let records = byMerchant.get(m);
    if (!records) {
      records = [];
      byMerchant.set(m, records);
    }
    return records;
  };
  /** Day d's ZM files: one zip per merchant, its INN…ZM_<merId> beside an empty ZME file. */
  const writeZmFiles = (d: number): void => {
    const yymmdd = formatIsoDate(d).replaceAll('-', '').slice(2);
    for (const [m, records] of zmDays.get(d) ?? []) {
      const path = join(o.out, 'clearing', `${formatIsoDate(d)}-${m.id}.zip`);
      writeFileSync(
        path,
        zipOf([
          { name: `INN${yymmdd}88ZM_${m.id}`, data: zmBytes(records) },
          { name: `INN${yymmdd}88ZME_${m.id}`, data: new Uint8Array(0) },
        ]),
      );
      files.push(path);
    }
    zmDays.delete(d);
  };
  /** The local time of a bill: YYYY-MM-DD hh:mm:ss. */
  const billTime = (ms: number): string => isoTime(ms, zone).slice(0, 19).replace('T', ' ');
  let journalRows = 0;
  let clearingRows = 0;

  const deadlineOf = (businessDate: number, cycle: number): number =>
    cal.deadline(cal.expectedSettle(businessDate, cycle), grace);

  const journal = (day: number, t: Txn): void => {
    if (day > end) return;
    const v = [
      t.merchant.id,
      t.terminal.id,
      t.batchNo,
      t.stan,
      t.rrn,
      t.authCode,
      t.type,
      t.channel,
      t.orderNo,
      isoTime(t.time, zone),
      String(t.amount),
      'CNY',
      t.response,
      t.origRrn,
      t.pan,
    ];
    sinkFor('journal', day).line(format(v, journalStyle.get(day)!));
    journalRows++;
  };

  interface ClearingOpts {
    type?: string;
    settle: number;
    gross?: number;
    fee?: number;
    status?: string;
    jitterMs?: number;
    rrn?: string;
  }
  const clearing = (day: number, t: Txn, c: ClearingOpts): void => {
    if (day > end) return;
    const gross = c.gross ?? t.amount;
    const fee = c.fee ?? (c.type === 'REFUND' ? 0 : expectedFeeOf(t.merchant, gross));
    let time = t.time + (c.jitterMs ?? 0);
    if (cal.businessDate(time) !== t.businessDate) time = t.time;
    if (wechat) {
      // One bill row: SUCCESS, REFUND (the refund's own number beside the order's) or REVOKED.
      const type = c.type ?? 'SALE';
      const refund = type === 'REFUND';
      const state = refund ? 'REFUND' : type === 'REVERSAL' ? 'REVOKED' : 'SUCCESS';
      const order = refund || type === 'REVERSAL' ? t.origRrn : t.orderNo;
      // WeChat's own number of the payment: a refund's row carries its payment's, not a new one.
      const payment = refund ? t.origRrn : order;
      const amount = yuan(gross);
      const row = [
        billTime(time),
        'wx8888888888888888',
        wechatNumber.get(t.merchant)!,
        '0',
        '',
        `42000${wechatTradeNo(t.merchant.id, payment)}`,
        order,
        'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
        'NATIVE',
        state,
        'OTHERS',
        'CNY',
        refund ? '0.00' : amount,
        '0.00',
        refund ? `50300${pad(clearingRows, 24)}` : '0',
        refund ? t.orderNo : '0',
        refund ? amount : '0.00',
        '0.00',
        refund ? 'ORIGINAL' : '',
        refund ? 'SUCCESS' : '',
        '商品, 数量 1',
        '',
        `${yuan(fee)}000`,
        '0.60%',
        refund ? '0.00' : amount,
        refund ? amount : '0.00',
        '',
      ];
      sinkFor('clearing', day).line(row.map((x) => `\`${x}`).join(','));
      const totals = billTotals.get(day)!;
      totals.rows++;
      totals.fees += fee;
      if (refund) totals.refunds += gross;
      else totals.settled += gross;
      clearingRows++;
      if (!o.alsoRecon) return;
    }
    if (zm) {
      // One ZM record of the merchant's file of the day: 01 purchase, 04 refund or 31 cancellation.
      const type = c.type ?? 'SALE';
      const code = type === 'REFUND' ? '04' : type === 'REVERSAL' ? '31' : '01';
      const local = isoTime(time, zone);
      const amount12 = (v: number): string => pad(v, 12);
      zmRecords(day, t.merchant).push({
        交易代码: type === 'SALE' ? 'S22' : type === 'REFUND' ? 'S30' : 'S31',
        代理机构标识码: '48022901',
        发送机构标识码: '00040000',
        系统跟踪号: t.stan,
        交易传输时间: `${local.slice(5, 7)}${local.slice(8, 10)}${local.slice(11, 13)}${local.slice(14, 16)}${local.slice(17, 19)}`,
        帐号: '622280*********0000',
        交易金额: amount12(gross),
        商户类别: '4900',
        终端类型: '07',
        查询流水号: `${formatIsoDate(day).replaceAll('-', '')}${pad(clearingRows, 13)}`,
        商户订单号: t.orderNo,
        支付卡类型: '01',
        商户手续费: `D${amount12(fee)}`,
        结算金额: `C${amount12(gross - fee)}`,
        交易类型: code,
        业务类型: '000201',
        商户代码: t.merchant.id,
        二级商户代码: '000000000000000',
        二级商户分账入账金额: ` ${amount12(0)}`,
        清算净额: `C${amount12(gross - fee)}`,
        终端号: t.terminal.id,
        商户自定义域: '账户充值',
        交易介质: '7',
        原始交易订单号: type === 'SALE' ? '' : t.origRrn,
      });
      clearingRows++;
      if (!o.alsoRecon) return;
    }
    if (alipay) {
      // One 业务明细 row in the merchant's bill of the day: 交易 or 退款 (negative, as Alipay writes refunds).
      const refund = (c.type ?? 'SALE') === 'REFUND';
      const b = alipayBill(day, t.merchant);
      const amount = yuan(refund ? -gross : gross);
      b.lines.push(
        [
          `${formatIsoDate(day).replaceAll('-', '')}22001400${pad(clearingRows, 12)}\t`,
          `${refund ? t.origRrn : t.orderNo}\t`,
          refund ? '退款\t' : '交易\t',
          '商品 数量1', // Alipay's values are not quoted: a comma in one would split it
          billTime(t.time),
          billTime(time),
          '\t',
          '\t',
          '\t',
          '\t',
          '**明(138******00)\t',
          amount,
          amount,
          '0.00',
          '0.00',
          '0.00',
          '0.00',
          '0.00',
          '',
          '0.00\t',
          '0.00',
          `${refund ? t.orderNo : ''}\t`,
          yuan(refund ? fee : -fee),
          '0.00',
          '',
        ].join(','),
      );
      if (refund) {
        b.refunds++;
        b.refundSum -= gross;
      } else {
        b.trades++;
        b.tradeSum += gross;
      }
      clearingRows++;
      if (!o.alsoRecon) return;
    }
    const v = [
      c.type ?? 'SALE',
      t.merchant.id,
      t.terminal.id,
      t.stan,
      c.rrn ?? t.rrn,
      t.authCode,
      t.orderNo,
      t.origRrn,
      t.pan,
      isoTime(time, zone),
      formatIsoDate(day),
      formatIsoDate(c.settle),
      String(gross),
      String(fee),
      String(gross - fee),
      'CNY',
      c.status ?? 'SETTLED',
    ];
    if (bill) {
      sinkFor('clearing-recon', day).line(format(v, clearingStyle.get(day)!));
      return;
    }
    sinkFor('clearing', day).line(format(v, clearingStyle.get(day)!));
    clearingRows++;
  };

  const addTruth = (
    raised: number,
    kind: string,
    status: 'open' | 'resolved',
    t: Txn,
    j: number | null,
    c: number | null,
    daysLate = 0,
    dup = 0,
    rrn = t.rrn,
  ): void => {
    if (raised > end) return;
    truth.push({
      business_date: formatIsoDate(raised),
      kind,
      status,
      merchant_id: t.merchant.id,
      terminal_id: t.terminal.id,
      rrn,
      stan: t.stan,
      order_no: t.orderNo,
      journal_amount_minor: j === null ? '' : String(j),
      clearing_amount_minor: c === null ? '' : String(c),
      days_late: String(daysLate),
      duplicate_count: String(dup),
    });
  };

  /** A new transaction on the same terminal: the next STAN, its own RRN / order number. */
  const sibling = (t: Txn, type: string, dtMs: number, amount: number, suffix: string): Txn => {
    const term = t.terminal;
    term.stan = (term.stan % 899_999) + 1;
    const stan = pad(term.stan, 6);
    const time = cal.businessDate(t.time + dtMs) === t.businessDate ? t.time + dtMs : t.time;
    return {
      ...t,
      type,
      stan,
      rrn: t.rrn ? `${t.rrn.slice(0, 6)}${stan}` : '',
      orderNo: t.orderNo ? `${t.orderNo}${suffix}` : '',
      origRrn: '',
      time,
      amount,
      response: '00',
    };
  };

  /** Whether a fate planted on transaction t shows its consequence inside the chain. */
  const eligible = (fate: Fate, t: Txn): boolean => {
    if (bill && NOT_IN_WECHAT_BILLS.has(fate)) return false;
    if (alipay && fate === 'VOID_REVERSED') return false;
    const b = t.businessDate;
    const e = t.expected;
    const dl = deadlineOf(b, t.merchant.cycle);
    const card = t.channel !== 'QR';
    switch (fate) {
      case 'MISSING_NEVER':
      case 'UNMATCHED':
      case 'VOID_UNSETTLED':
        return dl <= end;
      case 'MISSING_AFTER_CUTOFF':
        return deadlineOf(b + 1, t.merchant.cycle) <= end;
      case 'MISSING_THEN_LATE':
        return dl + 1 <= end;
      case 'ARRIVES_ON_DEADLINE':
        return dl <= end && dl > b;
      case 'DELAYED_ACROSS_WEEKEND':
        return cal.nextWorkingDay(e) > e + 1;
      case 'DELAYED_ACROSS_HOLIDAY': {
        for (let d = e + 1; d < cal.nextWorkingDay(e); d++) {
          const wd = GenCalendar.weekday(d);
          if (wd >= 1 && wd <= 5) return true;
        }
        return false;
      }
      case 'ON_TIME_WEEKEND':
        return !cal.isWorkingDay(e + 1);
      case 'DUP_NEXT_DAY':
      case 'LATE_JOURNAL':
      case 'DUP_JOURNAL_NEXT_DAY':
        return b + 1 <= end;
      case 'DUP_TWO_MORE':
        return b + 2 <= end;
      case 'HOLD_RELEASED':
        return b + 2 <= end;
      case 'FEE_MISMATCH':
        return t.merchant.mdr >= 0;
      case 'REFUND_DEBITED':
        return b + 1 <= end && t.type === 'SALE';
      case 'REFUND_NOT_DEBITED':
        return b + 1 <= end && deadlineOf(b + 1, t.merchant.cycle) <= end && t.type === 'SALE';
      case 'FALLBACK_DELAYED':
        return card && dl <= end;
      case 'FUZZY_DELAYED':
      case 'AMBIGUOUS':
        return card && dl <= end;
      default:
        return true;
    }
  };

  const apply = (fate: Fate, t: Txn, d: number): void => {
    const b = t.businessDate;
    const e = t.expected;
    const dl = deadlineOf(b, t.merchant.cycle);
    const jit = rng.int(0, 2) * 1000;
    planted[fate] = (planted[fate] ?? 0) + 1;
    const credit = (): void => clearing(b, t, { settle: e, jitterMs: jit });
    switch (fate) {
      case 'MISSING_NEVER':
        journal(d, t);
        addTruth(dl, 'MISSING_CREDIT', 'open', t, t.amount, null);
        return;
      case 'MISSING_AFTER_CUTOFF': {
        // 23:30–23:59 local: business date d + 1.
        t.time = (d * 86_400 + 23 * 3600 + 1800 + rng.int(0, 1799)) * 1000 - zone * 60_000;
        t.businessDate = cal.businessDate(t.time);
        t.expected = cal.expectedSettle(t.businessDate, t.merchant.cycle);
        journal(d, t);
        addTruth(deadlineOf(t.businessDate, t.merchant.cycle), 'MISSING_CREDIT', 'open', t, t.amount, null);
        return;
      }
      case 'MISSING_THEN_LATE': {
        journal(d, t);
        const arrive = dl + 1;
        const settle = cal.nextWorkingDay(arrive);
        clearing(arrive, t, { settle });
        addTruth(dl, 'MISSING_CREDIT', arrive <= end ? 'resolved' : 'open', t, t.amount, null);
        addTruth(arrive, 'DELAYED_CREDIT', 'open', t, t.amount, t.amount, cal.daysLate(e, settle));
        return;
      }
      case 'ARRIVES_ON_DEADLINE': {
        journal(d, t);
        const settle = cal.nextWorkingDay(dl);
        clearing(dl, t, { settle });
        addTruth(dl, 'DELAYED_CREDIT', 'open', t, t.amount, t.amount, cal.daysLate(e, settle));
        return;
      }
      case 'DELAYED_ACROSS_WEEKEND':
      case 'DELAYED_ACROSS_HOLIDAY':
      case 'DELAYED': {
        journal(d, t);
        const settle = fate === 'DELAYED' ? cal.nextWorkingDay(cal.nextWorkingDay(e)) : cal.nextWorkingDay(e);
        clearing(b, t, { settle, jitterMs: jit });
        addTruth(b, 'DELAYED_CREDIT', 'open', t, t.amount, t.amount, cal.daysLate(e, settle));
        return;
      }
      case 'ON_TIME_WEEKEND':
        journal(d, t);
        clearing(b, t, { settle: e + 1, jitterMs: jit });
        return;
      case 'DUP_SAME_FILE':
        journal(d, t);
        credit();
        credit();
        addTruth(b, 'DUPLICATE_CREDIT', 'open', t, t.amount, t.amount, 0, 1);
        return;
      case 'DUP_NEXT_DAY':
      case 'DUP_TWO_MORE':
        journal(d, t);
        credit();
        clearing(b + 1, t, { settle: e });
        if (fate === 'DUP_TWO_MORE') clearing(b + 2, t, { settle: e });
        // Raised from the journal window (the sale was credited by an earlier run), whose records
        // keep no terminal: the finding takes the extra credit's, which a bill row does not have.
        addTruth(
          b + 1,
          'DUPLICATE_CREDIT',
          'open',
          keyless ? { ...t, terminal: { ...t.terminal, id: '' } } : t,
          t.amount,
          t.amount,
          0,
          fate === 'DUP_TWO_MORE' ? 2 : 1,
        );
        return;
      case 'DUP_JOURNAL_SAME_FILE':
        journal(d, t);
        journal(d, t);
        credit();
        addTruth(b, 'DUPLICATE_JOURNAL', 'open', t, t.amount, null);
        return;
      case 'DUP_JOURNAL_NEXT_DAY':
        journal(d, t);
        journal(d + 1, t);
        credit();
        addTruth(b + 1, 'DUPLICATE_JOURNAL', 'open', t, t.amount, null);
        return;
      case 'AMOUNT_MISMATCH': {
        journal(d, t);
        let delta = rng.int(1, Math.max(1, Math.min(500, t.amount - 1)));
        if (rng.chance(0.5)) delta = -delta;
        const gross = t.amount + delta;
        clearing(b, t, { settle: e, gross, jitterMs: jit });
        addTruth(b, 'AMOUNT_MISMATCH', 'open', t, t.amount, gross);
        return;
      }
      case 'FEE_MISMATCH': {
        journal(d, t);
        const fee = expectedFeeOf(t.merchant, t.amount) + rng.int(2, 90);
        clearing(b, t, { settle: e, fee, jitterMs: jit });
        addTruth(b, 'FEE_MISMATCH', 'open', t, t.amount, t.amount);
        return;
      }
      case 'UNMATCHED': {
        // The real transaction is normal; a clearing row for one no terminal recorded.
        journal(d, t);
        credit();
        const term = t.terminal;
        const stan = pad(900_000 + term.fakeSeq++, 6);
        const fake: Txn = {
          ...t,
          stan,
          rrn: t.rrn ? t.rrn.slice(0, 6) + stan : '',
          orderNo: t.orderNo ? `${t.orderNo}U` : '',
          amount: t.amount + 1,
          time: t.time + 17_000,
        };
        if (cal.businessDate(fake.time) !== b) fake.time = t.time;
        clearing(b, fake, { settle: e });
        // The finding carries the clearing row's keys: a bill row has neither terminal nor stan.
        const keys = keyless ? { ...fake, terminal: { ...term, id: '' }, stan: '' } : fake;
        addTruth(dl, 'UNMATCHED_CLEARING', 'open', keys, null, fake.amount);
        return;
      }
      case 'RISK_HOLD':
      case 'HOLD_RELEASED': {
        journal(d, t);
        clearing(b, t, { settle: e, status: 'HELD', jitterMs: jit });
        const released = fate === 'HOLD_RELEASED' ? b + rng.int(1, 2) : end + 1;
        clearing(released, t, { type: 'RELEASE', settle: cal.nextWorkingDay(released) });
        addTruth(b, 'RISK_HOLD', released <= end ? 'resolved' : 'open', t, t.amount, t.amount);
        return;
      }
      case 'DECLINED_SETTLED':
        t.response = rng.pick(DECLINE_CODES);
        journal(d, t);
        credit();
        addTruth(b, 'DECLINED_BUT_SETTLED', 'open', t, t.amount, t.amount);
        return;
      case 'VOID_SETTLED':
      case 'VOID_REVERSED':
      case 'VOID_UNSETTLED': {
        journal(d, t);
        const v = sibling(t, rng.chance(0.7) ? 'VOID' : 'REVERSAL', 90_000, t.amount, 'V');
        v.origRrn = t.orderNo || t.rrn;
        journal(d, v);
        if (fate !== 'VOID_UNSETTLED') credit();
        if (fate === 'VOID_REVERSED') clearing(b, v, { type: 'REVERSAL', settle: e });
        if (fate === 'VOID_SETTLED') addTruth(b, 'VOIDED_BUT_SETTLED', 'open', t, t.amount, t.amount);
        return;
      }
      case 'REFUND_DEBITED':
      case 'REFUND_NOT_DEBITED': {
        journal(d, t);
        credit();
        // The refund is keyed on a later day; its own business date drives its deadline.
        const day = b + 1 + (fate === 'REFUND_DEBITED' ? rng.int(0, 1) : 0);
        const r = sibling(
          t,
          'REFUND',
          (day - b) * MS_PER_DAY + 3_600_000,
          Math.max(1, Math.round(t.amount * (rng.chance(0.5) ? 1 : 0.4))),
          'R',
        );
        r.time = t.time + (day - b) * MS_PER_DAY;
        r.businessDate = cal.businessDate(r.time);
        r.expected = cal.expectedSettle(r.businessDate, t.merchant.cycle);
        r.origRrn = t.orderNo || t.rrn;
        journal(day, r);
        if (fate === 'REFUND_DEBITED')
          clearing(r.businessDate + rng.int(0, 1), r, { type: 'REFUND', settle: r.expected });
        else addTruth(deadlineOf(r.businessDate, t.merchant.cycle), 'REFUND_NOT_DEBITED', 'open', r, r.amount, null);
        return;
      }
      case 'FALLBACK_DELAYED': {
        // The acquirer's row (or the terminal's) lacks the rrn: pass 3 pairs them.
        const settle = cal.nextWorkingDay(e);
        const blankClearing = rng.chance(0.5);
        const shown = { ...t };
        if (!blankClearing) shown.rrn = '';
        journal(d, shown);
        clearing(b, t, { settle, rrn: blankClearing ? '' : t.rrn, jitterMs: jit });
        addTruth(b, 'DELAYED_CREDIT', 'open', shown, t.amount, t.amount, cal.daysLate(e, settle));
        return;
      }
      case 'FUZZY_DELAYED': {
        // The acquirer assigned its own rrn: only pass 4 (terminal, auth code, amount, time) pairs them.
        const settle = cal.nextWorkingDay(e);
        journal(d, t);
        clearing(b, t, { settle, rrn: `8${t.rrn.slice(1)}`, jitterMs: 120_000 });
        addTruth(b, 'DELAYED_CREDIT', 'open', t, t.amount, t.amount, cal.daysLate(e, settle));
        return;
      }
      case 'AMBIGUOUS': {
        // Two sales with the same terminal, auth code and amount a minute apart, one clearing row
        // with the acquirer's own rrn between them: two candidates.
        journal(d, t);
        const twin = sibling(t, t.type, 60_000, t.amount, 'A');
        journal(d, twin);
        const rrn = `8${t.rrn.slice(1)}`;
        clearing(b, t, { settle: e, rrn, jitterMs: 30_000 });
        addTruth(b, 'AMBIGUOUS_MATCH', 'open', t, null, t.amount, 0, 0, rrn);
        return;
      }
      case 'LATE_JOURNAL':
        journal(d + 1, t);
        credit();
        return;
    }
  };

  const plantsPerFate = Math.max(1, Math.round(o.rows * PLANTS_PER_ROW));

  for (let d = start; d <= end; d++) {
    const working = cal.isWorkingDay(d);
    const n = Math.round(o.rows * (working ? 1 : 0.65) * (0.95 + rng.float() * 0.1));
    // Fates still to plant today; tried in rotating order on every gap-th transaction.
    const left = FATES.map(() => plantsPerFate);
    let toPlant = FATES.length * plantsPerFate;
    let turn = rng.int(0, FATES.length - 1);
    const gap = Math.max(1, Math.floor(n / (toPlant + 1)));
    let nextPlant = gap;
    const year = Math.floor(civilFromDays(d) / 10_000);
    // RRN prefix: last digit of the year and the day of the year (YDDD), then hour and STAN.
    const yddd = `${year % 10}${pad(d - daysFromCivil(year, 1, 1) + 1, 3)}`;
    const dayStamp = String(civilFromDays(d));
    for (const m of merchants) for (const term of m.terminals) term.batch = (term.batch % 999_999) + 1;

    for (let i = 0; i < n; i++) {
      const m = pickMerchant();
      const term = m.terminals[Math.floor(rng.float() * m.terminals.length)]!;
      term.stan = (term.stan % 899_999) + 1;
      const x = rng.float() * hourTotal;
      let hour = 0;
      while (hourCum[hour]! < x) hour++;
      const time = (d * 86_400 + hour * 3600 + rng.int(0, 3599)) * 1000 - zone * 60_000;
      const qr = rng.chance(0.3) || bill;
      const stan = pad(term.stan, 6);
      let authCode = '';
      if (!qr) for (let k = 0; k < 6; k++) authCode += ALNUM[rng.int(0, ALNUM.length - 1)];
      // Now and then a QR order number with a comma, which files must quote.
      // (Not in Alipay bills, whose values are not quoted.)
      const comma = rng.chance(0.01) && !alipay;
      const orderNo = qr ? `ORD${dayStamp}${term.id}${comma ? ',' : ''}${pad(++term.orderSeq, 5)}` : '';
      const t: Txn = {
        merchant: m,
        terminal: term,
        stan,
        rrn: qr ? '' : `${yddd}${pad(hour, 2)}${stan}`,
        authCode,
        type: !qr && rng.chance(0.03) ? 'PREAUTH_COMPLETION' : 'SALE',
        channel: qr ? 'QR' : rng.pick(['CARD_CHIP', 'CARD_CHIP', 'CONTACTLESS', 'CARD_SWIPE']),
        orderNo,
        origRrn: '',
        time,
        amount: Math.min(2_000_000, Math.max(100, Math.round(Math.exp(7.6 + 1.1 * rng.normal())))),
        response: '00',
        pan: qr ? '' : `${rng.pick(BINS)}******${pad(rng.int(0, 9999), 4)}`,
        batchNo: pad(term.batch, 6),
        businessDate: 0,
        expected: 0,
      };
      t.businessDate = cal.businessDate(time);
      t.expected = cal.expectedSettle(t.businessDate, m.cycle);

      if (i >= nextPlant && toPlant > 0 && t.businessDate === d) {
        let chosen = -1;
        for (let k = 0; k < FATES.length && chosen < 0; k++) {
          const f = (turn + k) % FATES.length;
          if (left[f]! > 0 && eligible(FATES[f]!, t)) chosen = f;
        }
        if (chosen >= 0) {
          left[chosen]!--;
          toPlant--;
          turn = (chosen + 1) % FATES.length;
          apply(FATES[chosen]!, t, d);
          nextPlant += gap;
          continue;
        }
      }
      if (rng.chance(0.015)) {
        // Declined: recorded by the terminal, never cleared.
        t.response = rng.pick(DECLINE_CODES);
        journal(d, t);
        continue;
      }
      journal(d, t);
      if (t.businessDate <= end) clearing(t.businessDate, t, { settle: t.expected, jitterMs: rng.int(0, 2) * 1000 });
    }

    // Every row of day d's files is made by now (later days only add to later files).
    // (Alipay's bills are one per merchant, written below, not a day's clearing file.)
    for (const side of ['journal', 'clearing'] as const)
      if (side === 'journal' || !(alipay || zm)) sinkFor(side, d).close();
    if (bill && o.alsoRecon) sinkFor('clearing-recon', d).close();
    if (alipay) writeAlipayBills(d);
    if (zm) writeZmFiles(d);
  }

  const mf = join(o.out, 'merchants.csv');
  writeFileSync(
    mf,
    `merchant_id,cycle,mdr_bps,fee_cap_minor${keyless ? ',aliases' : ''}\n${merchants.map((m) => `${m.id},${CYCLE_NAMES[m.cycle]},${m.mdr >= 0 ? m.mdr : ''},${m.cap >= 0 ? m.cap : ''}${wechat ? `,wechat:${wechatNumber.get(m)}` : alipay ? `,alipay:${alipayPid.get(m)}` : ''}`).join('\n')}\n`,
  );
  files.push(mf);

  truth.sort((a, b) => TRUTH_COLUMNS.map((c) => a[c].localeCompare(b[c])).find((x) => x !== 0) ?? 0);
  const tf = join(o.out, 'truth.csv');
  const cell = (v: string): string => (needsQuote(v) ? `"${v.replace(/"/g, '""')}"` : v);
  writeFileSync(
    tf,
    `${TRUTH_COLUMNS.join(',')}\n${truth.map((r) => TRUTH_COLUMNS.map((c) => cell(r[c])).join(',')).join('\n')}${truth.length ? '\n' : ''}`,
  );
  files.push(tf);
  recordOwnFiles(o.out, files);

  const days: string[] = [];
  for (let d = start; d <= end; d++) days.push(formatIsoDate(d));
  return { days, journalRows, clearingRows, truth, planted, files };
}
