/**
 * Clearing layouts: how a clearing row is written — recon's own CSV (DESIGN §3.2), or the bill of a
 * payment platform (§3.4) — behind one interface, so that the fates and the ordinary days write
 * rows without knowing the layout.
 */
import type { Merchant, Txn } from '../world.js';

/** The clearing files' layout (DESIGN §3.4): recon's own, or a platform's bill. */
export type ClearingFormat = 'recon' | 'wechat-trade-bill' | 'alipay-trade-bill' | 'unionpay-zm';

/** One clearing row, as every layout needs it. */
export interface ClearingRow {
  /** The day of the file it is in (its clearing date). */
  day: number;
  t: Txn;
  /** SALE, REFUND, REVERSAL, RELEASE. */
  type: string;
  /** The acquirer's time of the transaction (epoch ms). */
  time: number;
  gross: number;
  fee: number;
  settle: number;
  /** SETTLED, HELD. */
  status: string;
  rrn: string;
  /** How many clearing rows were written before it (bills number their rows with it). */
  seq: number;
}

export interface ClearingLayout {
  /** Its rows carry no terminal and no stan (a QR platform's bill). */
  readonly keyless: boolean;
  /** The merchants file's `aliases` value of a merchant (its number on the platform), if the layout has one. */
  alias?(m: Merchant): string;
  row(r: ClearingRow): void;
  /** Day d's rows are all made: its file written line by line is closed (opened first if no row came). */
  closeStreams?(d: number): void;
  /** Then the files written whole (a merchant's zipped bill) are written. */
  writeWhole?(d: number): void;
}

/** Values kept per day and merchant (a merchant's bill of the day), in the order first asked for. */
export class ByDayAndMerchant<T> {
  private readonly days = new Map<number, Map<Merchant, T>>();

  constructor(private readonly make: () => T) {}

  get(day: number, m: Merchant): T {
    let byMerchant = this.days.get(day);
    if (!byMerchant) {
      byMerchant = new Map();
      this.days.set(day, byMerchant);
    }
    let v = byMerchant.get(m);
    if (!v) {
      v = this.make();
      byMerchant.set(m, v);
    }
    return v;
  }

  /** Day d's values, removed. */
  take(day: number): Map<Merchant, T> {
    const byMerchant = this.days.get(day) ?? new Map<Merchant, T>();
    this.days.delete(day);
    return byMerchant;
  }
}
