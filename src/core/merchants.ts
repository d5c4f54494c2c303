/**
 * The merchant reference table (DESIGN §3.3) in a form workers can take and look up by a packed
 * merchant_id. A merchant that is not listed settles T1 and has no fee check.
 */

export interface MerchantTable {
  count: number;
  /** merchant_id values (15 digits, packed as numbers: packed.ts). */
  ids: Float64Array;
  /** CYCLE_* code. */
  cycle: Uint8Array;
  /** Merchant discount rate in basis points, −1 when none (no fee check). */
  mdrBps: Int32Array;
  /** Fee cap in minor units, −1 when none. */
  feeCap: Float64Array;
}

export function emptyMerchants(): MerchantTable {
  return { count: 0, ids: new Float64Array(0), cycle: new Uint8Array(0), mdrBps: new Int32Array(0), feeCap: new Float64Array(0) };
}

export class MerchantIndex {
  private readonly byId = new Map<number, number>();

  constructor(readonly merchants: MerchantTable) {
    for (let i = 0; i < merchants.count; i++) this.byId.set(merchants.ids[i]!, i);
  }

  /** Index of the merchant with this packed merchant_id, or −1. */
  lookup(id: number): number {
    return this.byId.get(id) ?? -1;
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
