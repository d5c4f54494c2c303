/**
 * Journal rows keyed for passes 1 and 2 (DESIGN §5) — (merchant_id, order_no) and (merchant_id,
 * terminal_id, rrn) — in open-addressing hash tables, and the probes that visit the rows whose key
 * equals a clearing row's (or the key a link row names through orig_rrn), in insertion order.
 */
import type { RowBatch } from '../src/core/batch.js';
import { bytesEqual } from '../src/core/hash.js';
import { getI64 } from '../src/core/int64.js';
import { KeyTable } from '../src/core/key-table.js';
import { hashOrderKey, hashRrnKey, rrnKeyOf } from '../src/core/keys.js';
import { strEq, strLen } from '../src/core/utf8.js';

/** Order key of a row, or of the original a link row names (its orig_rrn read as an order_no). */
function orderHash(B: RowBatch, i: number, viaOrig: boolean): number {
  const m = B.merchant_id;
  const o = viaOrig ? B.orig_rrn : B.order_no;
  return hashOrderKey(m.bytes, m.offsets[i]!, m.offsets[i + 1]!, o.bytes, o.offsets[i]!, o.offsets[i + 1]!);
}

function rrnHash(B: RowBatch, i: number, viaOrig: boolean): number {
  if (!viaOrig) return strLen(B.order_no, i) === 0 ? B.hash[i]! : rrnKeyOf(B, i);
  const m = B.merchant_id;
  const t = B.terminal_id;
  const r = B.orig_rrn;
  return hashRrnKey(m.bytes, m.offsets[i]!, m.offsets[i + 1]!, t.bytes, t.offsets[i]!, t.offsets[i + 1]!, r.bytes, r.offsets[i]!, r.offsets[i + 1]!);
}

/** Journal rows keyed for passes 1 and 2 (and for links), over one domain. */
export class PassTables {
  readonly byOrder: KeyTable;
  readonly byRrn: KeyTable;

  constructor(
    readonly J: RowBatch,
    include: (j: number) => boolean,
  ) {
    this.byOrder = new KeyTable(16);
    this.byRrn = new KeyTable(16);
    for (let j = 0; j < J.length; j++) {
      if (!include(j)) continue;
      if (strLen(J.order_no, j) > 0) this.byOrder.insert(orderHash(J, j, false), j);
      if (strLen(J.rrn, j) > 0) this.byRrn.insert(rrnHash(J, j, false), j);
    }
  }

  /**
   * Journal rows whose pass-1 key equals row i of B (its own key, or with viaOrig the key its
   * orig_rrn names), in order; calls visit(j) until it returns true. Returns the row visit accepted.
   */
  findOrder(B: RowBatch, i: number, viaOrig: boolean, visit: (j: number) => boolean): number {
    const J = this.J;
    const h = orderHash(B, i, viaOrig);
    const key = viaOrig ? B.orig_rrn : B.order_no;
    for (let s = this.byOrder.find(h); s >= 0; s = this.byOrder.findNext(s, h)) {
      const j = this.byOrder.rowAt(s);
      if (!bytesEqual(J.order_no.bytes, J.order_no.offsets[j]!, J.order_no.offsets[j + 1]!, key.bytes, key.offsets[i]!, key.offsets[i + 1]!)) continue;
      if (!strEq(J.merchant_id, j, B.merchant_id, i)) continue;
      if (visit(j)) return j;
    }
    return -1;
  }

  findRrn(B: RowBatch, i: number, viaOrig: boolean, visit: (j: number) => boolean): number {
    const J = this.J;
    const h = rrnHash(B, i, viaOrig);
    const key = viaOrig ? B.orig_rrn : B.rrn;
    for (let s = this.byRrn.find(h); s >= 0; s = this.byRrn.findNext(s, h)) {
      const j = this.byRrn.rowAt(s);
      if (!bytesEqual(J.rrn.bytes, J.rrn.offsets[j]!, J.rrn.offsets[j + 1]!, key.bytes, key.offsets[i]!, key.offsets[i + 1]!)) continue;
      if (!strEq(J.terminal_id, j, B.terminal_id, i) || !strEq(J.merchant_id, j, B.merchant_id, i)) continue;
      if (visit(j)) return j;
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
 * Among the journal rows whose key equals a clearing row's, in order: a credit takes the first one
 * not yet credited, an approved one before a declined attempt; finding only credited ones it is a
 * duplicate of the first (rule 6). A hold takes the first one without credit or hold likewise, and
 * otherwise just names the first: it is never a duplicate. A refund takes the first free refund.
 */
export class Pairing {
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
  private first = -1;
  private freeApproved = -1;
  private free = -1;
  private readonly visit = (j: number): boolean => {
    if (this.first < 0) this.first = j;
    const open = this.mode === PROBE_HOLD ? this.jCredit[j]! < 0 && this.jHold[j]! < 0 : this.jCredit[j]! < 0;
    if (!open) return false;
    if (this.free < 0) this.free = j;
    if (this.approved(j)) {
      this.freeApproved = j;
      return true;
    }
    return false;
  };

  constructor(
    readonly J: RowBatch,
    readonly C: RowBatch,
    private readonly approved: (j: number) => boolean,
  ) {
    this.jCredit = new Int32Array(J.length).fill(-1);
    this.jHold = new Int32Array(J.length).fill(-1);
    this.jDup = new Int32Array(J.length);
    this.jFirstDup = new Int32Array(J.length).fill(-1);
    this.jDupGross = new Float64Array(J.length);
    this.cState = new Uint8Array(C.length);
    this.cPair = new Int32Array(C.length).fill(-1);
  }

  /** Pass 1 over every eligible open clearing row, then pass 2 over what pass 1 left. */
  passes(tables: PassTables, eligible: (c: number) => boolean, modeOf: (c: number) => number): void {
    const C = this.C;
    for (let c = 0; c < C.length; c++) {
      if (this.cState[c] !== 0 || strLen(C.order_no, c) === 0 || !eligible(c)) continue;
      this.begin(modeOf(c));
      tables.findOrder(C, c, false, this.visit);
      this.settle(c);
    }
    for (let c = 0; c < C.length; c++) {
      if (this.cState[c] !== 0 || strLen(C.rrn, c) === 0 || !eligible(c)) continue;
      this.begin(modeOf(c));
      tables.findRrn(C, c, false, this.visit);
      this.settle(c);
    }
  }

  private begin(mode: number): void {
    this.mode = mode;
    this.first = -1;
    this.free = -1;
    this.freeApproved = -1;
  }

  private settle(c: number): void {
    const chosen = this.freeApproved >= 0 ? this.freeApproved : this.free;
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
