/**
 * Synthetic settlement days with a ground truth (DESIGN §9 data-gen).
 *
 * `generate` writes N consecutive days: DIR/journal/D.csv, DIR/clearing/D.csv, (with `payouts`)
 * DIR/payout/D.csv, DIR/merchants.csv, and DIR/truth.csv, the findings a correct engine must report
 * when the days are run in order (with their payout files) —
 * no more, no less. Deterministic per seed. It lists what it wrote in DIR/.recon-gen.json, and deletes
 * only such files of an earlier generation into DIR (data-gen/manifest.ts).
 *
 * The parts: the world of merchants and terminals and their transactions (world.ts); the
 * generator's own dates (gen-calendar.ts); the day files, their styles and the clearing layouts
 * (day-files.ts, chain-writer.ts, layouts/); the planted fates (fates/), each a planter that writes
 * what befalls one transaction and the findings it must raise (truth.ts). Weekends and holidays are
 * quieter, and about 1.5% of authorisations are declined (never cleared: no finding).
 *
 * The payout leg (DESIGN §3.5, §6.2): once every day's clearing rows are written, the expected
 * payout of each (merchant, settle_date) is known (expected-payouts.ts), and a payout fate befalls
 * each (fates/payouts.ts, fates/payout-schedule.ts): most are paid on time, the others late, never,
 * short, over, returned and paid again, failed, held, twice, split; one is paid with nothing expected.
 * Its random numbers are its own: the journal and clearing files and their findings are the same
 * with payouts or without (`payouts`, which `recon gen` sets unless --no-payouts).
 *
 * Planted fates (fates/index.ts), spread over the days on which their consequence falls inside the
 * chain, cover every kind of DESIGN §6 and the edge cases around them; the silent ones (a late
 * journal, a weekend settle date that is on time, a voided sale never cleared, a refund debited days
 * later) must produce no finding.
 */
import { type CalendarSpec, formatIsoDate, parseIsoDate } from '../src/core/dates.js';
import { TRUTH_COLUMNS, type TruthRow } from '../src/core/finding-columns.js';
import { ChainWriter } from './chain-writer.js';
import { DayFiles } from './day-files.js';
import { ExpectedPayouts } from './expected-payouts.js';
import { plantPayouts } from './fates/payout-schedule.js';
import type { Chain } from './fates/planter.js';
import { DaySchedule } from './fates/schedule.js';
import { GenCalendar } from './gen-calendar.js';
import { AlipayBill } from './layouts/alipay-bill.js';
import type { ClearingFormat, ClearingLayout } from './layouts/layout.js';
import { ReconLayout } from './layouts/recon.js';
import { UnionpayZm } from './layouts/unionpay-zm.js';
import { WechatBill } from './layouts/wechat-bill.js';
import { recordOwnFiles } from './manifest.js';
import { PayoutWriter } from './payout-writer.js';
import { Rng } from './rng.js';
import { Truth } from './truth.js';
import { DECLINE_CODES, sibling, type Txn, World } from './world.js';

export { TRUTH_COLUMNS, type TruthRow };

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
  clearingFormat?: ClearingFormat;
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
  /**
   * Plant the payout leg: DIR/payout/D.csv and the payout findings in the truth. Default false here,
   * for the callers that run days without payout files; `recon gen` plants it unless --no-payouts.
   */
  payouts?: boolean;
}

export interface GenSummary {
  days: string[];
  journalRows: number;
  clearingRows: number;
  truth: TruthRow[];
  planted: Record<string, number>;
  /** Payout rows written. */
  payoutRows: number;
  /** Payout rows that show the account number in full (a run masks them). */
  fullAccounts: number;
  /** Plantings per payout fate (fates/payouts.ts), paid on time included. */
  payoutsPlanted: Record<string, number>;
  files: string[];
}

/** Plants per fate per day, per journal row of a full day. */
const PLANTS_PER_ROW = 1 / 4000;
/** A weekend's or a holiday's volume, against a working day's. */
const QUIET_DAY_VOLUME = 0.65;
/** A day's volume is its share times a factor drawn from [DAY_FACTOR_MIN, DAY_FACTOR_MIN + DAY_FACTOR_RANGE). */
const DAY_FACTOR_MIN = 0.95;
const DAY_FACTOR_RANGE = 0.1;
/** Share of authorisations declined (recorded by the terminal, never cleared). */
const DECLINE_RATE = 0.015;
/** Mixed into the seed for the payout leg's own random numbers. */
const PAYOUT_SEED = 0x5041_594f;

export function generate(o: GenOptions): GenSummary {
  const start = parseIsoDate(o.date);
  if (Number.isNaN(start)) throw new Error(`bad start date ${o.date}`);
  const end = start + o.days - 1;
  const g = setUp(o, start, end);
  for (let d = start; d <= end; d++) writeDay(g, d);
  const payoutsPlanted = g.payouts ? writePayouts(g, g.payouts, o, start, end) : {};
  g.writer.writeMerchants(g.world.merchants);
  g.chain.truth.write(g.files.chainFile('truth.csv'));
  recordOwnFiles(o.out, g.files.files);

  const days: string[] = [];
  for (let d = start; d <= end; d++) days.push(formatIsoDate(d));
  const { journalRows, clearingRows } = g.writer;
  return {
    days,
    journalRows,
    clearingRows,
    truth: g.chain.truth.rows,
    planted: g.planted,
    payoutRows: g.payoutWriter?.rows ?? 0,
    fullAccounts: g.payoutWriter?.fullAccounts ?? 0,
    payoutsPlanted,
    files: g.files.files,
  };
}

/** The payout leg: a fate for the payout of every (merchant, settle_date), and the day files. */
function writePayouts(
  g: Generation,
  expected: ExpectedPayouts,
  o: GenOptions,
  start: number,
  end: number,
): Record<string, number> {
  const rng = new Rng((o.seed ^ PAYOUT_SEED) >>> 0);
  const payouts = new PayoutWriter(g.files, rng, start, end, o.plain ?? false);
  g.payoutWriter = payouts;
  const planted = plantPayouts(expected, g.world.merchants, { rng, start, end, truth: g.chain.truth, payouts });
  payouts.write();
  return planted;
}

/** A generation under way: its world, its files, and what the planters see of it. */
interface Generation {
  rows: number;
  rng: Rng;
  cal: GenCalendar;
  format: ClearingFormat;
  world: World;
  files: DayFiles;
  writer: ChainWriter;
  chain: Chain;
  /** Plants of each fate per day. */
  perFate: number;
  /** Plantings so far, per fate. */
  planted: Record<string, number>;
  /** The expected payouts, when the chain has payouts. */
  payouts: ExpectedPayouts | null;
  payoutWriter?: PayoutWriter;
}

/**
 * The world (its merchants drawn first), the day files (their styles drawn next: the order of the
 * draws is part of the output), the clearing layout and the truth.
 */
function setUp(o: GenOptions, start: number, end: number): Generation {
  const grace = o.grace ?? 1;
  const cal = new GenCalendar(o.calendar, o.calendarPath ?? 'given to the generator');
  const zone = o.calendar.zoneOffsetMinutes;
  const rng = new Rng(o.seed);
  const format = o.clearingFormat ?? 'recon';
  // Clearing files that are bills hold payments keyed by order number only: every transaction is one.
  const bill = format !== 'recon';
  const world = new World(o.rows, rng, cal, zone, { allQr: bill, commas: format !== 'alipay-trade-bill' });
  const reconCopy = bill && (o.alsoRecon ?? false);
  const files = new DayFiles(
    { out: o.out, start, end, plain: o.plain ?? false, reconCopy, force: o.force ?? false },
    rng,
  );
  const layout = clearingLayout(format, files, world, rng, zone);
  const copy = reconCopy ? new ReconLayout(files, 'clearing-recon', rng, zone) : null;
  const payouts = o.payouts ? new ExpectedPayouts(cal, grace, end, bill) : null;
  const writer = new ChainWriter(files, layout, copy, rng, cal, zone, end, payouts);
  const chain: Chain = {
    cal,
    rng,
    end,
    zone,
    keyless: layout.keyless,
    truth: new Truth(end),
    deadlineOf: (b, cycle) => cal.deadline(cal.expectedSettle(b, cycle), grace),
    journal: (day, t) => writer.journal(day, t),
    clearing: (day, t, c) => writer.clearing(day, t, c),
    credit: (p) => writer.clearing(p.day, p.t, { settle: p.expected, jitterMs: p.jitterMs }),
    sibling: (t, type, dtMs, amount, suffix) => sibling(t, type, dtMs, amount, suffix, cal),
  };
  const perFate = Math.max(1, Math.round(o.rows * PLANTS_PER_ROW));
  return { rows: o.rows, rng, cal, format, world, files, writer, chain, perFate, planted: {}, payouts };
}

/** Day d: its transactions, each planted with a fate when one is due, else ordinary; then its files. */
function writeDay(g: Generation, d: number): void {
  const volume = g.cal.isWorkingDay(d) ? 1 : QUIET_DAY_VOLUME;
  const n = Math.round(g.rows * volume * (DAY_FACTOR_MIN + g.rng.float() * DAY_FACTOR_RANGE));
  const schedule = new DaySchedule(d, n, g.perFate, g.format, g.rng);
  const day = g.world.startDay(d);
  for (let i = 0; i < n; i++) {
    const t = g.world.transaction(day);
    const fate = schedule.plant(i, t, g.chain);
    if (fate) g.planted[fate] = (g.planted[fate] ?? 0) + 1;
    else writeOrdinary(g, t, d);
  }
  g.writer.closeDay(d);
}

/** An ordinary transaction of day d: declined (journal only), or credited as expected. */
function writeOrdinary(g: Generation, t: Txn, d: number): void {
  if (g.rng.chance(DECLINE_RATE)) {
    t.response = g.rng.pick(DECLINE_CODES);
    g.writer.journal(d, t);
    return;
  }
  g.writer.journal(d, t);
  if (t.businessDate <= g.chain.end)
    g.writer.clearing(t.businessDate, t, { settle: t.expected, jitterMs: g.rng.int(0, 2) * 1000 });
}

/** The clearing layout of a format. */
function clearingLayout(format: ClearingFormat, files: DayFiles, world: World, rng: Rng, zone: number): ClearingLayout {
  switch (format) {
    case 'recon':
      return new ReconLayout(files, 'clearing', rng, zone);
    case 'wechat-trade-bill':
      return new WechatBill(files, world.merchants, zone);
    case 'alipay-trade-bill':
      return new AlipayBill(files, world.merchants, zone);
    case 'unionpay-zm':
      return new UnionpayZm(files, zone);
  }
}
