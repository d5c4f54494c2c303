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
  /**
   * The merchants' numbers at payment platforms (the file's optional `aliases` column, DESIGN §3.4),
   * for files read through a profile: per alias its platform (an index into `aliasPlatforms`), the
   * platform's number for the merchant, and the merchant's index. Absent when no merchant has one.
   */
  aliases?: {
    platforms: string[];
    platform: Uint8Array;
    id: Float64Array;
    merchant: Int32Array;
  };
}

/** A platform's merchant numbers → merchant_id, from the table's aliases (empty when it has none). */
export function aliasesFor(table: MerchantTable, platform: string): Map<number, number> {
  const out = new Map<number, number>();
  const a = table.aliases;
  if (!a) return out;
  const p = a.platforms.indexOf(platform);
  for (let i = 0; i < a.id.length; i++) if (a.platform[i] === p) out.set(a.id[i]!, table.ids[a.merchant[i]!]!);
  return out;
}

export function emptyMerchants(): MerchantTable {
  return {
    count: 0,
    ids: new Float64Array(0),
    cycle: new Uint8Array(0),
    mdrBps: new Int32Array(0),
    feeCap: new Float64Array(0),
  };
}

/**
 * Merchant lookup by packed merchant_id: an open-addressing table of the ids (Float64) and their
 * indexes, probed with a mix of the id's two 32-bit halves. Faster than a Map on the scan's path.
 */
export class MerchantIndex {
  private readonly keys: Float64Array;
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(readonly merchants: MerchantTable) {
    let cap = 16;
    while (cap < merchants.count * 2) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Float64Array(cap);
    this.slots = new Int32Array(cap).fill(-1);
    for (let i = 0; i < merchants.count; i++) {
      const id = merchants.ids[i]!;
      let s = slotOf(id) & this.mask;
      while (this.slots[s]! >= 0 && this.keys[s] !== id) s = (s + 1) & this.mask;
      this.keys[s] = id;
      this.slots[s] = i;
    }
  }

  /** Index of the merchant with this packed merchant_id, or −1. */
  lookup(id: number): number {
    const mask = this.mask;
    let s = slotOf(id) & mask;
    for (;;) {
      const v = this.slots[s]!;
      if (v < 0 || this.keys[s] === id) return v;
      s = (s + 1) & mask;
    }
  }
}

/**
 * A platform's merchant numbers → merchant_id (the merchants file's aliases), for the scan's path:
 * the same open addressing as MerchantIndex.
 */
export class AliasIndex {
  private readonly keys: Float64Array;
  private readonly ids: Float64Array;
  private readonly mask: number;

  constructor(aliases: ReadonlyMap<number, number>) {
    let cap = 16;
    while (cap < aliases.size * 2) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Float64Array(cap);
    this.ids = new Float64Array(cap).fill(-1);
    for (const [number, id] of aliases) {
      let s = slotOf(number) & this.mask;
      while (this.ids[s]! >= 0 && this.keys[s] !== number) s = (s + 1) & this.mask;
      this.keys[s] = number;
      this.ids[s] = id;
    }
  }

  /** The merchant_id of this platform merchant number, or −1. */
  merchantOf(number: number): number {
    const mask = this.mask;
    let s = slotOf(number) & mask;
    for (;;) {
      const id = this.ids[s]!;
      if (id < 0 || this.keys[s] === number) return id;
      s = (s + 1) & mask;
    }
  }
}

function slotOf(id: number): number {
  const hi = Math.floor(id / 4_294_967_296);
  return Math.imul((id | 0) ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 13;
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
