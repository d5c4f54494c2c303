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
import { allocBatch, appendRow, concatBatches, type RowBatch } from '../src/core/batch.js';
import { ByteWriter } from '../src/core/byte-writer.js';
import {
  CHANNEL_QR,
  countIndex,
  COUNTS_LENGTH,
  FLAG_CARRIED,
  FLAG_FINDING,
  FLAG_REVERSED,
  FLAG_VOIDED,
  KIND_DUPLICATE_CREDIT,
  KIND_DUPLICATE_JOURNAL,
  KIND_RISK_HOLD,
  ORIGIN_CARRIED,
  ORIGIN_NEW,
  OUTCOME_EXCEPTION,
  OUTCOME_RECONCILED,
  RESPONSE_APPROVED,
  SIDE_CLEARING,
  SIDE_JOURNAL,
  STATUS_REJECTED,
  TYPE_RELEASE,
  TYPE_REFUND,
} from '../src/core/codes.js';
import type { CalendarSpec } from '../src/core/dates.js';
import { finish, hashField, hashInt, HASH_SEED } from '../src/core/hash.js';
import { hashNum, sameRrnKey } from '../src/core/keys.js';
import { getI64 } from '../src/core/int64.js';
import { KeyTable } from '../src/core/key-table.js';
import type { MerchantTable } from '../src/core/merchants.js';
import { strEq, strLen } from '../src/core/utf8.js';
import { Findings, isClearingRefund, isCredit, isCreditDomain, isCreditLike, isHold, isLink } from './classify.js';
import { Pairing, PassTables, PROBE_CREDIT, PROBE_HOLD, PROBE_REFUND } from './pass-tables.js';
import { writeCreditLookup, writeJournalLookup, writeRelease } from './encode.js';

export interface JoinTask {
  partition: number;
  runDay: number;
  /** Carried journal items first, then new journal batches in chunk order. */
  journal: RowBatch[];
  /** Added to src_line of each journal batch (the chunk's first line; 0 for carried items). */
  journalLineBase: number[];
  clearing: RowBatch[];
  clearingLineBase: number[];
  calendar: CalendarSpec;
  merchants: MerchantTable;
  /** |gross − amount| above this is an AMOUNT_MISMATCH (minor units). */
  amountTolerance: number;
}

export interface JoinResult {
  partition: number;
  /** CSV rows for recon.exception (new findings). */
  exceptions: Uint8Array;
  /** CSV rows for recon.matched_key (journal transactions matched by this run). */
  matched: Uint8Array;
  /** CSV rows of left-over credits to look up in the matched-key window. */
  creditLookup: Uint8Array;
  /** CSV rows of left-over journal rows to look up in the matched-key window. */
  journalLookup: Uint8Array;
  /** CSV rows of RELEASE keys. */
  releases: Uint8Array;
  /** (kind, side, src_run, src_file, src_line) of earlier findings this run resolves. */
  resolutions: Int32Array;
  /** Unmatched journal and clearing rows, for the settle task. */
  leftJournal: RowBatch;
  leftClearing: RowBatch;
  /** Rows finished here, by side × origin × outcome (see countIndex). */
  counts: Int32Array;
  findings: number;
}

/**
 * Hash of a journal row's identity for DUPLICATE_JOURNAL: type, amount, its own match key, and the
 * response code — a declined attempt and the approved retry under the same order number are two
 * records, not a copy.
 */
function copyHash(J: RowBatch, j: number): number {
  let h = hashInt(hashInt(hashInt(HASH_SEED, J.type[j]!), J.response[j]!), J.amount[2 * j]!);
  h = hashNum(hashInt(h, J.amount[2 * j + 1]!), J.merchant_id[j]!);
  if (strLen(J.order_no, j) > 0) {
    const o = J.order_no;
    return finish(hashField(h, o.bytes, o.offsets[j]!, o.offsets[j + 1]!));
  }
  h = hashNum(h, J.terminal_id[j]!);
  if (J.rrn_hi[j] !== 0) return finish(hashNum(hashNum(h, J.rrn_hi[j]!), J.rrn_lo[j]!));
  return finish(hashInt(hashInt(h, J.stan[j]!), J.business_date[j]!));
}

function sameCopy(J: RowBatch, a: number, b: number): boolean {
  if (J.type[a] !== J.type[b] || J.response[a] !== J.response[b] || J.amount[2 * a] !== J.amount[2 * b] || J.amount[2 * a + 1] !== J.amount[2 * b + 1]) return false;
  if (J.merchant_id[a] !== J.merchant_id[b] || !strEq(J.order_no, a, J.order_no, b)) return false;
  if (strLen(J.order_no, a) > 0) return true;
  if (!sameRrnKey(J, a, J, b)) return false;
  if (J.rrn_hi[a] !== 0) return true;
  return J.stan[a] === J.stan[b] && J.business_date[a] === J.business_date[b];
}

export function join(task: JoinTask): JoinResult {
  const J = concatBatches(task.journal, task.journalLineBase);
  const C = concatBatches(task.clearing, task.clearingLineBase);
  const nJ = J.length;
  const nC = C.length;
  const found = new Findings(task);
  const pairs = new Pairing(J, C, (j) => J.response[j] === RESPONSE_APPROVED);
  const { jCredit, jHold, jDup, jFirstDup, cState, cPair } = pairs;

  /** Journal rows taken out before matching: 2 a dropped copy, 3 a void or reversal done with. */
  const jGone = new Uint8Array(nJ);

  // 1. Copies of journal rows.
  {
    const t = new KeyTable(nJ);
    for (let j = 0; j < nJ; j++) {
      const h = copyHash(J, j);
      let copyOf = -1;
      for (let s = t.find(h); s >= 0 && copyOf < 0; s = t.findNext(s, h)) if (sameCopy(J, t.rowAt(s), j)) copyOf = t.rowAt(s);
      if (copyOf >= 0) {
        jGone[j] = 2;
        found.raise(KIND_DUPLICATE_JOURNAL, true, J, j, null, -1, getI64(J.amount, j));
      } else t.insert(h, j);
    }
  }

  const credit = new PassTables(J, (j) => jGone[j] === 0 && isCreditDomain(J.type[j]!));

  // 2. Links of voids and reversals to the sale they name.
  let linkFlag = 0;
  const mark = (sale: number): boolean => {
    J.flags[sale]! |= linkFlag;
    return true;
  };
  linkFlag = FLAG_VOIDED;
  for (let j = 0; j < nJ; j++) {
    if (jGone[j] !== 0 || !isLink(true, J.type[j]!)) continue;
    if (J.response[j] !== RESPONSE_APPROVED) {
      jGone[j] = 3; // a declined void voids nothing
      continue;
    }
    if (strLen(J.orig_rrn, j) === 0) continue;
    const sale = J.channel[j] === CHANNEL_QR ? credit.findOrder(J, j, true, mark) : credit.findRrn(J, j, true, mark);
    if (sale >= 0) jGone[j] = 3;
  }
  linkFlag = FLAG_REVERSED;
  for (let c = 0; c < nC; c++) {
    const type = C.type[c]!;
    const status = C.status[c]!;
    if (isCreditLike(type, status) || isClearingRefund(type, status)) continue;
    if (!isLink(false, type) || status === STATUS_REJECTED || strLen(C.orig_rrn, c) === 0) {
      cState[c] = 3; // REJECTED rows, RELEASE (resolved through the store), a reversal naming nothing
      continue;
    }
    const sale = strLen(C.order_no, c) > 0 ? credit.findOrder(C, c, true, mark) : credit.findRrn(C, c, true, mark);
    if (sale >= 0) cState[c] = 3;
  }

  // 3. Passes 1 and 2: credits and holds, then refunds among refunds.
  pairs.passes(
    credit,
    (c) => isCreditLike(C.type[c]!, C.status[c]!),
    (c) => (isHold(C.type[c]!, C.status[c]!) ? PROBE_HOLD : PROBE_CREDIT),
  );
  const refunds = new PassTables(J, (j) => jGone[j] === 0 && J.type[j] === TYPE_REFUND);
  pairs.passes(
    refunds,
    (c) => isClearingRefund(C.type[c]!, C.status[c]!),
    () => PROBE_REFUND,
  );

  // 4. Findings.
  for (let j = 0; j < nJ; j++) {
    const c = jCredit[j]!;
    if (c >= 0) {
      if (J.type[j] === TYPE_REFUND) found.refundPair(J, j);
      else found.creditPair(J, j, C, c);
    } else if (jHold[j]! >= 0) {
      found.holdPair(J, j, C, jHold[j]!);
    }
  }
  for (let j = 0; j < nJ; j++) {
    if (jDup[j] === 0) continue;
    found.raise(KIND_DUPLICATE_CREDIT, true, J, j, C, jFirstDup[j]!, pairs.jDupGross[j]!, -1, 0, jDup[j]!);
  }
  const releases = new ByteWriter(256);
  for (let c = 0; c < nC; c++) {
    if ((C.flags[c]! & FLAG_CARRIED) !== 0) continue;
    if (isHold(C.type[c]!, C.status[c]!)) found.raise(KIND_RISK_HOLD, false, J, cPair[c]!, C, c, getI64(C.amount, c));
    else if (C.type[c] === TYPE_RELEASE && C.status[c] !== STATUS_REJECTED) writeRelease(releases, C, c);
  }

  // 5. Outcomes of the rows finished here; the rest go on to settle. A sale matched only by a hold
  // goes on too: it stays open for its credit.
  const counts = new Int32Array(COUNTS_LENGTH);
  const leftJournal = allocBatch(16);
  const leftClearing = allocBatch(16);
  const creditLookup = new ByteWriter(1 << 10);
  const journalLookup = new ByteWriter(1 << 10);
  for (let j = 0; j < nJ; j++) {
    const origin = (J.flags[j]! & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
    if (jGone[j] === 0 && jCredit[j]! < 0) {
      if (jHold[j]! < 0) writeJournalLookup(journalLookup, task.partition, leftJournal.length, J, j, found.zone);
      appendRow(leftJournal, J, j);
    } else {
      counts[countIndex(SIDE_JOURNAL, origin, (J.flags[j]! & FLAG_FINDING) !== 0 ? OUTCOME_EXCEPTION : OUTCOME_RECONCILED)]!++;
    }
  }
  for (let c = 0; c < nC; c++) {
    const origin = (C.flags[c]! & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
    const state = cState[c]!;
    if (state === 0) {
      if (isCredit(C.type[c]!, C.status[c]!)) writeCreditLookup(creditLookup, task.partition, leftClearing.length, C, c);
      appendRow(leftClearing, C, c);
    } else {
      const outcome = state === 2 || (C.flags[c]! & FLAG_FINDING) !== 0 ? OUTCOME_EXCEPTION : OUTCOME_RECONCILED;
      counts[countIndex(SIDE_CLEARING, origin, outcome)]!++;
    }
  }

  return {
    partition: task.partition,
    exceptions: found.exceptions.bytes(),
    matched: found.matched.bytes(),
    creditLookup: creditLookup.bytes(),
    journalLookup: journalLookup.bytes(),
    releases: releases.bytes(),
    resolutions: found.resolutionEvents(),
    leftJournal,
    leftClearing,
    counts,
    findings: found.count,
  };
}
