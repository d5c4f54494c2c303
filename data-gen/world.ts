/**
 * The generated world: merchants (skewed sizes, cycles T1/D1/T0, most with a merchant discount
 * rate, some with a fee cap) with a few terminals each, every terminal with its own STAN sequence;
 * and the transactions they make. Card rows carry an RRN and an auth code, QR rows an order number.
 * Amounts are small and skewed (log-normal, in fen), timestamps follow business hours, and a few
 * fall after the 23:00 cutoff (they belong to the next business date).
 */
import { CYCLE_D1, CYCLE_T0, CYCLE_T1, civilFromDays, daysFromCivil } from '../src/core/dates.js';
import type { GenCalendar } from './gen-calendar.js';
import type { Rng } from './rng.js';
import { pad } from './text.js';

export interface Merchant {
  id: string;
  cycle: number;
  /** Merchant discount rate in basis points; −1: none (no fee check). */
  mdr: number;
  /** Fee cap in fen; −1: none. */
  cap: number;
  terminals: Terminal[];
}

export interface Terminal {
  id: string;
  merchant: Merchant;
  /** The last STAN used (6 digits, wraps). */
  stan: number;
  /** The current batch number (one a day). */
  batch: number;
  /** The last QR order number's sequence. */
  orderSeq: number;
  /** The last STAN given to a clearing row no terminal recorded (from 900000). */
  fakeSeq: number;
}

/** One transaction as both sides will show it. */
export interface Txn {
  merchant: Merchant;
  terminal: Terminal;
  stan: string;
  rrn: string;
  authCode: string;
  type: string;
  channel: string;
  orderNo: string;
  origRrn: string;
  /** Epoch ms. */
  time: number;
  /** Fen. */
  amount: number;
  response: string;
  pan: string;
  batchNo: string;
  businessDate: number;
  expected: number;
}

/** What the clearing layout asks of the transactions. */
export interface TxnRules {
  /** Every transaction a QR payment keyed by its order number (a platform's bill). */
  allQr: boolean;
  /** Now and then a comma in an order number, which files must quote (not where values are never quoted). */
  commas: boolean;
}

/** Cycle names by code (CYCLE_T1, CYCLE_D1, CYCLE_T0), as the merchants file writes them. */
export const CYCLE_NAMES = ['T1', 'D1', 'T0'];
/** Response codes of declined authorisations. */
export const DECLINE_CODES = ['05', '51', '55', '14'];
/** The rate the acquirer charges a merchant that has no merchant discount rate of its own (not checked). */
const DEFAULT_FEE_RATE = 0.0055;

/** The fee the acquirer charges on `gross`: the merchant's rate, up to its cap. */
export function expectedFeeOf(m: { mdr: number; cap: number }, gross: number): number {
  if (m.mdr < 0) return Math.round(gross * DEFAULT_FEE_RATE);
  const fee = Math.round((gross * m.mdr) / 10_000);
  return m.cap >= 0 && fee > m.cap ? m.cap : fee;
}

/** Journal rows of a full day per merchant. */
const ROWS_PER_MERCHANT = 250;
const MIN_MERCHANTS = 12;
/** Merchant i's share of the volume is proportional to 1/(i+1)^SIZE_SKEW. */
const SIZE_SKEW = 0.9;
/**
 * A terminal's STAN has 6 digits and the RRN is day, hour and STAN: a terminal busier than a few
 * hundred thousand transactions a day would repeat RRNs. Big merchants get more terminals (only at
 * sizes where that happens, so smaller worlds stay as they were).
 */
const TERMINAL_DAY_MAX = 300_000;
const MDR_BPS = [38, 55, 60, 125];
const FEE_CAPS = [1500, 2500, 5000];
const BINS = ['622588', '621700', '625807', '436742', '518364', '622848'];
const CARD_CHANNELS = ['CARD_CHIP', 'CARD_CHIP', 'CONTACTLESS', 'CARD_SWIPE'];
/** Relative volume of each local hour 0–23 (business hours, an evening peak, a thin night). */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 6, 8, 9, 10, 12, 11, 9, 9, 10, 11, 13, 14, 12, 8, 4, 1.2];
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const QR_RATE = 0.3;
const COMMA_RATE = 0.01;
const PREAUTH_RATE = 0.03;
/** Amounts: exp(N(AMOUNT_MU, AMOUNT_SIGMA)) fen, between AMOUNT_MIN and AMOUNT_MAX. */
const AMOUNT_MU = 7.6;
const AMOUNT_SIGMA = 1.1;
const AMOUNT_MIN = 100;
const AMOUNT_MAX = 2_000_000;

/** Cumulative sums of weights, for drawing an index by weight. */
function cumulative(weights: readonly number[]): number[] {
  const cum: number[] = [];
  let total = 0;
  for (const w of weights) {
    total += w;
    cum.push(total);
  }
  return cum;
}

/** The day's part of every transaction's identity. */
export interface TxnDay {
  day: number;
  /** RRN prefix: last digit of the year and the day of the year (YDDD), then hour and STAN. */
  yddd: string;
  /** YYYYMMDD, in QR order numbers. */
  stamp: string;
}

export class World {
  readonly merchants: Merchant[] = [];
  private readonly merchantCum: number[];
  private readonly hourCum = cumulative(HOUR_WEIGHTS);

  constructor(
    rows: number,
    private readonly rng: Rng,
    private readonly cal: GenCalendar,
    private readonly zone: number,
    private readonly rules: TxnRules,
  ) {
    const count = Math.max(MIN_MERCHANTS, Math.round(rows / ROWS_PER_MERCHANT));
    let terminalNo = 10_000_000 + rng.int(0, 80_000_000);
    const addTerminal = (m: Merchant): void => {
      m.terminals.push({
        id: String(terminalNo++),
        merchant: m,
        stan: rng.int(1, 5000),
        batch: rng.int(1, 900),
        orderSeq: 0,
        fakeSeq: 0,
      });
    };
    for (let i = 0; i < count; i++) {
      const r = rng.float();
      const cycle = r < 0.8 ? CYCLE_T1 : r < 0.9 ? CYCLE_D1 : CYCLE_T0;
      const hasMdr = rng.chance(0.85);
      const m: Merchant = {
        id: `898${pad(310_000_000 + i * 7919 + rng.int(0, 7000), 12)}`,
        cycle,
        mdr: hasMdr ? rng.pick(MDR_BPS) : -1,
        cap: hasMdr && rng.chance(0.3) ? rng.pick(FEE_CAPS) : -1,
        terminals: [],
      };
      const nTerm = 1 + Math.floor(rng.float() * rng.float() * 8);
      for (let t = 0; t < nTerm; t++) addTerminal(m);
      this.merchants.push(m);
    }
    this.merchantCum = cumulative(this.merchants.map((_, i) => 1 / (i + 1) ** SIZE_SKEW));
    const total = this.merchantCum.at(-1)!;
    for (const [i, m] of this.merchants.entries()) {
      const expected = (rows * (1 / (i + 1) ** SIZE_SKEW)) / total;
      while (expected / m.terminals.length > TERMINAL_DAY_MAX) addTerminal(m);
    }
  }

  /** A new day: its identity stamps, and every terminal's next batch. */
  startDay(day: number): TxnDay {
    const c = civilFromDays(day);
    const year = Math.floor(c / 10_000);
    for (const m of this.merchants) for (const term of m.terminals) term.batch = (term.batch % 999_999) + 1;
    return { day, yddd: `${year % 10}${pad(day - daysFromCivil(year, 1, 1) + 1, 3)}`, stamp: String(c) };
  }

  /** An approved sale of the day, at a time drawn from the hours' weights, by a merchant drawn by size. */
  transaction(d: TxnDay): Txn {
    const rng = this.rng;
    const m = this.merchants[this.drawIndex(this.merchantCum)]!;
    const term = m.terminals[Math.floor(rng.float() * m.terminals.length)]!;
    term.stan = (term.stan % 899_999) + 1;
    const hour = this.drawIndex(this.hourCum);
    const time = (d.day * 86_400 + hour * 3600 + rng.int(0, 3599)) * 1000 - this.zone * 60_000;
    const qr = rng.chance(QR_RATE) || this.rules.allQr;
    const stan = pad(term.stan, 6);
    let authCode = '';
    if (!qr) for (let k = 0; k < 6; k++) authCode += ALNUM[rng.int(0, ALNUM.length - 1)];
    const comma = rng.chance(COMMA_RATE) && this.rules.commas;
    const orderNo = qr ? `ORD${d.stamp}${term.id}${comma ? ',' : ''}${pad(++term.orderSeq, 5)}` : '';
    const t: Txn = {
      merchant: m,
      terminal: term,
      stan,
      rrn: qr ? '' : `${d.yddd}${pad(hour, 2)}${stan}`,
      authCode,
      type: !qr && rng.chance(PREAUTH_RATE) ? 'PREAUTH_COMPLETION' : 'SALE',
      channel: qr ? 'QR' : rng.pick(CARD_CHANNELS),
      orderNo,
      origRrn: '',
      time,
      amount: Math.min(AMOUNT_MAX, Math.max(AMOUNT_MIN, Math.round(Math.exp(AMOUNT_MU + AMOUNT_SIGMA * rng.normal())))),
      response: '00',
      pan: qr ? '' : `${rng.pick(BINS)}******${pad(rng.int(0, 9999), 4)}`,
      batchNo: pad(term.batch, 6),
      businessDate: 0,
      expected: 0,
    };
    t.businessDate = this.cal.businessDate(time);
    t.expected = this.cal.expectedSettle(t.businessDate, m.cycle);
    return t;
  }

  /** An index drawn with the weights whose cumulative sums are `cum` (a binary search). */
  private drawIndex(cum: readonly number[]): number {
    const x = this.rng.float() * cum.at(-1)!;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A new transaction on t's terminal `dtMs` later (if still on its business date): the next STAN, its own RRN / order number. */
export function sibling(t: Txn, type: string, dtMs: number, amount: number, suffix: string, cal: GenCalendar): Txn {
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
}
