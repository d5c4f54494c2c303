/**
 * What a scan task hands the coordinator for the payout leg (DESIGN §3.5, §6.2), as typed arrays that
 * cross threads without copying:
 * - PayoutRows: the accepted rows of a payout file's chunk, in line order. Payouts are one row per
 *   merchant and day, a few tens of thousands a night: the coordinator reads them as objects
 *   (src/run/payout-stage.ts), the workers only parse and mask them.
 * - PayoutSums: what a clearing chunk's rows add to the expected payout of each (merchant,
 *   settle_date): Σ net_minor of SETTLED rows, SALE and RELEASE +, REFUND and REVERSAL −. Summed in
 *   the scan from values it has parsed anyway, only when the run has a payout leg.
 *
 * Vocabulary
 * - line: the row's line in its chunk, from 0 (the coordinator adds the chunk's first line, as for
 *   every other row: src/run/scanned-lines.ts).
 * - text: each payout row's four text values (payout_id, reason_code, account_masked — masked —,
 *   orig_payout_id), one after the other in `text`; `ends` holds the end of each.
 */
import { STATUS_SETTLED, TYPE_REFUND, TYPE_RELEASE, TYPE_REVERSAL, TYPE_SALE } from './codes.js';

/** Text values of a payout row, in `text` order. */
export const PAYOUT_TEXTS = 4;

export interface PayoutRows {
  length: number;
  line: Int32Array;
  merchant: Float64Array;
  /** Epoch days. */
  settle: Int32Array;
  amount: Float64Array;
  /** codes.ts PAYOUT_* */
  status: Uint8Array;
  statusDate: Int32Array;
  /** The ISO 4217 code's three bytes, packed (field-rules.ts 'code'). */
  currency: Int32Array;
  text: Uint8Array;
  /** PAYOUT_TEXTS ends per row into `text`. */
  ends: Int32Array;
  textLength: number;
}

export function allocPayoutRows(capacity: number): PayoutRows {
  return {
    length: 0,
    line: new Int32Array(capacity),
    merchant: new Float64Array(capacity),
    settle: new Int32Array(capacity),
    amount: new Float64Array(capacity),
    status: new Uint8Array(capacity),
    statusDate: new Int32Array(capacity),
    currency: new Int32Array(capacity),
    text: new Uint8Array(capacity * 48),
    ends: new Int32Array(capacity * PAYOUT_TEXTS),
    textLength: 0,
  };
}

/** Room for one more row, growing every column (payout files are small: a copy now and then). */
export function payoutRowRoom(p: PayoutRows): PayoutRows {
  if (p.length < p.line.length) return p;
  const n = p.line.length * 2;
  const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, size: number): T => {
    const b = new (a.constructor as { new (n: number): T })(size);
    b.set(a);
    return b;
  };
  return {
    ...p,
    line: grow(p.line, n),
    merchant: grow(p.merchant, n),
    settle: grow(p.settle, n),
    amount: grow(p.amount, n),
    status: grow(p.status, n),
    statusDate: grow(p.statusDate, n),
    currency: grow(p.currency, n),
    ends: grow(p.ends, n * PAYOUT_TEXTS),
  };
}

/** Writes src[s, e) as text value `k` (0 to PAYOUT_TEXTS − 1, in order) of the row being written. */
export function appendPayoutText(p: PayoutRows, k: number, src: Uint8Array, s: number, e: number): void {
  const need = p.textLength + (e - s);
  if (need > p.text.length) {
    const t = new Uint8Array(Math.max(need, p.text.length * 2));
    t.set(p.text.subarray(0, p.textLength));
    p.text = t;
  }
  p.text.set(src.subarray(s, e), p.textLength);
  p.textLength = need;
  p.ends[p.length * PAYOUT_TEXTS + k] = need;
}

export interface PayoutSums {
  length: number;
  merchant: Float64Array;
  settle: Int32Array;
  net: Float64Array;
  rows: Int32Array;
  /** The line (in the chunk) of the first row that counted: a PAYOUT_MISSING's subject. */
  firstLine: Int32Array;
  /** Open addressing over (merchant, settle): slot → entry + 1 (0 = empty). */
  slots: Int32Array;
}

export function allocPayoutSums(capacity = 1024): PayoutSums {
  return {
    length: 0,
    merchant: new Float64Array(capacity),
    settle: new Int32Array(capacity),
    net: new Float64Array(capacity),
    rows: new Int32Array(capacity),
    firstLine: new Int32Array(capacity),
    slots: new Int32Array(capacity * 2),
  };
}

/** The sign with which a clearing row's net counts in the expected payout (DESIGN §3.5): 1, −1 or 0. */
export function payoutSign(type: number, status: number): number {
  if (status !== STATUS_SETTLED) return 0;
  if (type === TYPE_SALE || type === TYPE_RELEASE) return 1;
  if (type === TYPE_REFUND || type === TYPE_REVERSAL) return -1;
  return 0;
}

function slotOf(merchant: number, settle: number, mask: number): number {
  const lo = merchant >>> 0;
  const hi = (merchant / 4294967296) | 0;
  return (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(settle, 0x85ebca6b), 0xc2b2ae35) >>> 0) & mask;
}

/**
 * Adds a clearing row's signed net to its (merchant, settle) entry (or `count` rows' sum, whose first
 * row is at `line`: a chunk's entry merged into the run's). Allocates only when the table grows.
 */
export function addPayoutSum(
  s: PayoutSums,
  merchant: number,
  settle: number,
  net: number,
  line: number,
  count = 1,
): PayoutSums {
  let t = s;
  if (t.length * 2 >= t.slots.length) t = growSums(t);
  const mask = t.slots.length - 1;
  let i = slotOf(merchant, settle, mask);
  for (;;) {
    const at = t.slots[i]!;
    if (at === 0) break;
    const k = at - 1;
    if (t.merchant[k] === merchant && t.settle[k] === settle) {
      t.net[k]! += net;
      t.rows[k]! += count;
      return t;
    }
    i = (i + 1) & mask;
  }
  const k = t.length++;
  t.merchant[k] = merchant;
  t.settle[k] = settle;
  t.net[k] = net;
  t.rows[k] = count;
  t.firstLine[k] = line;
  t.slots[i] = k + 1;
  return t;
}

/** The table at twice the room, its entries in the same order (an entry keeps its index). */
function growSums(s: PayoutSums): PayoutSums {
  let t = allocPayoutSums(s.merchant.length * 2);
  for (let k = 0; k < s.length; k++)
    t = addPayoutSum(t, s.merchant[k]!, s.settle[k]!, s.net[k]!, s.firstLine[k]!, s.rows[k]!);
  return t;
}
