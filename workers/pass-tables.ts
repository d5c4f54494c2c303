/**
 * Journal rows keyed for passes 1 and 2 (DESIGN §5) — (merchant_id, order_no) and (merchant_id,
 * terminal_id, rrn) — in open-addressing hash tables, and the probes that visit the rows whose key
 * equals a clearing row's (or the key a link row names through orig_rrn), in insertion order.
 */
import type { RowBatch } from '../src/core/batch.js';
import { RESPONSE_APPROVED, TYPE_REFUND } from '../src/core/codes.js';
import { bytesEqual } from '../src/core/hash.js';
import { getI64 } from '../src/core/int64.js';
import { KeyTable } from '../src/core/key-table.js';
import { hashOrderKey, hashRrnKey, orderKeyHash, rrnKeyHash } from '../src/core/keys.js';
import { packAlnum } from '../src/core/packed.js';
import { isClearingRefund, isCreditDomain, isCreditLike, isHold } from '../src/core/row-terms.js';
import type { Scratch } from '../src/core/scratch.js';
import { strLen } from '../src/core/utf8.js';

/** Order key of the original a link row names (its orig_rrn read as an order_no); a row's own is its key_hash. */
function origOrderHash(B: RowBatch, i: number): number {
  const o = B.orig_rrn;
  return hashOrderKey(B.merchant_id[i]!, o.bytes, o.offsets[i]!, o.offsets[i + 1]!);
}

/**
 * The rrn a row names through orig_rrn, as packed halves in `into` ([0, 0] when orig_rrn is not an
 * rrn: 12 alphanumerics).
 */
function origRrn(B: RowBatch, i: number, into: Float64Array): void {
  const o = B.orig_rrn;
  const s = o.offsets[i]!;
  const e = o.offsets[i + 1]!;
  const hi = e - s === 12 ? packAlnum(o.bytes, s, s + 6) : -1;
  const lo = e - s === 12 ? packAlnum(o.bytes, s + 6, e) : -1;
  into[0] = hi > 0 && lo > 0 ? hi : 0;
  into[1] = hi > 0 && lo > 0 ? lo : 0;
}

/**
 * What a probe calls for each journal row with the key it looks for, in order, until it returns
 * true. An object rather than a closure: a join task's closures are new functions every task, and
 * code the compiler specialised to one of them is thrown away at the next (a "wrong call target"
 * deoptimization, then a recompile of the caller: V8 compiled `passes` ~10 times a worker).
 */
export interface Visitor {
  visit(j: number): boolean;
}

/** The domains passes 1 and 2 pair within (DESIGN §6.1 rule 4): credits and holds, or refunds. */
export const DOMAIN_CREDIT = 0;
export const DOMAIN_REFUND = 1;

function inDomain(J: RowBatch, j: number, domain: number): boolean {
  return domain === DOMAIN_CREDIT ? isCreditDomain(J.type[j]!) : J.type[j] === TYPE_REFUND;
}

/** Journal rows keyed for passes 1 and 2 (and for links), over one domain. */
export class PassTables {
  readonly byOrder: KeyTable;
  readonly byRrn: KeyTable;
  private readonly orig = new Float64Array(2);

  /**
   * The journal rows of `domain` (DOMAIN_*) not taken out by `gone` (a row j with gone[j] ≠ 0 is
   * left out; null: none is). With `scratch`, the tables and the row list come from it (scratch.ts).
   */
  constructor(
    readonly J: RowBatch,
    domain: number,
    gone: Uint8Array | null,
    scratch?: Scratch,
  ) {
    // The tables are sized for the rows of the domain, not of the batch: the refund domain is a few
    // rows of a partition, and a table sized for all of them is megabytes allocated for nothing.
    const rows = scratch ? scratch.i32(J.length) : new Int32Array(J.length);
    let n = 0;
    let orders = 0;
    let rrns = 0;
    for (let j = 0; j < J.length; j++) {
      if ((gone !== null && gone[j] !== 0) || !inDomain(J, j, domain)) continue;
      rows[n++] = j;
      if (strLen(J.order_no, j) > 0) orders++;
      if (J.rrn_hi[j] !== 0) rrns++;
    }
    this.byOrder = new KeyTable(orders, scratch);
    this.byRrn = new KeyTable(rrns, scratch);
    for (let k = 0; k < n; k++) {
      const j = rows[k]!;
      if (strLen(J.order_no, j) > 0) this.byOrder.insert(orderKeyHash(J, j), j);
      if (J.rrn_hi[j] !== 0) this.byRrn.insert(rrnKeyHash(J, j), j);
    }
  }

  /**
   * Journal rows whose pass-1 key equals row i of B (its own key, or with viaOrig the key its
   * orig_rrn names), in order; calls visit(j) until it returns true. Returns the row visit accepted.
   */
  findOrder(B: RowBatch, i: number, viaOrig: boolean, visitor: Visitor): number {
    if (this.byOrder.size === 0) return -1;
    const J = this.J;
    const key = viaOrig ? B.orig_rrn : B.order_no;
    if (!viaOrig && strLen(key, i) === 0) return -1; // no order number: no pass-1 key
    const h = viaOrig ? origOrderHash(B, i) : orderKeyHash(B, i);
    const merchant = B.merchant_id[i]!;
    for (let s = this.byOrder.find(h); s >= 0; s = this.byOrder.findNext(s, h)) {
      const j = this.byOrder.rowAt(s);
      if (J.merchant_id[j] !== merchant) continue;
      if (
        !bytesEqual(
          J.order_no.bytes,
          J.order_no.offsets[j]!,
          J.order_no.offsets[j + 1]!,
          key.bytes,
          key.offsets[i]!,
          key.offsets[i + 1]!,
        )
      )
        continue;
      if (visitor.visit(j)) return j;
    }
    return -1;
  }

  findRrn(B: RowBatch, i: number, viaOrig: boolean, visitor: Visitor): number {
    if (this.byRrn.size === 0) return -1;
    const J = this.J;
    let hi = B.rrn_hi[i]!;
    let lo = B.rrn_lo[i]!;
    if (viaOrig) {
      origRrn(B, i, this.orig);
      hi = this.orig[0]!;
      lo = this.orig[1]!;
    }
    const merchant = B.merchant_id[i]!;
    const terminal = B.terminal_id[i]!;
    if (hi === 0) return -1; // no rrn: no pass-2 key
    const h = viaOrig ? hashRrnKey(merchant, terminal, hi, lo) : rrnKeyHash(B, i);
    for (let s = this.byRrn.find(h); s >= 0; s = this.byRrn.findNext(s, h)) {
      const j = this.byRrn.rowAt(s);
      if (J.rrn_lo[j] !== lo || J.rrn_hi[j] !== hi || J.terminal_id[j] !== terminal || J.merchant_id[j] !== merchant)
        continue;
      if (visitor.visit(j)) return j;
    }
    return -1;
  }
}

/** What a probe is for: a credit, a hold, or a refund (DESIGN §6.1 rules 2–4). */
export const PROBE_CREDIT = 0;
export const PROBE_HOLD = 1;
export const PROBE_REFUND = 2;

/**
 * Pairs of one set of journal rows J and clearing rows C, as passes 1 and 2 make them.
 *
 * Among the journal rows whose key equals a clearing row's, in order: a credit takes the first one not
 * yet credited, preferring an approved row and then one of the same amount; finding only credited
 * ones it is a duplicate of the first (rule 6). A hold takes a row without credit or hold likewise,
 * and otherwise just names the first: it is never a duplicate. A refund takes a free refund.
 * With `approvedOnly` (the partition join), declined journal rows are no candidates at all: a credit
 * that only they could take waits for the earlier runs' window and the settle task, so that a second
 * credit of an order with a declined attempt is a duplicate whichever day it arrives.
 */
export class Pairing implements Visitor {
  /** Credit (or refund) that took journal row j, −1 if none. */
  readonly jCredit: Int32Array;
  /** Hold that matched journal row j, −1 if none. */
  readonly jHold: Int32Array;
  /** Extra credits that hit journal row j, the first of them, and their gross total. */
  readonly jDup: Int32Array;
  readonly jFirstDup: Int32Array;
  readonly jDupGross: Float64Array;
  /** 0 open, 1 matched (credit, hold or refund), 2 duplicate credit (consumed), 3 closed. */
  readonly cState: Uint8Array;
  /** The journal row a matched or duplicate clearing row points at, −1 if none. */
  readonly cPair: Int32Array;

  private mode = PROBE_CREDIT;
  private c = -1;
  private first = -1;
  private best = -1;
  private bestScore = -1;
  /** A probe's candidate j (Visitor): the best open one so far is kept in `best`. */
  visit(j: number): boolean {
    const approved = this.J.response[j] === RESPONSE_APPROVED;
    if (this.approvedOnly && !approved) return false;
    if (this.first < 0) this.first = j;
    const open = this.mode === PROBE_HOLD ? this.jCredit[j]! < 0 && this.jHold[j]! < 0 : this.jCredit[j]! < 0;
    if (!open) return false;
    const J = this.J;
    const C = this.C;
    const c = this.c;
    const sameAmount = J.amount[2 * j] === C.amount[2 * c] && J.amount[2 * j + 1] === C.amount[2 * c + 1];
    const score = (approved ? 2 : 0) + (sameAmount ? 1 : 0);
    if (score > this.bestScore) {
      this.best = j;
      this.bestScore = score;
    }
    return score === 3;
  }

  constructor(
    readonly J: RowBatch,
    readonly C: RowBatch,
    private readonly approvedOnly: boolean,
    scratch?: Scratch,
  ) {
    const nJ = J.length;
    const nC = C.length;
    this.jCredit = (scratch ? scratch.i32(nJ) : new Int32Array(nJ)).fill(-1);
    this.jHold = (scratch ? scratch.i32(nJ) : new Int32Array(nJ)).fill(-1);
    this.jDup = (scratch ? scratch.i32(nJ) : new Int32Array(nJ)).fill(0);
    this.jFirstDup = (scratch ? scratch.i32(nJ) : new Int32Array(nJ)).fill(-1);
    this.jDupGross = (scratch ? scratch.f64(nJ) : new Float64Array(nJ)).fill(0);
    this.cState = (scratch ? scratch.u8(nC) : new Uint8Array(nC)).fill(0);
    this.cPair = (scratch ? scratch.i32(nC) : new Int32Array(nC)).fill(-1);
  }

  /**
   * Pass 1 over every open clearing row of `domain` (DOMAIN_*: credits and holds, or refunds), then
   * pass 2 over what pass 1 left; `tables` holds the journal rows of the same domain.
   */
  passes(tables: PassTables, domain: number): void {
    const C = this.C;
    for (let c = 0; c < C.length; c++) {
      if (this.cState[c] !== 0 || strLen(C.order_no, c) === 0 || !this.probes(c, domain)) continue;
      tables.findOrder(C, c, false, this);
      this.settle(c);
    }
    for (let c = 0; c < C.length; c++) {
      if (this.cState[c] !== 0 || C.rrn_hi[c] === 0 || !this.probes(c, domain)) continue;
      tables.findRrn(C, c, false, this);
      this.settle(c);
    }
  }

  /** Whether clearing row c belongs to `domain`; if so, begins its probe (PROBE_*). */
  private probes(c: number, domain: number): boolean {
    const type = this.C.type[c]!;
    const status = this.C.status[c]!;
    if (domain === DOMAIN_CREDIT) {
      if (!isCreditLike(type, status)) return false;
      this.begin(c, isHold(type, status) ? PROBE_HOLD : PROBE_CREDIT);
    } else {
      if (!isClearingRefund(type, status)) return false;
      this.begin(c, PROBE_REFUND);
    }
    return true;
  }

  private begin(c: number, mode: number): void {
    this.c = c;
    this.mode = mode;
    this.first = -1;
    this.best = -1;
    this.bestScore = -1;
  }

  private settle(c: number): void {
    const chosen = this.best;
    if (this.mode === PROBE_HOLD) {
      const j = chosen >= 0 ? chosen : this.first;
      if (j < 0) return;
      this.cState[c] = 1;
      this.cPair[c] = j;
      if (this.jHold[j]! < 0) this.jHold[j] = c;
      return;
    }
    if (chosen >= 0) {
      this.jCredit[chosen] = c;
      this.cState[c] = 1;
      this.cPair[c] = chosen;
    } else if (this.first >= 0 && this.mode === PROBE_CREDIT) {
      const j = this.first;
      this.cState[c] = 2;
      this.cPair[c] = j;
      if (this.jDup[j] === 0) this.jFirstDup[j] = c;
      this.jDup[j]!++;
      this.jDupGross[j]! += getI64(this.C.amount, c);
    }
  }
}
