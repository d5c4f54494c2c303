/**
 * Join task: one partition's journal and clearing rows (new rows and carried open items) matched by
 * passes 1 and 2 (DESIGN §5) with an open-addressing hash table, and the matched pairs classified
 * (DESIGN §6). What no pass matched leaves as left-over rows for the settle task.
 *
 * Terms
 * - credit-domain journal row: txn_type SALE or PREAUTH_COMPLETION (approved or not).
 * - credit-like clearing row: a credit (record_type SALE, status SETTLED) or a hold (status HELD or
 *   record_type HOLD): both match their journal transaction (DESIGN §6.1 rules 2, 3). REJECTED rows
 *   match nothing.
 * - A probe whose key finds only journal rows that are already matched is a duplicate credit: it is
 *   consumed and counted on the first of them (rule 6).
 *
 * Rows are visited in their batch order (carried items first, then new rows in file order), so
 * "first" is deterministic whatever order the scan tasks finished in.
 */
import { allocBatch, appendRow, concatBatches, type RowBatch } from '../src/core/batch.js';
import { ByteWriter } from '../src/core/byte-writer.js';
import {
  countIndex,
  COUNTS_LENGTH,
  FLAG_CARRIED,
  FLAG_FINDING,
  FLAG_MISSING_RAISED,
  KIND_AMOUNT_MISMATCH,
  KIND_DECLINED_BUT_SETTLED,
  KIND_DELAYED_CREDIT,
  KIND_DUPLICATE_CREDIT,
  KIND_FEE_MISMATCH,
  KIND_RISK_HOLD,
  ORIGIN_CARRIED,
  ORIGIN_NEW,
  OUTCOME_EXCEPTION,
  OUTCOME_RECONCILED,
  RESPONSE_APPROVED,
  SIDE_CLEARING,
  SIDE_JOURNAL,
  STATUS_HELD,
  STATUS_REJECTED,
  STATUS_SETTLED,
  TYPE_HOLD,
  TYPE_PREAUTH_COMPLETION,
  TYPE_SALE,
} from '../src/core/codes.js';
import { WorkCalendar, type CalendarSpec } from '../src/core/dates.js';
import { getI64 } from '../src/core/int64.js';
import { KeyTable } from '../src/core/key-table.js';
import { orderKeyOf, rrnKeyOf } from '../src/core/keys.js';
import { expectedFee, type MerchantTable } from '../src/core/merchants.js';
import { strEq, strLen } from '../src/core/utf8.js';
import { writeFinding, writeLookup, writeMatchedKey } from './encode.js';

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
  lookup: Uint8Array;
  /** (src_run, src_file, src_line) triples of journal items whose MISSING_CREDIT is now resolved. */
  resolvedMissing: Int32Array;
  /** Unmatched journal and clearing rows, for the settle task. */
  leftJournal: RowBatch;
  leftClearing: RowBatch;
  /** Rows finished here, by side × origin × outcome (see countIndex). */
  counts: Int32Array;
  findings: number;
}

let calendarCache: { key: string; cal: WorkCalendar } | undefined;
function calendarFor(spec: CalendarSpec): WorkCalendar {
  const key = JSON.stringify(spec);
  if (calendarCache?.key !== key) calendarCache = { key, cal: new WorkCalendar(spec) };
  return calendarCache.cal;
}

export function isCreditDomain(type: number): boolean {
  return type === TYPE_SALE || type === TYPE_PREAUTH_COMPLETION;
}

export function isHold(type: number, status: number): boolean {
  return status === STATUS_HELD || (type === TYPE_HOLD && status !== STATUS_REJECTED);
}

export function isCreditLike(type: number, status: number): boolean {
  return (type === TYPE_SALE && status === STATUS_SETTLED) || isHold(type, status);
}

export function join(task: JoinTask): JoinResult {
  const { runDay } = task;
  const cal = calendarFor(task.calendar);
  const zone = task.calendar.zoneOffsetMinutes;
  const J = concatBatches(task.journal, task.journalLineBase);
  const C = concatBatches(task.clearing, task.clearingLineBase);
  const nJ = J.length;
  const nC = C.length;

  /** Clearing row that credited journal row j, −1 if none. */
  const jMatch = new Int32Array(nJ).fill(-1);
  /** Extra credits that hit journal row j, and the first of them. */
  const jDup = new Int32Array(nJ);
  const jFirstDup = new Int32Array(nJ).fill(-1);
  /** 0 open, 1 matched, 2 duplicate (consumed), 3 not credit-like (closed). */
  const cState = new Uint8Array(nC);
  const cPair = new Int32Array(nC).fill(-1);

  for (let c = 0; c < nC; c++) if (!isCreditLike(C.type[c]!, C.status[c]!)) cState[c] = 3;

  // Pass 1 (QR): (merchant_id, order_no) when both sides have an order_no.
  {
    const t = new KeyTable(nJ);
    for (let j = 0; j < nJ; j++) {
      if (isCreditDomain(J.type[j]!) && strLen(J.order_no, j) > 0) t.insert(J.hash[j]!, j);
    }
    if (t.size > 0) {
      for (let c = 0; c < nC; c++) {
        if (cState[c] !== 0 || strLen(C.order_no, c) === 0) continue;
        const h = C.hash[c]!;
        let first = -1;
        let free = -1;
        for (let s = t.find(h); s >= 0; s = t.findNext(s, h)) {
          const j = t.rowAt(s);
          if (!strEq(J.order_no, j, C.order_no, c) || !strEq(J.merchant_id, j, C.merchant_id, c)) continue;
          if (first < 0) first = j;
          if (jMatch[j]! < 0) {
            free = j;
            break;
          }
        }
        settleProbe(c, first, free);
      }
    }
  }

  // Pass 2 (cards): (merchant_id, terminal_id, rrn).
  {
    const t = new KeyTable(nJ);
    for (let j = 0; j < nJ; j++) {
      if (!isCreditDomain(J.type[j]!) || strLen(J.rrn, j) === 0) continue;
      t.insert(strLen(J.order_no, j) === 0 ? J.hash[j]! : rrnKeyOf(J, j), j);
    }
    if (t.size > 0) {
      for (let c = 0; c < nC; c++) {
        if (cState[c] !== 0 || strLen(C.rrn, c) === 0) continue;
        const h = strLen(C.order_no, c) === 0 ? C.hash[c]! : rrnKeyOf(C, c);
        let first = -1;
        let free = -1;
        for (let s = t.find(h); s >= 0; s = t.findNext(s, h)) {
          const j = t.rowAt(s);
          if (!strEq(J.rrn, j, C.rrn, c) || !strEq(J.terminal_id, j, C.terminal_id, c) || !strEq(J.merchant_id, j, C.merchant_id, c)) continue;
          if (first < 0) first = j;
          if (jMatch[j]! < 0) {
            free = j;
            break;
          }
        }
        settleProbe(c, first, free);
      }
    }
  }

  function settleProbe(c: number, first: number, free: number): void {
    if (free >= 0) {
      jMatch[free] = c;
      cState[c] = 1;
      cPair[c] = free;
    } else if (first >= 0) {
      cState[c] = 2;
      cPair[c] = first;
      if (jDup[first] === 0) jFirstDup[first] = c;
      jDup[first]!++;
    }
  }

  // Classification of matched pairs and duplicates.
  const exc = new ByteWriter(1 << 12);
  const matched = new ByteWriter(1 << 16);
  const resolved: number[] = [];
  const counts = new Int32Array(COUNTS_LENGTH);
  let findings = 0;
  const merchants = task.merchants;

  const raise = (kind: number, subjectJournal: boolean, j: number, c: number, stake: number, expectedFee = -1, daysLate = 0, duplicateCount = 0): void => {
    writeFinding(exc, runDay, kind, subjectJournal, j >= 0 ? J : null, j, c >= 0 ? C : null, c, expectedFee, daysLate, duplicateCount, stake, zone);
    if (j >= 0) J.flags[j]! |= FLAG_FINDING;
    if (c >= 0) C.flags[c]! |= FLAG_FINDING;
    findings++;
  };

  for (let j = 0; j < nJ; j++) {
    const c = jMatch[j]!;
    if (c < 0) continue;
    writeMatchedKey(matched, runDay, J, j, zone);
    if ((J.flags[j]! & FLAG_MISSING_RAISED) !== 0) resolved.push(J.src_run[j]!, J.src_file[j]!, J.src_line[j]!);
    if (isHold(C.type[c]!, C.status[c]!)) continue; // RISK_HOLD is raised per held row below; no other check.
    const amount = getI64(J.amount, j);
    const gross = getI64(C.amount, c);
    if (J.response[j] !== RESPONSE_APPROVED) {
      raise(KIND_DECLINED_BUT_SETTLED, true, j, c, gross);
      continue;
    }
    if (Math.abs(gross - amount) > task.amountTolerance) {
      raise(KIND_AMOUNT_MISMATCH, true, j, c, Math.abs(gross - amount));
    }
    const exp = expectedFee(merchants, J.merchant_ix[j]!, gross);
    const fee = getI64(C.fee, c);
    if (exp >= 0 && Math.abs(fee - exp) > 1) {
      raise(KIND_FEE_MISMATCH, true, j, c, Math.abs(fee - exp), exp);
    }
    const late = cal.daysLate(J.expected[j]!, C.settle_date[c]!);
    if (late > 0) raise(KIND_DELAYED_CREDIT, true, j, c, gross, exp, late);
  }
  for (let j = 0; j < nJ; j++) {
    if (jDup[j] === 0) continue;
    const c = jFirstDup[j]!;
    raise(KIND_DUPLICATE_CREDIT, true, j, c, getI64(C.amount, c) * jDup[j]!, -1, 0, jDup[j]!);
  }
  for (let c = 0; c < nC; c++) {
    if ((C.flags[c]! & FLAG_CARRIED) !== 0 || !isHold(C.type[c]!, C.status[c]!)) continue;
    raise(KIND_RISK_HOLD, false, cPair[c]!, c, getI64(C.amount, c));
  }

  // Outcomes of the rows finished here; the rest go on to settle.
  const leftJournal = allocBatch(16);
  const leftClearing = allocBatch(16);
  const lookup = new ByteWriter(1 << 10);
  for (let j = 0; j < nJ; j++) {
    const origin = (J.flags[j]! & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
    if (jMatch[j]! >= 0 || !isCreditDomain(J.type[j]!)) {
      counts[countIndex(SIDE_JOURNAL, origin, (J.flags[j]! & FLAG_FINDING) !== 0 ? OUTCOME_EXCEPTION : OUTCOME_RECONCILED)]!++;
    } else {
      appendRow(leftJournal, J, j);
    }
  }
  for (let c = 0; c < nC; c++) {
    const origin = (C.flags[c]! & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
    const state = cState[c]!;
    if (state === 0) {
      if (isCreditLike(C.type[c]!, C.status[c]!)) writeLookup(lookup, task.partition, leftClearing.length, C, c);
      appendRow(leftClearing, C, c);
    } else {
      const outcome = state === 2 || (C.flags[c]! & FLAG_FINDING) !== 0 ? OUTCOME_EXCEPTION : OUTCOME_RECONCILED;
      counts[countIndex(SIDE_CLEARING, origin, outcome)]!++;
    }
  }

  return {
    partition: task.partition,
    exceptions: exc.bytes(),
    matched: matched.bytes(),
    lookup: lookup.bytes(),
    resolvedMissing: Int32Array.from(resolved),
    leftJournal,
    leftClearing,
    counts,
    findings,
  };
}
