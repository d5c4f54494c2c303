/**
 * The journal window's records as the join and settle tasks write them: every journal row that
 * leaves the open set becomes one record per match key (the layout, the state bits and the lookup
 * are in src/core/window-layout.ts, shared with the coordinator), collected per task and sorted by
 * hash into segments.
 *
 * Keys (a tag keeps their spaces apart): the order key (merchant, order_no) when the row has an
 * order number, the rrn key (merchant, terminal, rrn) when it has an rrn — a row with both gets a
 * record under each — else the stan key (terminal, stan, business date). The row's identity key is
 * the first of these it has.
 */
import { type RowBatch, withRoom } from '../src/core/batch.js';
import { FLAG_REVERSED, FLAG_VOIDED, RESPONSE_APPROVED } from '../src/core/codes.js';
import { partitionOf } from '../src/core/hash.js';
import { getI64 } from '../src/core/int64.js';
import { hashOrderKey, hashRrnKey, hashStanKey, KEY_SEED_2 } from '../src/core/keys.js';
import { alnumCode } from '../src/core/packed.js';
import type { Scratch } from '../src/core/scratch.js';
import {
  AMOUNT_UNKNOWN_HI,
  FENCE_EVERY,
  RECORD_WORDS,
  STATE_CREDITED,
  STATE_DECLINED,
  STATE_IDENTITY,
  STATE_REVERSED,
  STATE_VOIDED,
  WINDOW_PARTS,
  type WindowSegment,
} from '../src/core/window-layout.js';

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

/** The records of one business date and window partition, as a task collects them. */
type Group = { bd: number; part: number; words: Int32Array; n: number };

/** Collects the records of one task and returns them as sorted segments. */
export class WindowWriter {
  private readonly groups = new Map<number, Group>();
  /**
   * The groups of the last business date seen, by part: most records of a task have one date, and
   * a Map lookup a record was ~7% of `add` (bench/RESULTS.md, session 6).
   */
  private cachedBd = -1;
  private readonly cached: (Group | null)[] = new Array<Group | null>(WINDOW_PARTS).fill(null);

  /** With `scratch`, the unsorted records and the sort's passes use it (scratch.ts). */
  constructor(
    private readonly runDay: number,
    private readonly scratch?: Scratch,
  ) {}

  /** `words`, or a larger copy of it (from the scratch when there is one) with room for `need` words. */
  private room(words: Int32Array, need: number): Int32Array {
    if (need <= words.length) return words;
    if (!this.scratch) return withRoom(words, need);
    let next = Math.max(words.length * 2, RECORD_WORDS * 64);
    while (next < need) next *= 2;
    const grown = this.scratch.i32(next);
    grown.set(words);
    return grown;
  }

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
    let g = bd === this.cachedBd ? this.cached[part]! : null;
    if (g === null) {
      const key = bd * 4096 + part;
      g = this.groups.get(key) ?? null;
      if (g === null) {
        g = { bd, part, words: this.room(new Int32Array(0), RECORD_WORDS * 64), n: 0 };
        this.groups.set(key, g);
      }
      if (bd !== this.cachedBd) {
        this.cachedBd = bd;
        this.cached.fill(null);
      }
      this.cached[part] = g;
    }
    g.words = this.room(g.words, (g.n + 1) * RECORD_WORDS);
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
    for (const g of this.groups.values()) out.push(sortSegment(g.bd, g.part, g.words, g.n, this.scratch));
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
export function sortSegment(
  businessDate: number,
  part: number,
  words: Int32Array,
  n: number,
  scratch?: Scratch,
): WindowSegment {
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
    const out: Int32Array = to ?? (scratch ? scratch.i32(n * RECORD_WORDS) : new Int32Array(n * RECORD_WORDS));
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
  // The segment leaves the task: its own memory, not the caller's words or the scratch.
  const records = from === words || scratch ? from.slice(0, n * RECORD_WORDS) : from;
  const fences = new Uint32Array(Math.ceil(n / FENCE_EVERY));
  for (let k = 0; k < fences.length; k++) fences[k] = records[k * FENCE_EVERY * RECORD_WORDS]! >>> 0;
  return { businessDate, part, count: n, records, fences };
}
