/**
 * Settle task: the rows no partition matched, from every partition (a small share of the rows), taken
 * through the last two passes and aged against the run date (DESIGN §5, §4 deadline, §6.1 rule 9:
 * a run matches first, then ages).
 *
 * - consumed: left-over credits the coordinator settled against the journal window (duplicates of
 *   credited transactions, late credits of sales closed without one); their findings are written by
 *   the store; closed.
 * - pass 3, cards only: (terminal_id, stan, amount, business date) when the rrn is empty on either
 *   side; the first candidate wins.
 * - pass 4, fuzzy: (terminal_id, auth_code, amount) with |Δtxn_time| ≤ 300 s. One candidate matches;
 *   more than one is AMBIGUOUS_MATCH (raised once), nothing matches, and neither the clearing row nor
 *   its candidates age while it lasts (rule 7). An ambiguity whose candidates are gone is resolved.
 * - ageing, at the first run ≥ the deadline:
 *   approved sale, not voided → MISSING_CREDIT, kept open (flagged) so a late credit resolves it;
 *   approved refund → REFUND_NOT_DEBITED, kept open likewise; a voided or declined sale, an unlinked
 *   void, an unmatched refund or reversal on the clearing side, a hold → closed as reconciled;
 *   a credit → UNMATCHED_CLEARING, closed. Flagged items leave when their business date falls out of
 *   the matched-key window.
 */
import { concatBatches, type RowBatch, selectRows } from '../src/core/batch.js';
import {
  COUNTS_LENGTH,
  countIndex,
  FLAG_AMBIGUOUS_RAISED,
  FLAG_CARRIED,
  FLAG_FINDING,
  FLAG_HELD,
  FLAG_MISSING_RAISED,
  FLAG_PROTECTED,
  FLAG_REVERSED,
  FLAG_VOIDED,
  KIND_AMBIGUOUS_MATCH,
  KIND_DUPLICATE_CREDIT,
  KIND_MISSING_CREDIT,
  KIND_REFUND_NOT_DEBITED,
  KIND_UNMATCHED_CLEARING,
  ORIGIN_CARRIED,
  ORIGIN_NEW,
  OUTCOME_EXCEPTION,
  OUTCOME_OPEN,
  OUTCOME_RECONCILED,
  RESPONSE_APPROVED,
  SIDE_CLEARING,
  SIDE_JOURNAL,
  TYPE_REFUND,
} from '../src/core/codes.js';
import { finish, HASH_SEED, hashInt } from '../src/core/hash.js';
import { getI64 } from '../src/core/int64.js';
import { KeyTable } from '../src/core/key-table.js';
import { hashNum } from '../src/core/keys.js';
import type { OpenPiece, SettleResult, SettleTask } from '../src/core/tasks.js';
import { strLen } from '../src/core/utf8.js';
import { Findings, isCardJournal, isCredit, isCreditDomain, isCreditLike, isHold } from './classify.js';
import { DOMAIN_CREDIT, DOMAIN_REFUND, Pairing, PassTables } from './pass-tables.js';

/** Largest |Δtxn_time| of a fuzzy match, inclusive (DESIGN §5 pass 4). */
export const FUZZY_WINDOW_MS = 300_000;

/** Marks consumed rows (per-batch row numbers) in a per-row array of the concatenation. */
function markConsumed(batches: RowBatch[], consumed: Int32Array[], into: Uint8Array): void {
  let base = 0;
  for (let b = 0; b < batches.length; b++) {
    const list = consumed[b];
    if (list) for (let k = 0; k < list.length; k++) into[base + list[k]!] = 1;
    base += batches[b]!.length;
  }
}

function pass3Hash(B: RowBatch, i: number): number {
  const h = hashInt(hashNum(HASH_SEED, B.terminal_id[i]!), B.stan[i]!);
  return finish(hashInt(hashInt(hashInt(h, B.amount[2 * i]!), B.amount[2 * i + 1]!), B.business_date[i]!));
}

function pass4Hash(B: RowBatch, i: number): number {
  const h = hashNum(hashNum(HASH_SEED, B.terminal_id[i]!), B.auth_code[i]!);
  return finish(hashInt(hashInt(h, B.amount[2 * i]!), B.amount[2 * i + 1]!));
}

function sameAmount(J: RowBatch, j: number, C: RowBatch, c: number): boolean {
  return J.amount[2 * j] === C.amount[2 * c] && J.amount[2 * j + 1] === C.amount[2 * c + 1];
}

export function settle(task: SettleTask): SettleResult {
  const s = new Settlement(task);
  s.rematchAcrossPartitions();
  s.cardPass();
  s.fuzzyPass();
  s.ageJournal();
  s.ageClearing();
  const found = s.found;
  return {
    exceptions: found.exceptions.bytes(),
    open: openPieces(s.J, s.keptJ.subarray(0, s.openJournal), s.C, s.keptC.subarray(0, s.openClearing)),
    window: found.window.finish(),
    events: found.findingEvents(),
    counts: s.counts,
    amounts: s.amounts,
    findings: found.count,
    openJournal: s.openJournal,
    openClearing: s.openClearing,
  };
}

/**
 * One settle task's rows and state: the left-overs of every partition concatenated (J, C), their
 * pairing, the findings, and the tallies of the ageing (per side, origin and outcome; the rows kept
 * open). The steps run in DESIGN order: passes 1–2 again, pass 3, pass 4, then ageing.
 */
class Settlement {
  readonly runDay: number;
  readonly windowStart: number;
  readonly J: RowBatch;
  readonly C: RowBatch;
  readonly found: Findings;
  readonly pairs: Pairing;
  /** Clearing rows the coordinator settled against the journal window (1), per row of C. */
  readonly cConsumed: Uint8Array;
  /** Rows and amounts by countIndex(side, origin, outcome). */
  readonly counts = new Int32Array(COUNTS_LENGTH);
  readonly amounts = new Float64Array(COUNTS_LENGTH);
  /** Rows kept open: the first openJournal of keptJ, the first openClearing of keptC. */
  readonly keptJ: Int32Array;
  readonly keptC: Int32Array;
  openJournal = 0;
  openClearing = 0;

  constructor(task: SettleTask) {
    this.runDay = task.runDay;
    this.windowStart = task.windowStart;
    this.J = concatBatches(task.journal);
    this.C = concatBatches(task.clearing);
    this.found = new Findings(task);
    this.pairs = new Pairing(this.J, this.C, false);
    this.keptJ = new Int32Array(this.J.length);
    this.keptC = new Int32Array(this.C.length);
    const nC = this.C.length;
    this.cConsumed = new Uint8Array(nC);
    markConsumed(task.clearing, task.consumedClearing, this.cConsumed);
    const cState = this.pairs.cState;
    for (let c = 0; c < nC; c++) if (this.cConsumed[c]) cState[c] = 3;
  }

  /** A journal row that still waits for a credit (or a refund's debit). */
  private openForCredit(j: number): boolean {
    return this.pairs.jCredit[j]! < 0 && isCreditDomain(this.J.type[j]!);
  }

  /** A clearing row not yet matched, consumed or closed, that could be a journal row's credit. */
  private openClearingRow(c: number): boolean {
    const C = this.C;
    return this.pairs.cState[c] === 0 && isCreditLike(C.type[c]!, C.status[c]!);
  }

  /** Journal row j and clearing row c are a pair (pass 3 or 4): a hold, or j's credit. */
  private pair(j: number, c: number): void {
    const { J, C, pairs, found } = this;
    pairs.cState[c] = 1;
    pairs.cPair[c] = j;
    if (isHold(C.type[c]!, C.status[c]!)) {
      if (pairs.jHold[j]! < 0) pairs.jHold[j] = c;
      found.holdPair(J, j, C, c);
    } else {
      pairs.jCredit[j] = c;
      found.creditPair(J, j, C, c);
    }
  }

  /**
   * Passes 1 and 2 again, across partitions: rows whose two sides were keyed differently by the scan
   * (a row with both an order number and an rrn) meet here. (No journal row has a credit yet: the
   * credit domain's tables take all of its rows.)
   */
  rematchAcrossPartitions(): void {
    const { J, C, pairs, found } = this;
    const { jCredit, jHold } = pairs;
    pairs.passes(new PassTables(J, DOMAIN_CREDIT, null), DOMAIN_CREDIT);
    pairs.passes(new PassTables(J, DOMAIN_REFUND, null), DOMAIN_REFUND);
    for (let j = 0; j < J.length; j++) {
      if (jCredit[j]! >= 0) {
        if (J.type[j] === TYPE_REFUND) found.refundPair(J, j);
        else found.creditPair(J, j, C, jCredit[j]!);
      } else if (jHold[j]! >= 0) found.holdPair(J, j, C, jHold[j]!);
      if (pairs.jDup[j]! > 0)
        found.raise(
          KIND_DUPLICATE_CREDIT,
          true,
          J,
          j,
          C,
          pairs.jFirstDup[j]!,
          pairs.jDupGross[j]!,
          -1,
          0,
          pairs.jDup[j]!,
        );
    }
  }

  /** Pass 3, cards, when the rrn is empty on either side: (terminal, stan, amount, business date); the first candidate wins. */
  cardPass(): void {
    const { J, C } = this;
    const t = new KeyTable(16);
    for (let j = 0; j < J.length; j++) if (this.openForCredit(j) && isCardJournal(J, j)) t.insert(pass3Hash(J, j), j);
    if (t.size === 0) return;
    for (let c = 0; c < C.length; c++) {
      if (!this.openClearingRow(c) || strLen(C.order_no, c) > 0) continue;
      const h = pass3Hash(C, c);
      const cRrnEmpty = C.rrn_hi[c] === 0;
      for (let s = t.find(h); s >= 0; s = t.findNext(s, h)) {
        const j = t.rowAt(s);
        if (!this.openForCredit(j) || (!cRrnEmpty && J.rrn_hi[j] !== 0)) continue;
        if (J.business_date[j] !== C.business_date[c] || !sameAmount(J, j, C, c)) continue;
        if (J.stan[j] !== C.stan[c] || J.terminal_id[j] !== C.terminal_id[c]) continue;
        this.pair(j, c);
        break;
      }
    }
  }

  /** Whether journal row j is a pass-4 candidate of clearing row c (whose txn_time is tc). */
  private fits(j: number, c: number, tc: number): boolean {
    const { J, C } = this;
    return (
      this.openForCredit(j) &&
      sameAmount(J, j, C, c) &&
      J.auth_code[j] === C.auth_code[c] &&
      J.terminal_id[j] === C.terminal_id[c] &&
      Math.abs(getI64(J.txn_time, j) - tc) <= FUZZY_WINDOW_MS
    );
  }

  /**
   * Pass 4, fuzzy: (terminal, auth_code, amount) within FUZZY_WINDOW_MS. One candidate matches; more
   * are an AMBIGUOUS_MATCH (raised once) that protects the row and its candidates from ageing
   * (rule 7); an ambiguity whose candidates are gone is resolved.
   */
  fuzzyPass(): void {
    const { J, C, found } = this;
    const t = new KeyTable(16);
    for (let j = 0; j < J.length; j++) if (this.openForCredit(j) && J.auth_code[j] !== 0) t.insert(pass4Hash(J, j), j);
    for (let c = 0; c < C.length; c++) {
      if (!this.openClearingRow(c) || C.auth_code[c] === 0) continue;
      const h = pass4Hash(C, c);
      const tc = getI64(C.txn_time, c);
      let candidates = 0;
      let only = -1;
      for (let s = t.size > 0 ? t.find(h) : -1; s >= 0; s = t.findNext(s, h)) {
        const j = t.rowAt(s);
        if (!this.fits(j, c, tc)) continue;
        candidates++;
        only = j;
      }
      const raised = (C.flags[c]! & FLAG_AMBIGUOUS_RAISED) !== 0;
      if (candidates === 1) {
        this.pair(only, c);
      } else if (candidates > 1) {
        C.flags[c]! |= FLAG_PROTECTED;
        for (let s = t.find(h); s >= 0; s = t.findNext(s, h))
          if (this.fits(t.rowAt(s), c, tc)) J.flags[t.rowAt(s)]! |= FLAG_PROTECTED;
        if (!raised) {
          found.raise(KIND_AMBIGUOUS_MATCH, false, null, -1, C, c, getI64(C.amount, c));
          C.flags[c]! |= FLAG_AMBIGUOUS_RAISED;
        } else {
          found.reopen(KIND_AMBIGUOUS_MATCH, false, C, c); // no change when it is still open
        }
      } else if (raised) {
        // Its candidates are gone: the ambiguity is settled; the row ages like any credit.
        found.resolve(KIND_AMBIGUOUS_MATCH, false, C, c);
      }
    }
  }

  /** Ages every journal row and tallies it; the rows kept open go to keptJ. */
  ageJournal(): void {
    const { J, counts, amounts } = this;
    const jCredit = this.pairs.jCredit;
    for (let j = 0; j < J.length; j++) {
      const origin = (J.flags[j]! & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
      let outcome = jCredit[j]! < 0 ? this.ageUncreditedJournal(j) : OUTCOME_RECONCILED;
      if (outcome === OUTCOME_OPEN) this.keptJ[this.openJournal++] = j;
      if ((J.flags[j]! & FLAG_FINDING) !== 0) outcome = OUTCOME_EXCEPTION;
      const k = countIndex(SIDE_JOURNAL, origin, outcome);
      counts[k]!++;
      amounts[k]! += getI64(J.amount, j);
    }
  }

  /**
   * A journal row without a credit at the run date (DESIGN §4 deadline, rule 7): OUTCOME_OPEN when
   * it stays open, else OUTCOME_EXCEPTION (it has a MISSING_CREDIT or REFUND_NOT_DEBITED, raised now
   * or before) or OUTCOME_RECONCILED; a row that leaves goes into the journal window, where a late
   * credit or a copy still finds it.
   */
  private ageUncreditedJournal(j: number): number {
    const { J, found } = this;
    const flags = J.flags[j]!;
    const protectedNow = (flags & FLAG_PROTECTED) !== 0;
    const due = J.deadline[j]! <= this.runDay && !protectedNow;
    const type = J.type[j]!;
    const owed = (flags & (FLAG_VOIDED | FLAG_REVERSED)) === 0;
    const expectsMoney =
      J.response[j] === RESPONSE_APPROVED && ((isCreditDomain(type) && owed) || type === TYPE_REFUND);
    const expired = J.business_date[j]! < this.windowStart;
    let keep: boolean;
    if (protectedNow) {
      keep = true; // a candidate of an open ambiguity does not age (rule 7)
    } else if ((flags & FLAG_HELD) !== 0 && owed) {
      keep = !expired; // held: not missing; waits for its credit
    } else if (expectsMoney) {
      keep = !((flags & FLAG_MISSING_RAISED) !== 0 && expired);
      if (due && (flags & FLAG_MISSING_RAISED) === 0) {
        found.raise(
          type === TYPE_REFUND ? KIND_REFUND_NOT_DEBITED : KIND_MISSING_CREDIT,
          true,
          J,
          j,
          null,
          -1,
          getI64(J.amount, j),
        );
        J.flags[j]! |= FLAG_MISSING_RAISED;
      }
    } else {
      keep = !due;
    }
    if (keep) return OUTCOME_OPEN;
    const outcome = (J.flags[j]! & FLAG_MISSING_RAISED) !== 0 ? OUTCOME_EXCEPTION : OUTCOME_RECONCILED;
    found.closed(J, j);
    return outcome;
  }

  /** Ages every clearing row and tallies it; the rows kept open go to keptC. */
  ageClearing(): void {
    const { C, counts, amounts, cConsumed } = this;
    const cState = this.pairs.cState;
    for (let c = 0; c < C.length; c++) {
      const origin = (C.flags[c]! & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
      let outcome = cState[c] === 0 ? this.ageUnmatchedClearing(c) : OUTCOME_RECONCILED;
      if (outcome === OUTCOME_OPEN) this.keptC[this.openClearing++] = c;
      if (cState[c] === 2 || cConsumed[c] === 1 || (C.flags[c]! & FLAG_FINDING) !== 0) outcome = OUTCOME_EXCEPTION;
      const k = countIndex(SIDE_CLEARING, origin, outcome);
      counts[k]!++;
      amounts[k]! += getI64(C.amount, c);
    }
  }

  /**
   * A clearing row nothing took: OUTCOME_OPEN while an ambiguity protects it or before its deadline;
   * at the deadline a credit is an UNMATCHED_CLEARING, anything else closes as reconciled.
   */
  private ageUnmatchedClearing(c: number): number {
    const C = this.C;
    if ((C.flags[c]! & FLAG_PROTECTED) !== 0) return OUTCOME_OPEN; // an open ambiguity stays until it is settled (rule 7)
    const due = C.deadline[c]! <= this.runDay;
    if (!due) return OUTCOME_OPEN;
    if (isCredit(C.type[c]!, C.status[c]!))
      this.found.raise(KIND_UNMATCHED_CLEARING, false, null, -1, C, c, getI64(C.amount, c));
    return OUTCOME_RECONCILED;
  }
}

/**
 * The open items in the order of their primary key (created_by, side, source): side 'C' before 'J',
 * each by source, so that every insert lands on the index's rightmost page. That is also the order
 * their lines are read back in (extras.ts). Two pieces of about the same size, which two workers
 * encode at once: reading the lines back is most of the work.
 */
function openPieces(J: RowBatch, keptJ: Int32Array, C: RowBatch, keptC: Int32Array): OpenPiece[] {
  const openC = bySource(C, keptC);
  const openJ = bySource(J, keptJ);
  const half = Math.max(0, Math.ceil((openC.length + openJ.length) / 2) - openC.length);
  return [
    { clearing: selectRows(C, openC, openC.length), journal: selectRows(J, openJ, half) },
    { clearing: selectRows(C, openC, 0), journal: selectRows(J, openJ.subarray(half), openJ.length - half) },
  ];
}

/** The rows, sorted in place by their source (src_run, src_file, src_line). */
function bySource(B: RowBatch, rows: Int32Array): Int32Array {
  return rows.sort(
    (a, b) => B.src_run[a]! - B.src_run[b]! || B.src_file[a]! - B.src_file[b]! || B.src_line[a]! - B.src_line[b]!,
  );
}
