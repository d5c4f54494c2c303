/**
 * Match keys (DESIGN §5) and their hashes, from packed ids (packed.ts) and order-number bytes.
 *
 * - order key, pass 1:     (merchant_id, order_no)            — QR rows
 * - rrn key, pass 2:       (merchant_id, terminal_id, rrn)    — card rows
 * - terminal key:          (terminal_id)                      — rows with neither (pass 3/4 territory)
 *
 * The primary key of a row (what the scan partitions by) is, for a journal card row, its rrn key;
 * otherwise its order key when it has an order_no, else its rrn key, else its terminal key. Voids and
 * reversals are keyed by the original they point at (orig_rrn read as the original's order_no for QR,
 * as its rrn for cards), so that a void lands in the same partition as its sale. A tag keeps the key
 * spaces apart.
 */
import type { RowBatch } from './batch.js';
import { finish, hashField, hashInt, HASH_SEED } from './hash.js';

const TAG_ORDER = 1;
const TAG_RRN = 2;
const TAG_TERMINAL = 3;

const TWO_32 = 4_294_967_296;

/** Mixes an integer-valued double (|v| < 2^53) into a hash state. */
export function hashNum(h: number, v: number): number {
  const hi = Math.floor(v / TWO_32);
  return hashInt(hashInt(h, (v - hi * TWO_32) | 0), hi | 0);
}

export function hashOrderKey(merchant: number, o: Uint8Array, os: number, oe: number): number {
  return finish(hashField(hashNum(hashInt(HASH_SEED, TAG_ORDER), merchant), o, os, oe));
}

export function hashRrnKey(merchant: number, terminal: number, rrnHi: number, rrnLo: number): number {
  return finish(hashNum(hashNum(hashNum(hashNum(hashInt(HASH_SEED, TAG_RRN), merchant), terminal), rrnHi), rrnLo));
}

export function hashTerminalKey(terminal: number): number {
  return finish(hashNum(hashInt(HASH_SEED, TAG_TERMINAL), terminal));
}

/** Order key hash of row i of a batch (pass 1). */
export function orderKeyOf(b: RowBatch, i: number): number {
  const o = b.order_no;
  return hashOrderKey(b.merchant_id[i]!, o.bytes, o.offsets[i]!, o.offsets[i + 1]!);
}

/** Rrn key hash of row i of a batch (pass 2). */
export function rrnKeyOf(b: RowBatch, i: number): number {
  return hashRrnKey(b.merchant_id[i]!, b.terminal_id[i]!, b.rrn_hi[i]!, b.rrn_lo[i]!);
}

/** Whether row i carries an rrn. */
export function hasRrn(b: RowBatch, i: number): boolean {
  return b.rrn_hi[i] !== 0;
}

/** Same rrn key (merchant, terminal, rrn) on row i of a and row j of b. */
export function sameRrnKey(a: RowBatch, i: number, b: RowBatch, j: number): boolean {
  return a.rrn_lo[i] === b.rrn_lo[j] && a.rrn_hi[i] === b.rrn_hi[j] && a.terminal_id[i] === b.terminal_id[j] && a.merchant_id[i] === b.merchant_id[j];
}
