/**
 * Synthetic settlement days with a ground truth (DESIGN §9 data-gen, issue 2).
 *
 * `generate` writes N consecutive days: DIR/journal/D.csv, DIR/clearing/D.csv, DIR/merchants.csv,
 * and DIR/truth.csv, the findings a correct engine must report when the days are run in order —
 * no more, no less. Deterministic per seed.
 *
 * The world: merchants (skewed sizes, cycles T1/D1/T0, most with a merchant discount rate) with a
 * few terminals each; every terminal has its own STAN sequence; card rows carry an RRN, QR rows an
 * order number. Amounts are small and skewed (log-normal, in fen), timestamps follow business
 * hours, a few fall after the 23:00 cutoff (they belong to the next business date and are cleared
 * in the next day's file), weekends are quieter, and about 1.5% of authorisations are declined
 * (declined sales get no clearing row: no finding).
 *
 * Planted fates, spread over the days on which their consequence falls inside the chain (see
 * `eligible`): a credit that never arrives, one that arrives after it was reported missing, one
 * that arrives on the deadline run itself, delays across a weekend or not, a settle date on a
 * weekend that is still on time, duplicates in one file and across days, amount and fee
 * mismatches, a clearing row without a journal, a risk hold, a declined sale credited, and a
 * journal uploaded a day late (no finding).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CYCLE_D1, CYCLE_T0, CYCLE_T1, daysFromCivil, formatIsoDate, MS_PER_DAY, parseIsoDate, WorkCalendar, civilFromDays, type CalendarSpec } from '../src/core/dates.js';
import { CLEARING_HEADER, JOURNAL_HEADER } from '../src/core/schema.js';
import { Rng } from './rng.js';

export interface GenOptions {
  /** First day, YYYY-MM-DD. */
  date: string;
  days: number;
  /** Journal rows of a full working day (weekends and holidays have fewer). */
  rows: number;
  seed: number;
  out: string;
  calendar: CalendarSpec;
  /** The grace the truth assumes (the engine's default is 1). */
  grace?: number;
}

export interface TruthRow {
  business_date: string;
  kind: string;
  status: 'open' | 'resolved';
  merchant_id: string;
  terminal_id: string;
  rrn: string;
  stan: string;
  order_no: string;
  journal_amount_minor: string;
  clearing_amount_minor: string;
  days_late: number;
  duplicate_count: number;
}

export const TRUTH_COLUMNS: readonly (keyof TruthRow)[] = [
  'business_date',
  'kind',
  'status',
  'merchant_id',
  'terminal_id',
  'rrn',
  'stan',
  'order_no',
  'journal_amount_minor',
  'clearing_amount_minor',
  'days_late',
  'duplicate_count',
];

export interface GenSummary {
  days: string[];
  journalRows: number;
  clearingRows: number;
  truth: TruthRow[];
  planted: Record<string, number>;
  files: string[];
}

const FATES = [
  'MISSING_NEVER',
  'MISSING_THEN_LATE',
  'ARRIVES_ON_DEADLINE',
  'DELAYED_ACROSS_WEEKEND',
  'DELAYED',
  'ON_TIME_WEEKEND',
  'DUP_SAME_FILE',
  'DUP_NEXT_DAY',
  'DUP_TWO_MORE',
  'AMOUNT_MISMATCH',
  'FEE_MISMATCH',
  'UNMATCHED',
  'RISK_HOLD',
  'DECLINED_SETTLED',
  'LATE_JOURNAL',
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
  time: number;
  amount: number;
  response: string;
  pan: string;
  batchNo: string;
  businessDate: number;
  expected: number;
}

const CYCLE_NAMES = ['T1', 'D1', 'T0'];
const BINS = ['622588', '621700', '625807', '436742', '518364', '622848'];
/** Relative volume of each local hour 0–23 (business hours, an evening peak, a thin night). */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 6, 8, 9, 10, 12, 11, 9, 9, 10, 11, 13, 14, 12, 8, 4, 1.2];
const DECLINE_CODES = ['05', '51', '55', '14'];
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function compactDate(day: number): string {
  return String(civilFromDays(day));
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

export function generate(o: GenOptions): GenSummary {
  const start = parseIsoDate(o.date);
  if (Number.isNaN(start)) throw new Error(`bad start date ${o.date}`);
  const end = start + o.days - 1;
  const grace = o.grace ?? 1;
  const cal = new WorkCalendar(o.calendar);
  const zone = o.calendar.zoneOffsetMinutes;
  const rng = new Rng(o.seed);

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
      m.terminals.push({ id: String(terminalNo++), merchant: m, stan: rng.int(1, 5000), batch: rng.int(1, 900), orderSeq: 0, fakeSeq: 0 });
    }
    merchants.push(m);
  }
  // Skewed merchant sizes: weight 1/(rank+1)^0.9.
  const cum: number[] = [];
  let total = 0;
  for (let i = 0; i < merchantCount; i++) {
    total += 1 / Math.pow(i + 1, 0.9);
    cum.push(total);
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
  for (const w of HOUR_WEIGHTS) hourCum.push((hourTotal += w));

  const journalOut = new Map<number, string[]>();
  const clearingOut = new Map<number, string[]>();
  const rowsFor = (m: Map<number, string[]>, day: number): string[] => {
    let r = m.get(day);
    if (!r) m.set(day, (r = []));
    return r;
  };
  const truth: TruthRow[] = [];
  const planted: Record<string, number> = {};
  let journalRows = 0;
  let clearingRows = 0;

  const deadlineOf = (businessDate: number, cycle: number): number => cal.deadline(cal.expectedSettle(businessDate, cycle), grace);

  const journalLine = (t: Txn): string =>
    [t.merchant.id, t.terminal.id, t.batchNo, t.stan, t.rrn, t.authCode, t.type, t.channel, t.orderNo, isoTime(t.time, zone), t.amount, 'CNY', t.response, '', t.pan].join(',');

  const clearingLine = (t: Txn, o2: { clearingDate: number; settle: number; gross?: number; fee?: number; status?: string; jitterMs?: number }): string => {
    const gross = o2.gross ?? t.amount;
    const fee = o2.fee ?? expectedFeeOf(t.merchant, gross);
    let time = t.time + (o2.jitterMs ?? 0);
    if (cal.businessDate(time) !== t.businessDate) time = t.time;
    return [
      'SALE',
      t.merchant.id,
      t.terminal.id,
      t.stan,
      t.rrn,
      t.authCode,
      t.orderNo,
      '',
      t.pan,
      isoTime(time, zone),
      formatIsoDate(o2.clearingDate),
      formatIsoDate(o2.settle),
      gross,
      fee,
      gross - fee,
      'CNY',
      o2.status ?? 'SETTLED',
    ].join(',');
  };

  const addTruth = (raised: number, kind: string, status: 'open' | 'resolved', t: Txn, j: number | null, c: number | null, daysLate = 0, dup = 0): void => {
    if (raised > end) return;
    truth.push({
      business_date: formatIsoDate(raised),
      kind,
      status,
      merchant_id: t.merchant.id,
      terminal_id: t.terminal.id,
      rrn: t.rrn,
      stan: t.stan,
      order_no: t.orderNo,
      journal_amount_minor: j === null ? '' : String(j),
      clearing_amount_minor: c === null ? '' : String(c),
      days_late: daysLate,
      duplicate_count: dup,
    });
  };

  /** Whether a fate planted on a transaction of business date b shows its finding inside the chain. */
  const eligible = (fate: Fate, t: Txn): boolean => {
    const b = t.businessDate;
    const e = t.expected;
    const dl = deadlineOf(b, t.merchant.cycle);
    switch (fate) {
      case 'MISSING_NEVER':
        return dl <= end;
      case 'MISSING_THEN_LATE':
        return dl + 1 <= end;
      case 'ARRIVES_ON_DEADLINE':
        return dl <= end && dl > b;
      case 'DELAYED_ACROSS_WEEKEND':
        return cal.nextWorkingDay(e) > e + 1;
      case 'ON_TIME_WEEKEND':
        return !cal.isWorkingDay(e + 1);
      case 'DUP_NEXT_DAY':
      case 'LATE_JOURNAL':
        return b + 1 <= end;
      case 'DUP_TWO_MORE':
        return b + 2 <= end;
      case 'FEE_MISMATCH':
        return t.merchant.mdr >= 0;
      case 'UNMATCHED':
        return dl <= end;
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
    const normal = (): void => {
      rowsFor(clearingOut, b).push(clearingLine(t, { clearingDate: b, settle: e, jitterMs: jit }));
    };
    switch (fate) {
      case 'MISSING_NEVER':
        rowsFor(journalOut, d).push(journalLine(t));
        addTruth(dl, 'MISSING_CREDIT', 'open', t, t.amount, null);
        return;
      case 'MISSING_THEN_LATE': {
        rowsFor(journalOut, d).push(journalLine(t));
        const arrive = dl + 1;
        const settle = cal.nextWorkingDay(arrive);
        rowsFor(clearingOut, arrive).push(clearingLine(t, { clearingDate: arrive, settle }));
        addTruth(dl, 'MISSING_CREDIT', arrive <= end ? 'resolved' : 'open', t, t.amount, null);
        addTruth(arrive, 'DELAYED_CREDIT', 'open', t, t.amount, t.amount, cal.daysLate(e, settle));
        return;
      }
      case 'ARRIVES_ON_DEADLINE': {
        rowsFor(journalOut, d).push(journalLine(t));
        const settle = cal.nextWorkingDay(dl);
        rowsFor(clearingOut, dl).push(clearingLine(t, { clearingDate: dl, settle }));
        addTruth(dl, 'DELAYED_CREDIT', 'open', t, t.amount, t.amount, cal.daysLate(e, settle));
        return;
      }
      case 'DELAYED_ACROSS_WEEKEND':
      case 'DELAYED': {
        rowsFor(journalOut, d).push(journalLine(t));
        const settle = fate === 'DELAYED' ? cal.nextWorkingDay(cal.nextWorkingDay(e)) : cal.nextWorkingDay(e);
        rowsFor(clearingOut, b).push(clearingLine(t, { clearingDate: b, settle, jitterMs: jit }));
        addTruth(b, 'DELAYED_CREDIT', 'open', t, t.amount, t.amount, cal.daysLate(e, settle));
        return;
      }
      case 'ON_TIME_WEEKEND':
        rowsFor(journalOut, d).push(journalLine(t));
        rowsFor(clearingOut, b).push(clearingLine(t, { clearingDate: b, settle: e + 1, jitterMs: jit }));
        return;
      case 'DUP_SAME_FILE':
        rowsFor(journalOut, d).push(journalLine(t));
        normal();
        normal();
        addTruth(b, 'DUPLICATE_CREDIT', 'open', t, t.amount, t.amount, 0, 1);
        return;
      case 'DUP_NEXT_DAY':
      case 'DUP_TWO_MORE':
        rowsFor(journalOut, d).push(journalLine(t));
        normal();
        rowsFor(clearingOut, b + 1).push(clearingLine(t, { clearingDate: b + 1, settle: e }));
        if (fate === 'DUP_TWO_MORE') rowsFor(clearingOut, b + 2).push(clearingLine(t, { clearingDate: b + 2, settle: e }));
        addTruth(b + 1, 'DUPLICATE_CREDIT', 'open', t, t.amount, t.amount, 0, fate === 'DUP_TWO_MORE' ? 2 : 1);
        return;
      case 'AMOUNT_MISMATCH': {
        rowsFor(journalOut, d).push(journalLine(t));
        let delta = rng.int(1, Math.max(1, Math.min(500, t.amount - 1)));
        if (rng.chance(0.5)) delta = -delta;
        const gross = t.amount + delta;
        rowsFor(clearingOut, b).push(clearingLine(t, { clearingDate: b, settle: e, gross, jitterMs: jit }));
        addTruth(b, 'AMOUNT_MISMATCH', 'open', t, t.amount, gross);
        return;
      }
      case 'FEE_MISMATCH': {
        rowsFor(journalOut, d).push(journalLine(t));
        const fee = expectedFeeOf(t.merchant, t.amount) + rng.int(2, 90);
        rowsFor(clearingOut, b).push(clearingLine(t, { clearingDate: b, settle: e, fee, jitterMs: jit }));
        addTruth(b, 'FEE_MISMATCH', 'open', t, t.amount, t.amount);
        return;
      }
      case 'UNMATCHED': {
        // The real transaction is normal; a clearing row for a transaction no terminal recorded.
        rowsFor(journalOut, d).push(journalLine(t));
        normal();
        const term = t.terminal;
        const stan = pad(900_000 + term.fakeSeq++, 6);
        const fake: Txn = { ...t, stan, rrn: t.rrn ? t.rrn.slice(0, 6) + stan : '', orderNo: t.orderNo ? `${t.orderNo}U` : '', time: t.time + 17_000 };
        if (cal.businessDate(fake.time) !== b) fake.time = t.time;
        rowsFor(clearingOut, b).push(clearingLine(fake, { clearingDate: b, settle: e }));
        addTruth(dl, 'UNMATCHED_CLEARING', 'open', fake, null, fake.amount);
        return;
      }
      case 'RISK_HOLD':
        rowsFor(journalOut, d).push(journalLine(t));
        rowsFor(clearingOut, b).push(clearingLine(t, { clearingDate: b, settle: e, status: 'HELD', jitterMs: jit }));
        addTruth(b, 'RISK_HOLD', 'open', t, t.amount, t.amount);
        return;
      case 'DECLINED_SETTLED':
        t.response = rng.pick(DECLINE_CODES);
        rowsFor(journalOut, d).push(journalLine(t));
        normal();
        addTruth(b, 'DECLINED_BUT_SETTLED', 'open', t, t.amount, t.amount);
        return;
      case 'LATE_JOURNAL':
        rowsFor(journalOut, d + 1).push(journalLine(t));
        normal();
        return;
    }
  };

  const files: string[] = [];
  mkdirSync(join(o.out, 'journal'), { recursive: true });
  mkdirSync(join(o.out, 'clearing'), { recursive: true });
  const plantsPerFate = Math.max(1, Math.round(o.rows / 2500));

  for (let d = start; d <= end; d++) {
    const working = cal.isWorkingDay(d);
    const n = Math.round(o.rows * (working ? 1 : 0.65) * (0.95 + rng.float() * 0.1));
    // Fates still to plant today, by fate; tried in rotating order on every gap-th transaction.
    const left = FATES.map(() => plantsPerFate);
    let toPlant = FATES.length * plantsPerFate;
    let turn = rng.int(0, FATES.length - 1);
    const gap = Math.max(1, Math.floor(n / (toPlant + 1)));
    let nextPlant = gap;
    const year = Math.floor(civilFromDays(d) / 10_000);
    // RRN prefix: last digit of the year and the day of the year (YDDD), then hour and STAN.
    const yddd = `${year % 10}${pad(d - daysFromCivil(year, 1, 1) + 1, 3)}`;
    const dayStamp = compactDate(d);
    for (const m of merchants) for (const term of m.terminals) term.batch = (term.batch % 999_999) + 1;

    for (let i = 0; i < n; i++) {
      const m = pickMerchant();
      const term = m.terminals[Math.floor(rng.float() * m.terminals.length)]!;
      term.stan = (term.stan % 899_999) + 1;
      const x = rng.float() * hourTotal;
      let hour = 0;
      while (hourCum[hour]! < x) hour++;
      const time = (d * 86_400 + hour * 3600 + rng.int(0, 3599)) * 1000 - zone * 60_000;
      const qr = rng.chance(0.3);
      const stan = pad(term.stan, 6);
      const t: Txn = {
        merchant: m,
        terminal: term,
        stan,
        rrn: qr ? '' : `${yddd}${pad(hour, 2)}${stan}`,
        authCode: qr ? '' : Array.from({ length: 6 }, () => ALNUM[rng.int(0, ALNUM.length - 1)]).join(''),
        type: !qr && rng.chance(0.03) ? 'PREAUTH_COMPLETION' : 'SALE',
        channel: qr ? 'QR' : rng.pick(['CARD_CHIP', 'CARD_CHIP', 'CONTACTLESS', 'CARD_SWIPE']),
        orderNo: qr ? `ORD${dayStamp}${term.id}${pad(++term.orderSeq, 5)}` : '',
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
      journalRows++;

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
        rowsFor(journalOut, d).push(journalLine(t));
        continue;
      }
      rowsFor(journalOut, d).push(journalLine(t));
      if (t.businessDate <= end) {
        rowsFor(clearingOut, t.businessDate).push(clearingLine(t, { clearingDate: t.businessDate, settle: t.expected, jitterMs: rng.int(0, 2) * 1000 }));
      }
    }

    const jf = join(o.out, 'journal', `${formatIsoDate(d)}.csv`);
    const cf = join(o.out, 'clearing', `${formatIsoDate(d)}.csv`);
    const jr = journalOut.get(d) ?? [];
    const cr = clearingOut.get(d) ?? [];
    clearingRows += cr.length;
    writeFileSync(jf, `${JOURNAL_HEADER.join(',')}\n${jr.join('\n')}${jr.length ? '\n' : ''}`);
    writeFileSync(cf, `${CLEARING_HEADER.join(',')}\n${cr.join('\n')}${cr.length ? '\n' : ''}`);
    journalOut.delete(d);
    clearingOut.delete(d);
    files.push(jf, cf);
  }

  const mf = join(o.out, 'merchants.csv');
  writeFileSync(
    mf,
    `merchant_id,cycle,mdr_bps,fee_cap_minor\n${merchants.map((m) => `${m.id},${CYCLE_NAMES[m.cycle]},${m.mdr >= 0 ? m.mdr : ''},${m.cap >= 0 ? m.cap : ''}`).join('\n')}\n`,
  );
  files.push(mf);

  truth.sort((a, b) => TRUTH_COLUMNS.map((c) => String(a[c]).localeCompare(String(b[c]))).find((x) => x !== 0) ?? 0);
  const tf = join(o.out, 'truth.csv');
  writeFileSync(tf, `${TRUTH_COLUMNS.join(',')}\n${truth.map((r) => TRUTH_COLUMNS.map((c) => r[c]).join(',')).join('\n')}${truth.length ? '\n' : ''}`);
  files.push(tf);

  const days: string[] = [];
  for (let d = start; d <= end; d++) days.push(formatIsoDate(d));
  return { days, journalRows, clearingRows, truth, planted, files };
}

