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
import { finish, HASH_SEED, hashField, hashInt } from './hash.js';
import { strEq, strLen } from './utf8.js';

const TAG_ORDER = 1;
const TAG_RRN = 2;
const TAG_TERMINAL = 3;
const TAG_STAN = 4;

const TWO_32 = 4_294_967_296;

/** Mixes an integer-valued double (|v| < 2^53) into a hash state. */
export function hashNum(h: number, v: number): number {
  const hi = Math.floor(v / TWO_32);
  return hashInt(hashInt(h, (v - hi * TWO_32) | 0), hi | 0);
}

/** A second seed: the same keys hashed again give the low word of a 64-bit key hash. */
export const KEY_SEED_2 = 0x2545f491;

export function hashOrderKey(merchant: number, o: Uint8Array, os: number, oe: number, seed = HASH_SEED): number {
  return finish(hashField(hashNum(hashInt(seed, TAG_ORDER), merchant), o, os, oe));
}

export function hashRrnKey(merchant: number, terminal: number, rrnHi: number, rrnLo: number, seed = HASH_SEED): number {
  return finish(hashNum(hashNum(hashNum(hashNum(hashInt(seed, TAG_RRN), merchant), terminal), rrnHi), rrnLo));
}

/** The key of a card row with neither order number nor rrn: (terminal, stan, business date). */
export function hashStanKey(terminal: number, stan: number, businessDate: number, seed = HASH_SEED): number {
  return finish(hashInt(hashInt(hashNum(hashInt(seed, TAG_STAN), terminal), stan), businessDate));
}

export function hashTerminalKey(terminal: number): number {
  return finish(hashNum(hashInt(HASH_SEED, TAG_TERMINAL), terminal));
}

/** Rrn key hash of row i of a batch (pass 2). */
export function rrnKeyOf(b: RowBatch, i: number): number {
  return hashRrnKey(b.merchant_id[i]!, b.terminal_id[i]!, b.rrn_hi[i]!, b.rrn_lo[i]!);
}

/** Same rrn key (merchant, terminal, rrn) on row i of a and row j of b. */
export function sameRrnKey(a: RowBatch, i: number, b: RowBatch, j: number): boolean {
  return (
    a.rrn_lo[i] === b.rrn_lo[j] &&
    a.rrn_hi[i] === b.rrn_hi[j] &&
    a.terminal_id[i] === b.terminal_id[j] &&
    a.merchant_id[i] === b.merchant_id[j]
  );
}

/**
 * The hash of a row's own identity key: its order key (merchant, order_no) when it has an order
 * number, else its rrn key (merchant, terminal, rrn), else its stan key (terminal, stan, business
 * date). The scan stores it in RowBatch.key_hash; it is each of those key hashes where the row has
 * that key first, so tables of order keys and of rrn keys can take it as it is.
 */
export function ownKeyHash(
  merchant: number,
  terminal: number,
  rrnHi: number,
  rrnLo: number,
  o: Uint8Array,
  os: number,
  oe: number,
  stan: number,
  businessDate: number,
): number {
  if (oe > os) return hashOrderKey(merchant, o, os, oe);
  if (rrnHi !== 0) return hashRrnKey(merchant, terminal, rrnHi, rrnLo);
  return hashStanKey(terminal, stan, businessDate);
}

/** Order key hash of row i, from key_hash (row i has an order number). */
export function orderKeyHash(b: RowBatch, i: number): number {
  return b.key_hash[i]!;
}

/** Rrn key hash of row i (which has an rrn): key_hash unless the row's own key is its order key. */
export function rrnKeyHash(b: RowBatch, i: number): number {
  return strLen(b.order_no, i) > 0 ? rrnKeyOf(b, i) : b.key_hash[i]!;
}

/**
 * Hash of a journal row's identity for DUPLICATE_JOURNAL (DESIGN §6.1 rule 8): type, response code,
 * amount and its own match key (order key, else rrn key, else terminal + stan + business date: the
 * key key_hash holds). The response code is part of it: a declined attempt and the approved retry
 * under the same order number are two records, not a copy.
 */
export function copyHash(J: RowBatch, j: number): number {
  const h = hashInt(hashInt(hashInt(J.key_hash[j]!, J.type[j]!), J.response[j]!), J.amount[2 * j]!);
  return finish(hashInt(h, J.amount[2 * j + 1]!));
}

/** Whether journal rows a and b are copies of each other (same identity as copyHash). */
export function sameCopy(J: RowBatch, a: number, b: number): boolean {
  if (
    J.type[a] !== J.type[b] ||
    J.response[a] !== J.response[b] ||
    J.amount[2 * a] !== J.amount[2 * b] ||
    J.amount[2 * a + 1] !== J.amount[2 * b + 1]
  )
    return false;
  if (J.merchant_id[a] !== J.merchant_id[b] || !strEq(J.order_no, a, J.order_no, b)) return false;
  if (strLen(J.order_no, a) > 0) return true;
  if (!sameRrnKey(J, a, J, b)) return false;
  if (J.rrn_hi[a] !== 0) return true;
  return J.stan[a] === J.stan[b] && J.business_date[a] === J.business_date[b];
}
