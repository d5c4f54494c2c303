/**
 * Match keys (DESIGN §5) and their hashes, computed from bytes.
 *
 * - order key, pass 1:     (merchant_id, order_no)            — QR rows
 * - rrn key, pass 2:       (merchant_id, terminal_id, rrn)    — card rows
 * - terminal key:          (terminal_id)                      — rows with neither (pass 3/4 territory)
 *
 * The primary key of a row (what the scan partitions by) is its order key when it has an order_no,
 * else its rrn key, else its terminal key. Voids and reversals are keyed by the original they point
 * at (orig_rrn read as the original's order_no for QR, as its rrn for cards), so that a void lands
 * in the same partition as its sale. A tag keeps the key spaces apart.
 */
import type { RowBatch } from './batch.js';
import { CHANNEL_QR, TYPE_REVERSAL, TYPE_VOID } from './codes.js';
import { finish, hashField, hashInt, HASH_SEED } from './hash.js';

const TAG_ORDER = 1;
const TAG_RRN = 2;
const TAG_TERMINAL = 3;

export function hashOrderKey(m: Uint8Array, ms: number, me: number, o: Uint8Array, os: number, oe: number): number {
  return finish(hashField(hashField(hashInt(HASH_SEED, TAG_ORDER), m, ms, me), o, os, oe));
}

export function hashRrnKey(
  m: Uint8Array,
  ms: number,
  me: number,
  t: Uint8Array,
  ts: number,
  te: number,
  r: Uint8Array,
  rs: number,
  re: number,
): number {
  return finish(hashField(hashField(hashField(hashInt(HASH_SEED, TAG_RRN), m, ms, me), t, ts, te), r, rs, re));
}

export function hashTerminalKey(t: Uint8Array, ts: number, te: number): number {
  return finish(hashField(hashInt(HASH_SEED, TAG_TERMINAL), t, ts, te));
}

/** Order key hash of row i of a batch (pass 1). */
export function orderKeyOf(b: RowBatch, i: number): number {
  const m = b.merchant_id;
  const o = b.order_no;
  return hashOrderKey(m.bytes, m.offsets[i]!, m.offsets[i + 1]!, o.bytes, o.offsets[i]!, o.offsets[i + 1]!);
}

/** Rrn key hash of row i of a batch (pass 2). */
export function rrnKeyOf(b: RowBatch, i: number): number {
  const m = b.merchant_id;
  const t = b.terminal_id;
  const r = b.rrn;
  return hashRrnKey(m.bytes, m.offsets[i]!, m.offsets[i + 1]!, t.bytes, t.offsets[i]!, t.offsets[i + 1]!, r.bytes, r.offsets[i]!, r.offsets[i + 1]!);
}

/** Whether a row points at an original through orig_rrn instead of carrying its own key. */
export function isLinkRow(journal: boolean, type: number): boolean {
  return type === TYPE_REVERSAL || (journal && type === TYPE_VOID);
}

/** Whether orig_rrn of a link row names a QR original (its order_no) rather than a card rrn. */
export function linksByOrder(journal: boolean, channel: number, orderLen: number): boolean {
  return journal ? channel === CHANNEL_QR : orderLen > 0;
}
