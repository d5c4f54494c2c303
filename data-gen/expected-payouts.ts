/**
 * The expected payout of every (merchant, settle_date) of a generated chain (DESIGN §3.5, §6.2 rule
 * 5), summed from the clearing rows as the chain writes them: Σ net_minor of the SETTLED rows, SALE
 * and RELEASE +, REFUND and REVERSAL −, HELD rows 0 — counting only the rows in clearing files dated
 * up to the pair's check run (the first run on or after settle_date + grace working days; a run
 * happens on every generated day, so the check run is that deadline). A row read after the check
 * changes nothing on the payout leg; it is only noted, so that no payout is planted as unexpected for
 * a pair that has clearing rows at all.
 *
 * A bill's profile takes the expected settle date under the merchant's cycle for settle_date
 * (DESIGN §3.4): with `settleExpected`, a row's settle date is that, from its own business date.
 *
 * Vocabulary
 * - pair: a merchant and a settle date.
 * - check: the pair's check run, an epoch day (data-gen's own dates, gen-calendar.ts).
 */
import type { GenCalendar } from './gen-calendar.js';
import type { Merchant } from './world.js';

/** A pair, with what its clearing rows make of it. */
export interface PayoutPair {
  readonly merchant: Merchant;
  readonly settle: number;
  /** The check run: settle + grace working days. */
  readonly check: number;
  /** The expected payout at the check (fen). */
  expected: number;
  /** Clearing rows that counted (any status), read by the check. */
  rows: number;
  /** Clearing rows of the pair read after the check. */
  lateRows: number;
}

export class ExpectedPayouts {
  private readonly byMerchant = new Map<Merchant, Map<number, PayoutPair>>();

  constructor(
    private readonly cal: GenCalendar,
    private readonly grace: number,
    /** The chain's last day: pairs whose check falls after it get no check date computed. */
    private readonly end: number,
    /** Settle dates are the expected ones (a bill's profile), not the rows' own. */
    private readonly settleExpected: boolean,
  ) {}

  /** The check run of a settle date (after the chain's end: Infinity, never computed past the calendar). */
  checkOf(settle: number): number {
    if (settle > this.end) return Number.POSITIVE_INFINITY;
    const check = this.cal.deadline(settle, this.grace);
    return check > this.end ? Number.POSITIVE_INFINITY : check;
  }

  /**
   * A clearing row written into day `day`'s file: type, status, the settle date it states, the net
   * (gross − fee), and its time (for a bill's expected settle date).
   */
  add(day: number, m: Merchant, type: string, status: string, settle: number, net: number, time: number): void {
    const s = this.settleExpected ? this.cal.expectedSettle(this.cal.businessDate(time), m.cycle) : settle;
    const pair = this.pair(m, s);
    if (day > pair.check) {
      pair.lateRows++;
      return;
    }
    pair.rows++;
    if (status !== 'SETTLED') return;
    if (type === 'SALE' || type === 'RELEASE') pair.expected += net;
    else if (type === 'REFUND' || type === 'REVERSAL') pair.expected -= net;
  }

  /** Whether the pair has any clearing row, read before or after its check. */
  has(m: Merchant, settle: number): boolean {
    return this.byMerchant.get(m)?.has(settle) ?? false;
  }

  /** Every pair with a clearing row, by settle date, then merchant in `merchants` order. */
  pairs(merchants: readonly Merchant[]): PayoutPair[] {
    const out: PayoutPair[] = [];
    for (const m of merchants) for (const p of this.byMerchant.get(m)?.values() ?? []) out.push(p);
    const order = new Map(merchants.map((m, i) => [m, i]));
    return out.sort((a, b) => a.settle - b.settle || order.get(a.merchant)! - order.get(b.merchant)!);
  }

  private pair(m: Merchant, settle: number): PayoutPair {
    let bySettle = this.byMerchant.get(m);
    if (!bySettle) {
      bySettle = new Map();
      this.byMerchant.set(m, bySettle);
    }
    let p = bySettle.get(settle);
    if (!p) {
      p = { merchant: m, settle, check: this.checkOf(settle), expected: 0, rows: 0, lateRows: 0 };
      bySettle.set(settle, p);
    }
    return p;
  }
}
