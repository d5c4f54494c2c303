/**
 * The merchant reference table (DESIGN §3.3) in a form workers can take and look up by the bytes of
 * a merchant_id. A merchant that is not listed settles T1 and has no fee check.
 */
import type { Utf8Column } from './batch.js';
import { finish, hashField, HASH_SEED, bytesEqual } from './hash.js';
import { KeyTable } from './key-table.js';

export interface MerchantTable {
  count: number;
  ids: Utf8Column;
  /** CYCLE_* code. */
  cycle: Uint8Array;
  /** Merchant discount rate in basis points, −1 when none (no fee check). */
  mdrBps: Int32Array;
  /** Fee cap in minor units, −1 when none. */
  feeCap: Float64Array;
}

export function emptyMerchants(): MerchantTable {
  return { count: 0, ids: { offsets: new Int32Array(1), bytes: new Uint8Array(0) }, cycle: new Uint8Array(0), mdrBps: new Int32Array(0), feeCap: new Float64Array(0) };
}

export class MerchantIndex {
  private readonly table: KeyTable;

  constructor(readonly merchants: MerchantTable) {
    this.table = new KeyTable(merchants.count);
    const { offsets, bytes } = merchants.ids;
    for (let i = 0; i < merchants.count; i++) {
      this.table.insert(finish(hashField(HASH_SEED, bytes, offsets[i]!, offsets[i + 1]!)), i);
    }
  }

  /** Index of the merchant whose id equals bytes[start, end), or −1. */
  lookup(src: Uint8Array, start: number, end: number): number {
    if (this.merchants.count === 0) return -1;
    const h = finish(hashField(HASH_SEED, src, start, end));
    const { offsets, bytes } = this.merchants.ids;
    for (let s = this.table.find(h); s >= 0; s = this.table.findNext(s, h)) {
      const m = this.table.rowAt(s);
      if (bytesEqual(bytes, offsets[m]!, offsets[m + 1]!, src, start, end)) return m;
    }
    return -1;
  }
}

/**
 * Expected merchant discount: min(round(gross · mdr_bps / 10000), fee_cap), rounding half up;
 * −1 when the merchant has no mdr_bps (no fee check, DESIGN §6.1 rule 12).
 */
export function expectedFee(m: MerchantTable, ix: number, gross: number): number {
  if (ix < 0) return -1;
  const bps = m.mdrBps[ix]!;
  if (bps < 0) return -1;
  // gross = q·10000 + r, so gross·bps/10000 = q·bps + r·bps/10000: exact for any gross ≤ 2^53.
  const q = Math.floor(gross / 10_000);
  const fee = q * bps + Math.round(((gross - q * 10_000) * bps) / 10_000);
  const cap = m.feeCap[ix]!;
  return cap >= 0 && fee > cap ? cap : fee;
}
