/**
 * The journal window in compact form (DESIGN §9): every journal row that leaves the open set
 * (credited, or closed without a credit) becomes one 32-byte record per match key, sorted by the
 * key's 64-bit hash, in segments of (business date, partition of the key). The store keeps the
 * segments as bytes (recon.window_segment) with a fence of every FENCE_EVERY-th hash, so a lookup
 * reads a page, not a segment, and a run writes tens of MB instead of millions of rows.
 *
 * A record (8 Int32 words):
 *   0 hash hi · 1 hash lo · 2 line · 3 txn_time (epoch seconds) · 4 amount lo
 *   5 stan (low 20) | response code (high 12, two 6-bit alnum codes)
 *   6 file (low 16) | runs back to the row's src_run (high 16)
 *   7 amount hi (low 16, signed) | expected − business date (bits 16–23) | state (bits 24–31)
 * state: bit 0 credited, 1 voided, 2 reversed, 3 declined, 4–6 the row's type code, 7 set when the
 * record's key is the row's own identity key (the one rule 8 compares copies by).
 *
 * Keys (a tag keeps their spaces apart): the order key (merchant, order_no) when the row has an
 * order number, the rrn key (merchant, terminal, rrn) when it has an rrn — a row with both gets a
 * record under each — else the stan key (terminal, stan, business date). The row's identity key is
 * the first of these it has.
 *
 * Equal keys are recognised by their 64-bit hash alone (both words: findInRecords), not by the key's
 * bytes, which a record has no room for. The bound on a false match: a run looks up only the few
 * keys no partition settled (unmatched credits, journal rows of earlier business dates), each in one
 * of WINDOW_PARTS partitions of the business dates around its own. With L keys a night against N
 * records each, a false hit is expected L·N/2^64 times: at 5M rows a night, L = 50,000 (1%) and
 * N = 7 days × 5M / 16 ≈ 2.2M give 6·10⁻⁹ a night, about one in 450,000 years of nightly runs. A
 * false hit would need equal 64-bit hashes of two different keys of the same merchant's partition
 * and dates.
 */
import { type RowBatch, withRoom } from '../src/core/batch.js';
import { FLAG_REVERSED, FLAG_VOIDED, RESPONSE_APPROVED } from '../src/core/codes.js';
import { partitionOf } from '../src/core/hash.js';
import { getI64 } from '../src/core/int64.js';
import { hashOrderKey, hashRrnKey, hashStanKey, KEY_SEED_2 } from '../src/core/keys.js';
import { alnumCode } from '../src/core/packed.js';

export const RECORD_WORDS = 8;
export const RECORD_BYTES = RECORD_WORDS * 4;
/** One fence (the hash hi of a record) every FENCE_EVERY records: a page is that many records. */
export const FENCE_EVERY = 32;
/**
 * Records a row of recon.window_page holds (seven pages, 7 KB): small enough to stay in line in a
 * heap page, so the store writes no TOAST chunks (migration 0003 cuts existing segments the same way).
 */
export const ROW_RECORDS = 7 * FENCE_EVERY;

/**
 * Window segments are grouped by a partition of their key's hash: a fixed number, independent of
 * a run's --partitions, so that runs with different settings read each other's segments.
 */
export const WINDOW_PARTS = 16;

export const STATE_CREDITED = 1;
export const STATE_VOIDED = 2;
export const STATE_REVERSED = 4;
export const STATE_DECLINED = 8;
/** State bit: the record's key is its row's identity key. */
export const STATE_IDENTITY = 128;

/** Amounts beyond ±2^47 minor units do not fit a record; such rows are stored with this marker. */
export const AMOUNT_UNKNOWN_HI = -32768;

export interface WindowSegment {
  businessDate: number;
  part: number;
  count: number;
  /** count × RECORD_WORDS words, sorted by hash hi (equal hashes in the order they were added). */
  records: Int32Array;
  /** hash hi of records 0, FENCE_EVERY, 2·FENCE_EVERY, … */
  fences: Uint32Array;
}

/** The 64-bit hash of a key, as the record holds it. */
export interface KeyHash {
  hi: number;
  lo: number;
}

/**
 * The 64-bit hash of row j's identity key (the key rule 8 compares copies by) into out[0], out[1]:
 * its order key, else its rrn key, else its stan key.
 */
export function identityKey(J: RowBatch, j: number, out: Int32Array): void {
  const m = J.merchant_id[j]!;
  const o = J.order_no;
  const s = o.offsets[j]!;
  const e = o.offsets[j + 1]!;
  // The first word is the row's own key hash (the scan's key_hash); the second hashes it again.
  out[0] = J.key_hash[j]!;
  if (e > s) out[1] = hashOrderKey(m, o.bytes, s, e, KEY_SEED_2);
  else if (J.rrn_hi[j] !== 0) out[1] = hashRrnKey(m, J.terminal_id[j]!, J.rrn_hi[j]!, J.rrn_lo[j]!, KEY_SEED_2);
  else out[1] = hashStanKey(J.terminal_id[j]!, J.stan[j]!, J.business_date[j]!, KEY_SEED_2);
}

/** Collects the records of one task and returns them as sorted segments. */
export class WindowWriter {
  private readonly groups = new Map<number, { bd: number; part: number; words: Int32Array; n: number }>();

  constructor(private readonly runDay: number) {}

  /** Journal row j of J leaves the open set; `credited` when a credit (or refund debit) took it. */
  add(J: RowBatch, j: number, credited: boolean): void {
    const m = J.merchant_id[j]!;
    // key_hash is the hash of the row's first key (its identity key); a row with an order number
    // and an rrn gets a record under its rrn key too.
    const own = J.key_hash[j]!;
    const o = J.order_no;
    const s = o.offsets[j]!;
    const e = o.offsets[j + 1]!;
    const t = J.terminal_id[j]!;
    if (e > s) {
      this.record(J, j, credited, true, own, hashOrderKey(m, o.bytes, s, e, KEY_SEED_2));
      if (J.rrn_hi[j] !== 0)
        this.record(
          J,
          j,
          credited,
          false,
          hashRrnKey(m, t, J.rrn_hi[j]!, J.rrn_lo[j]!),
          hashRrnKey(m, t, J.rrn_hi[j]!, J.rrn_lo[j]!, KEY_SEED_2),
        );
    } else if (J.rrn_hi[j] !== 0) {
      this.record(J, j, credited, true, own, hashRrnKey(m, t, J.rrn_hi[j]!, J.rrn_lo[j]!, KEY_SEED_2));
    } else {
      this.record(J, j, credited, true, own, hashStanKey(t, J.stan[j]!, J.business_date[j]!, KEY_SEED_2));
    }
  }

  private record(J: RowBatch, j: number, credited: boolean, identity: boolean, hi: number, lo: number): void {
    const bd = J.business_date[j]!;
    const part = partitionOf(hi, WINDOW_PARTS);
    const key = bd * 4096 + part;
    let g = this.groups.get(key);
    if (!g) {
      g = { bd, part, words: new Int32Array(RECORD_WORDS * 64), n: 0 };
      this.groups.set(key, g);
    }
    g.words = withRoom(g.words, (g.n + 1) * RECORD_WORDS);
    const w = g.words;
    const at = g.n++ * RECORD_WORDS;
    const amount = getI64(J.amount, j);
    const amountHi = Math.floor(amount / 4_294_967_296);
    const flags = J.flags[j]!;
    const state =
      (credited ? STATE_CREDITED : 0) |
      ((flags & FLAG_VOIDED) !== 0 ? STATE_VOIDED : 0) |
      ((flags & FLAG_REVERSED) !== 0 ? STATE_REVERSED : 0) |
      (J.response[j] !== RESPONSE_APPROVED ? STATE_DECLINED : 0) |
      (J.type[j]! << 4) |
      (identity ? STATE_IDENTITY : 0);
    w[at] = hi | 0;
    w[at + 1] = lo | 0;
    w[at + 2] = J.src_line[j]!;
    w[at + 3] = Math.floor(getI64(J.txn_time, j) / 1000) | 0;
    w[at + 4] = (amount - amountHi * 4_294_967_296) | 0;
    const resp = J.response[j]!;
    w[at + 5] = (J.stan[j]! & 0xfffff) | ((((alnumCode(resp >>> 8) & 63) << 6) | (alnumCode(resp & 0xff) & 63)) << 20);
    w[at + 6] = (J.src_file[j]! & 0xffff) | (((this.runDay - J.src_run[j]!) & 0xffff) << 16);
    const hi16 = amountHi >= -32767 && amountHi <= 32767 ? amountHi : AMOUNT_UNKNOWN_HI;
    w[at + 7] = (hi16 & 0xffff) | (((J.expected[j]! - bd) & 0xff) << 16) | ((state & 0xff) << 24);
  }

  /** The segments, each sorted by hash. */
  finish(): WindowSegment[] {
    const out: WindowSegment[] = [];
    for (const g of this.groups.values()) out.push(sortSegment(g.bd, g.part, g.words, g.n));
    out.sort((a, b) => a.businessDate - b.businessDate || a.part - b.part);
    return out;
  }
}

/**
 * Digits of the radix sort. Small segments: three passes of 11 bits cover the 32-bit hash hi. Large
 * ones: 14 bits, so that two passes cover bits 0–27 and the third digit is the top 4 bits, which
 * are the segment's window partition (partitionOf(hi, WINDOW_PARTS) = hi >>> 28): the same for
 * every record, so that pass is skipped. A pass moves every 32-byte record; the larger count
 * array costs its 16K entries a pass, worth it from a few thousand records on.
 */
const SMALL_BITS = 11;
const LARGE_BITS = 14;
const LARGE_FROM = 4096;
const counts = new Int32Array(1 << LARGE_BITS);

/**
 * Sorts n records by hash hi (stable: equal hashes keep their order) and computes their fences.
 * LSD radix sort that moves whole records: each pass reads the records in order and appends each to
 * its digit's run, so both sides of a pass are sequential (the write heads stay in cache). Sorting
 * (hash, record number) pairs and gathering the records at the end was cheaper in passes but its
 * gather read every record at random: two thirds of this function's time in a 5M run.
 */
export function sortSegment(businessDate: number, part: number, words: Int32Array, n: number): WindowSegment {
  const bits = n >= LARGE_FROM ? LARGE_BITS : SMALL_BITS;
  const RADIX = 1 << bits;
  const count = counts.subarray(0, RADIX);
  let from = words;
  let to: Int32Array | null = null;
  for (let shift = 0; shift < 32; shift += bits) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(from[i * RECORD_WORDS]! >>> shift) & (RADIX - 1)]!++;
    // A digit every key shares needs no pass (the partition bits, the high bits of small spans).
    if (n === 0 || count[(from[0]! >>> shift) & (RADIX - 1)] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    const out: Int32Array = to ?? new Int32Array(n * RECORD_WORDS);
    // RECORD_WORDS (8) words a record, copied word by word.
    for (let i = 0; i < n; i++) {
      const f = i * RECORD_WORDS;
      const t = count[(from[f]! >>> shift) & (RADIX - 1)]!++ * RECORD_WORDS;
      out[t] = from[f]!;
      out[t + 1] = from[f + 1]!;
      out[t + 2] = from[f + 2]!;
      out[t + 3] = from[f + 3]!;
      out[t + 4] = from[f + 4]!;
      out[t + 5] = from[f + 5]!;
      out[t + 6] = from[f + 6]!;
      out[t + 7] = from[f + 7]!;
    }
    // The caller's words are read, never written: the second pass writes to a buffer of its own.
    to = from === words ? null : from;
    from = out;
  }
  const records = from === words ? words.slice(0, n * RECORD_WORDS) : from;
  const fences = new Uint32Array(Math.ceil(n / FENCE_EVERY));
  for (let k = 0; k < fences.length; k++) fences[k] = records[k * FENCE_EVERY * RECORD_WORDS]! >>> 0;
  return { businessDate, part, count: n, records, fences };
}

/** Records of `seg` (or a page of it) whose hash is (hi, lo), as record indexes into `words`. */
export function findInRecords(words: Int32Array, count: number, hashHi: number, hashLo: number, into: number[]): void {
  const hi = hashHi >>> 0;
  // First record with hash hi ≥ the key's.
  let first = 0;
  let up = count;
  while (first < up) {
    const mid = (first + up) >>> 1;
    if (words[mid * RECORD_WORDS]! >>> 0 < hi) first = mid + 1;
    else up = mid;
  }
  for (let i = first; i < count && words[i * RECORD_WORDS]! >>> 0 === hi; i++) {
    if (words[i * RECORD_WORDS + 1]! === (hashLo | 0)) into.push(i);
  }
}
