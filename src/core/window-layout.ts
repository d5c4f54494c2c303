/**
 * The journal window in compact form (DESIGN §9): every journal row that leaves the open set
 * (credited, or closed without a credit) becomes one 32-byte record per match key, sorted by the
 * key's 64-bit hash, in segments of (business date, partition of the key). The store keeps the
 * segments as bytes (recon.window_segment) with a fence of every FENCE_EVERY-th hash, so a lookup
 * reads a page, not a segment, and a run writes tens of MB instead of millions of rows. The join and
 * settle tasks write the records (workers/window-records.ts); the coordinator stores and looks them
 * up (src/run/journal-window.ts, src/run/window-checks.ts).
 *
 * A record (8 Int32 words):
 *   0 hash hi · 1 hash lo · 2 line · 3 txn_time (epoch seconds) · 4 amount lo
 *   5 stan (low 20) | response code (high 12, two 6-bit alnum codes)
 *   6 file (low 16) | runs back to the row's src_run (high 16)
 *   7 amount hi (low 16, signed) | expected − business date (bits 16–23) | state (bits 24–31)
 * state: bit 0 credited, 1 voided, 2 reversed, 3 declined, 4–6 the row's type code, 7 set when the
 * record's key is the row's own identity key (the one rule 8 compares copies by).
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

/**
 * Words per copy key, the identity key of a new journal row the scan returns to be looked up in the
 * window (rule 8 across runs): partition, row in its batch, hash hi, hash lo, business date,
 * type | response << 8, amount (2).
 */
export const COPY_KEY_WIDTH = 8;

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
