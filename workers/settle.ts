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
  const { runDay } = task;
  const J = concatBatches(task.journal);
  const C = concatBatches(task.clearing);
  const nJ = J.length;
  const nC = C.length;
  const found = new Findings(task);
  const pairs = new Pairing(J, C, false);
  const { jCredit, jHold, cState } = pairs;

  const cConsumed = new Uint8Array(nC);
  markConsumed(task.clearing, task.consumedClearing, cConsumed);
  for (let c = 0; c < nC; c++) if (cConsumed[c]) cState[c] = 3;

  const openForCredit = (j: number): boolean => jCredit[j]! < 0 && isCreditDomain(J.type[j]!);
  const pair = (j: number, c: number): void => {
    cState[c] = 1;
    pairs.cPair[c] = j;
    if (isHold(C.type[c]!, C.status[c]!)) {
      if (jHold[j]! < 0) jHold[j] = c;
      found.holdPair(J, j, C, c);
    } else {
      jCredit[j] = c;
      found.creditPair(J, j, C, c);
    }
  };

  // Passes 1 and 2 again, across partitions: rows whose two sides were keyed differently by the scan
  // (a row with both an order number and an rrn) meet here.
  // (No journal row has a credit yet: the credit domain's tables take all of its rows.)
  pairs.passes(new PassTables(J, DOMAIN_CREDIT, null), DOMAIN_CREDIT);
  pairs.passes(new PassTables(J, DOMAIN_REFUND, null), DOMAIN_REFUND);
  for (let j = 0; j < nJ; j++) {
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
  const openClearing = (c: number): boolean => cState[c] === 0 && isCreditLike(C.type[c]!, C.status[c]!);

  // Pass 3: cards, when the rrn is empty on either side.
  {
    const t = new KeyTable(16);
    for (let j = 0; j < nJ; j++) if (openForCredit(j) && isCardJournal(J, j)) t.insert(pass3Hash(J, j), j);
    if (t.size > 0) {
      for (let c = 0; c < nC; c++) {
        if (!openClearing(c) || strLen(C.order_no, c) > 0) continue;
        const h = pass3Hash(C, c);
        const cRrnEmpty = C.rrn_hi[c] === 0;
        for (let s = t.find(h); s >= 0; s = t.findNext(s, h)) {
          const j = t.rowAt(s);
          if (!openForCredit(j) || (!cRrnEmpty && J.rrn_hi[j] !== 0)) continue;
          if (J.business_date[j] !== C.business_date[c] || !sameAmount(J, j, C, c)) continue;
          if (J.stan[j] !== C.stan[c] || J.terminal_id[j] !== C.terminal_id[c]) continue;
          pair(j, c);
          break;
        }
      }
    }
  }

  // Pass 4: fuzzy.
  {
    const t = new KeyTable(16);
    for (let j = 0; j < nJ; j++) if (openForCredit(j) && J.auth_code[j] !== 0) t.insert(pass4Hash(J, j), j);
    const fits = (j: number, c: number, tc: number): boolean =>
      openForCredit(j) &&
      sameAmount(J, j, C, c) &&
      J.auth_code[j] === C.auth_code[c] &&
      J.terminal_id[j] === C.terminal_id[c] &&
      Math.abs(getI64(J.txn_time, j) - tc) <= FUZZY_WINDOW_MS;
    for (let c = 0; c < nC; c++) {
      if (!openClearing(c) || C.auth_code[c] === 0) continue;
      const h = pass4Hash(C, c);
      const tc = getI64(C.txn_time, c);
      let candidates = 0;
      let only = -1;
      for (let s = t.size > 0 ? t.find(h) : -1; s >= 0; s = t.findNext(s, h)) {
        const j = t.rowAt(s);
        if (!fits(j, c, tc)) continue;
        candidates++;
        only = j;
      }
      const raised = (C.flags[c]! & FLAG_AMBIGUOUS_RAISED) !== 0;
      if (candidates === 1) {
        pair(only, c);
      } else if (candidates > 1) {
        C.flags[c]! |= FLAG_PROTECTED;
        for (let s = t.find(h); s >= 0; s = t.findNext(s, h))
          if (fits(t.rowAt(s), c, tc)) J.flags[t.rowAt(s)]! |= FLAG_PROTECTED;
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

  // Ageing, and the open items carried to the next run.
  const counts = new Int32Array(COUNTS_LENGTH);
  const amounts = new Float64Array(COUNTS_LENGTH);
  let openJournal = 0;
  let openClearingItems = 0;
  const keptJ = new Int32Array(nJ);
  const keptC = new Int32Array(nC);
  for (let j = 0; j < nJ; j++) {
    const origin = (J.flags[j]! & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
    let outcome = OUTCOME_RECONCILED;
    let keep = false;
    if (jCredit[j]! < 0) {
      const flags = J.flags[j]!;
      const protectedNow = (flags & FLAG_PROTECTED) !== 0;
      const due = J.deadline[j]! <= runDay && !protectedNow;
      const type = J.type[j]!;
      const owed = (flags & (FLAG_VOIDED | FLAG_REVERSED)) === 0;
      const expectsMoney =
        J.response[j] === RESPONSE_APPROVED && ((isCreditDomain(type) && owed) || type === TYPE_REFUND);
      const expired = J.business_date[j]! < task.windowStart;
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
      outcome = keep
        ? OUTCOME_OPEN
        : (J.flags[j]! & FLAG_MISSING_RAISED) !== 0
          ? OUTCOME_EXCEPTION
          : OUTCOME_RECONCILED;
      // Leaving the open set without a credit: into the journal window, where a late credit or a copy
      // still finds it.
      if (!keep) found.closed(J, j);
    }
    if ((J.flags[j]! & FLAG_FINDING) !== 0) outcome = OUTCOME_EXCEPTION;
    if (keep) keptJ[openJournal++] = j;
    const kj = countIndex(SIDE_JOURNAL, origin, outcome);
    counts[kj]!++;
    amounts[kj]! += getI64(J.amount, j);
  }
  for (let c = 0; c < nC; c++) {
    const origin = (C.flags[c]! & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
    let outcome = OUTCOME_RECONCILED;
    let keep = false;
    if (cState[c] === 0) {
      const flags = C.flags[c]!;
      const due = C.deadline[c]! <= runDay;
      if ((flags & FLAG_PROTECTED) !== 0) {
        keep = true; // an open ambiguity stays until it is settled (rule 7)
      } else if (due && isCredit(C.type[c]!, C.status[c]!)) {
        found.raise(KIND_UNMATCHED_CLEARING, false, null, -1, C, c, getI64(C.amount, c));
      } else {
        keep = !due;
      }
      outcome = keep ? OUTCOME_OPEN : OUTCOME_RECONCILED;
    }
    if (cState[c] === 2 || cConsumed[c] === 1 || (C.flags[c]! & FLAG_FINDING) !== 0) outcome = OUTCOME_EXCEPTION;
    if (keep) keptC[openClearingItems++] = c;
    const kc = countIndex(SIDE_CLEARING, origin, outcome);
    counts[kc]!++;
    amounts[kc]! += getI64(C.amount, c);
  }

  // In the order of the open items' primary key (created_by, side, source): side 'C' before 'J',
  // each by source, so that every insert lands on the index's rightmost page. That is also the
  // order their lines are read back in (extras.ts). Two pieces of about the same size, which two
  // workers encode at once: reading the lines back is most of the work.
  const openC = bySource(C, keptC.subarray(0, openClearingItems));
  const openJ = bySource(J, keptJ.subarray(0, openJournal));
  const half = Math.max(0, Math.ceil((openC.length + openJ.length) / 2) - openC.length);
  const pieces: OpenPiece[] = [
    { clearing: selectRows(C, openC, openC.length), journal: selectRows(J, openJ, half) },
    { clearing: selectRows(C, openC, 0), journal: selectRows(J, openJ.subarray(half), openJ.length - half) },
  ];

  return {
    exceptions: found.exceptions.bytes(),
    open: pieces,
    window: found.window.finish(),
    events: found.findingEvents(),
    counts,
    amounts,
    findings: found.count,
    openJournal,
    openClearing: openClearingItems,
  };
}

/** The rows, sorted in place by their source (src_run, src_file, src_line). */
function bySource(B: RowBatch, rows: Int32Array): Int32Array {
  return rows.sort(
    (a, b) => B.src_run[a]! - B.src_run[b]! || B.src_file[a]! - B.src_file[b]! || B.src_line[a]! - B.src_line[b]!,
  );
}
