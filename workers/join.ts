/**
 * Join task: one partition's journal and clearing rows (new rows and carried open items), DESIGN §9
 * step 3. In order:
 *
 * 1. duplicate journals: a journal row with the same match key, amount and txn_type as an earlier
 *    one is a copy: DUPLICATE_JOURNAL, dropped (rule 8).
 * 2. links: an approved journal VOID/REVERSAL marks the sale it names by orig_rrn as voided; a
 *    clearing REVERSAL marks it as reversed (rule 5). Both land in this partition because the scan
 *    keys link rows by the original's key.
 * 3. passes 1 and 2 (DESIGN §5) with an open-addressing hash table over the journal side, for the
 *    credit domain and, separately, for refunds (rule 4). A probe whose key finds only journal rows
 *    that are already matched is a duplicate credit: consumed, counted on the first of them (rule 6).
 * 4. findings on matched pairs (classify.ts), RISK_HOLD on every new held row, RELEASE keys for the
 *    store to resolve holds with.
 * 5. what is left goes to the settle task (passes 3–4 and ageing); left-over credits and journal rows
 *    are also looked up by the coordinator among earlier runs' matched keys.
 *
 * Rows are visited in batch order (carried items first, then new rows in file order), so "first" is
 * deterministic whatever order the scan tasks finished in.
 */
import { Arena, concatBatches, type RowBatch, selectRows } from '../src/core/batch.js';
import { ByteWriter } from '../src/core/byte-writer.js';
import {
  CHANNEL_QR,
  COUNTS_LENGTH,
  countIndex,
  FLAG_CARRIED,
  FLAG_FINDING,
  FLAG_HELD,
  FLAG_MISSING_RAISED,
  FLAG_REVERSED,
  FLAG_VOIDED,
  KIND_DUPLICATE_CREDIT,
  KIND_DUPLICATE_JOURNAL,
  KIND_MISSING_CREDIT,
  KIND_RISK_HOLD,
  ORIGIN_CARRIED,
  ORIGIN_NEW,
  OUTCOME_EXCEPTION,
  OUTCOME_RECONCILED,
  RESPONSE_APPROVED,
  SIDE_CLEARING,
  SIDE_JOURNAL,
  STATUS_REJECTED,
  TYPE_REFUND,
  TYPE_RELEASE,
} from '../src/core/codes.js';
import { getI64 } from '../src/core/int64.js';
import { KeyTable } from '../src/core/key-table.js';
import { copyHash, sameCopy } from '../src/core/keys.js';
import { Scratch } from '../src/core/scratch.js';
import type { JoinResult, JoinTask } from '../src/core/tasks.js';
import { strLen } from '../src/core/utf8.js';
import { Findings, isClearingRefund, isCreditLike, isHold, isLink } from './classify.js';
import { writeRelease } from './encode.js';
import { DOMAIN_CREDIT, DOMAIN_REFUND, Pairing, PassTables, type Visitor } from './pass-tables.js';

/** A sale held by an earlier run and carried open: both bits. */
const FLAG_CARRIED_HELD = FLAG_CARRIED | FLAG_HELD;

/**
 * The worker's arenas for the partition's concatenated sides, reused from join task to join task
 * (batch.ts Arena): the join runs synchronously and returns only copies (left-overs by selectRows,
 * findings and window records as bytes), so nothing outlives the task that built them.
 */
const journalArena = new Arena();
const clearingArena = new Arena();
/** The tables, marks and lists a join task needs only while it runs, likewise reused. */
const scratch = new Scratch();
/** Set while a join uses the arenas. */
let arenasInUse = false;

export function join(task: JoinTask): JoinResult {
  // A join that started while another was in progress on this thread (none does: the task is
  // synchronous) would get fresh memory rather than overwrite the other's rows.
  if (arenasInUse || !scratch.begin()) return joinIn(task, undefined, undefined, undefined);
  arenasInUse = true;
  try {
    return joinIn(task, journalArena, clearingArena, scratch);
  } finally {
    arenasInUse = false;
    scratch.end();
  }
}

/**
 * Lets the arenas and the scratch go: called by the tasks that run once the joins are done
 * (settle, open items), so that their memory is not held to the end of the run.
 */
export function releaseJoinMemory(): void {
  if (arenasInUse) return;
  journalArena.release();
  clearingArena.release();
  scratch.release();
}

function joinIn(
  task: JoinTask,
  journalInto: Arena | undefined,
  clearingInto: Arena | undefined,
  scratch: Scratch | undefined,
): JoinResult {
  const J = concatBatches(task.journal, task.journalLineBase, journalInto);
  const C = concatBatches(task.clearing, task.clearingLineBase, clearingInto);
  const nJ = J.length;
  const nC = C.length;
  const found = new Findings(task, scratch);
  const pairs = new Pairing(J, C, true, scratch);

  /** Journal rows taken out before matching: 2 a copy, 3 a void or reversal done with. */
  const jGone = (scratch ? scratch.u8(nJ) : new Uint8Array(nJ)).fill(0);
  for (let k = 0; k < task.copies.length; k++) {
    const j = task.copies[k]!;
    jGone[j] = 2;
    found.raise(KIND_DUPLICATE_JOURNAL, true, J, j, null, -1, getI64(J.amount, j));
  }

  // 1. Copies of journal rows within the run (copies of earlier runs' rows came in task.copies).
  markCopies(J, jGone, found, scratch);

  const credit = new PassTables(J, DOMAIN_CREDIT, jGone, scratch);

  // 2. Links of voids and reversals to the sale they name, an approved sale before a declined one.
  const links = new Linker(J, credit, found);
  linkJournal(J, jGone, links, found);
  linkClearing(C, pairs.cState, links);

  // 3. Passes 1 and 2: credits and holds, then refunds among refunds.
  pairs.passes(credit, DOMAIN_CREDIT);
  pairs.passes(new PassTables(J, DOMAIN_REFUND, jGone, scratch), DOMAIN_REFUND);

  // 4. Findings.
  pairFindings(J, C, pairs, found);
  const releases = new ByteWriter(256);
  holdsAndReleases(J, C, pairs, found, releases);

  // 5. Outcomes of the rows finished here; the rest go on to settle. A sale matched only by a hold
  // goes on too: it stays open for its credit.
  const counts = new Int32Array(COUNTS_LENGTH);
  const amounts = new Float64Array(COUNTS_LENGTH);
  const leftJ = scratch ? scratch.i32(nJ) : new Int32Array(nJ);
  const nLeftJ = journalOutcomes(J, jGone, pairs.jCredit, counts, amounts, leftJ);
  const leftC = scratch ? scratch.i32(nC) : new Int32Array(nC);
  const nLeftC = clearingOutcomes(C, pairs.cState, counts, amounts, leftC);

  return {
    partition: task.partition,
    exceptions: found.exceptions.bytes(),
    window: found.window.finish(),
    releases: releases.bytes(),
    events: found.findingEvents(),
    leftJournal: selectRows(J, leftJ, nLeftJ),
    leftClearing: selectRows(C, leftC, nLeftC),
    counts,
    amounts,
    findings: found.count,
  };
}

function approved(J: RowBatch, j: number): boolean {
  return J.response[j] === RESPONSE_APPROVED;
}

/**
 * Links a void or reversal to the sale it names (Visitor over the credit domain's journal rows): the
 * first approved sale, else the first declined one.
 */
class Linker implements Visitor {
  /** What a link sets on the sale (FLAG_VOIDED for journal links, FLAG_REVERSED for clearing ones). */
  flag = 0;
  private linked = -1;

  constructor(
    readonly J: RowBatch,
    readonly credit: PassTables,
    readonly found: Findings,
  ) {}

  visit(sale: number): boolean {
    const J = this.J;
    if (this.linked < 0 || (approved(J, sale) && !approved(J, this.linked))) this.linked = sale;
    return approved(J, sale);
  }

  /** Links row i of B (its orig_rrn read as an order number or as an rrn); false if it names no sale here. */
  link(B: RowBatch, i: number, byOrder: boolean): boolean {
    this.linked = -1;
    if (byOrder) this.credit.findOrder(B, i, true, this);
    else this.credit.findRrn(B, i, true, this);
    const sale = this.linked;
    if (sale < 0) return false;
    const J = this.J;
    J.flags[sale]! |= this.flag;
    // A sale reported missing and now voided or reversed was never owed.
    if ((J.flags[sale]! & FLAG_MISSING_RAISED) !== 0) this.found.resolve(KIND_MISSING_CREDIT, true, J, sale);
    return true;
  }
}

/** Journal voids and reversals: each approved one that names a sale here voids it and is done with (jGone = 3). */
function linkJournal(J: RowBatch, jGone: Uint8Array, links: Linker, found: Findings): void {
  links.flag = FLAG_VOIDED;
  for (let j = 0; j < J.length; j++) {
    if (jGone[j] !== 0 || !isLink(true, J.type[j]!)) continue;
    if (!approved(J, j)) {
      jGone[j] = 3; // a declined void voids nothing
      found.closed(J, j);
      continue;
    }
    if (strLen(J.orig_rrn, j) === 0) continue;
    if (links.link(J, j, J.channel[j] === CHANNEL_QR)) {
      jGone[j] = 3;
      found.closed(J, j);
    }
  }
}

/** Clearing reversals: each that names a sale here reverses it and is closed (cState = 3), as are rows no pass takes. */
function linkClearing(C: RowBatch, cState: Uint8Array, links: Linker): void {
  links.flag = FLAG_REVERSED;
  for (let c = 0; c < C.length; c++) {
    const type = C.type[c]!;
    const status = C.status[c]!;
    if (isCreditLike(type, status) || isClearingRefund(type, status)) continue;
    if (!isLink(false, type) || status === STATUS_REJECTED || strLen(C.orig_rrn, c) === 0) {
      cState[c] = 3; // REJECTED rows, RELEASE (resolved through the store), a reversal naming nothing
      continue;
    }
    // A clearing reversal of a card sale carries its own rrn; a QR one does not.
    if (links.link(C, c, C.rrn_hi[c] === 0)) cState[c] = 3;
  }
}

/** RISK_HOLD on every new held row (one per transaction), and the RELEASE keys for the store. */
function holdsAndReleases(J: RowBatch, C: RowBatch, pairs: Pairing, found: Findings, releases: ByteWriter): void {
  const { jHold, cPair } = pairs;
  for (let c = 0; c < C.length; c++) {
    if ((C.flags[c]! & FLAG_CARRIED) !== 0) continue;
    if (isHold(C.type[c]!, C.status[c]!)) {
      // One RISK_HOLD per transaction: a hold sent again for a sale already held is not a new one.
      const j = cPair[c]!;
      if (j >= 0 && ((J.flags[j]! & FLAG_CARRIED_HELD) === FLAG_CARRIED_HELD || jHold[j] !== c)) continue;
      found.raise(KIND_RISK_HOLD, false, J, j, C, c, getI64(C.amount, c));
    } else if (C.type[c] === TYPE_RELEASE && C.status[c] !== STATUS_REJECTED) writeRelease(releases, C, c);
  }
}

/**
 * Marks (jGone = 2) and reports every journal row that is a copy of an earlier one (DESIGN §6.1
 * rule 8). A function of its own, as each phase of the join should be: inside joinIn the compiler
 * ran out of inlining budget and this loop called the table's methods and the hash per row.
 */
function markCopies(J: RowBatch, jGone: Uint8Array, found: Findings, scratch: Scratch | undefined): void {
  const nJ = J.length;
  const t = new KeyTable(nJ, scratch);
  for (let j = 0; j < nJ; j++) {
    if (jGone[j] !== 0) continue;
    const h = copyHash(J, j);
    let copyOf = -1;
    for (let s = t.find(h); s >= 0 && copyOf < 0; s = t.findNext(s, h))
      if (sameCopy(J, t.rowAt(s), j)) copyOf = t.rowAt(s);
    if (copyOf >= 0) {
      jGone[j] = 2;
      found.raise(KIND_DUPLICATE_JOURNAL, true, J, j, null, -1, getI64(J.amount, j));
    } else t.insert(h, j);
  }
}

/** The findings on the pairs passes 1 and 2 made: credits, refunds, holds, duplicate credits. */
function pairFindings(J: RowBatch, C: RowBatch, pairs: Pairing, found: Findings): void {
  const { jCredit, jHold, jDup, jFirstDup, jDupGross } = pairs;
  for (let j = 0; j < J.length; j++) {
    const c = jCredit[j]!;
    if (c >= 0) {
      if (J.type[j] === TYPE_REFUND) found.refundPair(J, j);
      else found.creditPair(J, j, C, c);
    } else if (jHold[j]! >= 0) {
      found.holdPair(J, j, C, jHold[j]!);
    }
  }
  for (let j = 0; j < J.length; j++) {
    if (jDup[j] === 0) continue;
    found.raise(KIND_DUPLICATE_CREDIT, true, J, j, C, jFirstDup[j]!, jDupGross[j]!, -1, 0, jDup[j]!);
  }
}

/**
 * Counts the journal rows finished here by origin and outcome, and lists the rest (no credit, not
 * taken out) in `left`; returns how many it listed.
 */
function journalOutcomes(
  J: RowBatch,
  jGone: Uint8Array,
  jCredit: Int32Array,
  counts: Int32Array,
  amounts: Float64Array,
  left: Int32Array,
): number {
  let n = 0;
  for (let j = 0; j < J.length; j++) {
    const origin = (J.flags[j]! & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
    if (jGone[j] === 0 && jCredit[j]! < 0) {
      left[n++] = j;
    } else {
      const outcome = jGone[j] === 2 || (J.flags[j]! & FLAG_FINDING) !== 0 ? OUTCOME_EXCEPTION : OUTCOME_RECONCILED;
      const k = countIndex(SIDE_JOURNAL, origin, outcome);
      counts[k]!++;
      amounts[k]! += getI64(J.amount, j);
    }
  }
  return n;
}

/** The clearing side of journalOutcomes: rows still open (state 0) are listed in `left`. */
function clearingOutcomes(
  C: RowBatch,
  cState: Uint8Array,
  counts: Int32Array,
  amounts: Float64Array,
  left: Int32Array,
): number {
  let n = 0;
  for (let c = 0; c < C.length; c++) {
    const origin = (C.flags[c]! & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
    const state = cState[c]!;
    if (state === 0) {
      left[n++] = c;
    } else {
      const outcome = state === 2 || (C.flags[c]! & FLAG_FINDING) !== 0 ? OUTCOME_EXCEPTION : OUTCOME_RECONCILED;
      const k = countIndex(SIDE_CLEARING, origin, outcome);
      counts[k]!++;
      amounts[k]! += getI64(C.amount, c);
    }
  }
  return n;
}
