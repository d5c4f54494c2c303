/**
 * Settle task: what no pass matched, aged against the run date (DESIGN §4 deadline, §6.1 rule 9:
 * a run matches first, then ages) and written out as findings and the open items carried to the
 * next run. It sees the left-overs of every partition, a small share of the rows.
 *
 * Ageing
 * - approved sale (journal): at the first run ≥ its deadline → MISSING_CREDIT, and the item stays
 *   open (flagged) so that a late credit still resolves it, until it leaves the matched-key window.
 * - declined sale: carried until its deadline (a late credit would be DECLINED_BUT_SETTLED), then
 *   closed as reconciled.
 * - credit (clearing): at the first run ≥ its deadline → UNMATCHED_CLEARING, closed.
 * - hold: carried until its deadline so a late journal row still matches it; RISK_HOLD was raised
 *   when it arrived.
 * - consumed: a left-over credit that the coordinator found in the matched-key window (a duplicate
 *   of a transaction credited by an earlier run); closed, its DUPLICATE_CREDIT written by the store.
 */
import type { RowBatch } from '../src/core/batch.js';
import { ByteWriter } from '../src/core/byte-writer.js';
import {
  countIndex,
  COUNTS_LENGTH,
  FLAG_CARRIED,
  FLAG_FINDING,
  FLAG_MISSING_RAISED,
  FLAG_PERSISTED,
  KIND_MISSING_CREDIT,
  KIND_UNMATCHED_CLEARING,
  ORIGIN_CARRIED,
  ORIGIN_NEW,
  OUTCOME_EXCEPTION,
  OUTCOME_OPEN,
  OUTCOME_RECONCILED,
  RESPONSE_APPROVED,
  SIDE_CLEARING,
  SIDE_JOURNAL,
} from '../src/core/codes.js';
import type { CalendarSpec } from '../src/core/dates.js';
import { getI64 } from '../src/core/int64.js';
import { writeFinding, writeOpenItem } from './encode.js';
import { isHold } from './join.js';

export interface SettleTask {
  runDay: number;
  /** Journal items whose business date is before this leave the open set (the window, §9). */
  windowStart: number;
  journal: RowBatch[];
  clearing: RowBatch[];
  /** Per clearing batch, ascending row numbers consumed as duplicates of earlier runs' credits. */
  consumed: Int32Array[];
  calendar: CalendarSpec;
}

export interface SettleResult {
  exceptions: Uint8Array;
  openItems: Uint8Array;
  counts: Int32Array;
  findings: number;
  openJournal: number;
  openClearing: number;
}

export function settle(task: SettleTask): SettleResult {
  const { runDay } = task;
  const zone = task.calendar.zoneOffsetMinutes;
  const exc = new ByteWriter(1 << 12);
  const open = new ByteWriter(1 << 14);
  const counts = new Int32Array(COUNTS_LENGTH);
  let findings = 0;
  let openJournal = 0;
  let openClearing = 0;

  for (const J of task.journal) {
    for (let j = 0; j < J.length; j++) {
      const flags = J.flags[j]!;
      const origin = (flags & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
      const due = J.deadline[j]! <= runDay;
      let keep = true;
      let outcome = OUTCOME_OPEN;
      if (J.response[j] === RESPONSE_APPROVED) {
        if (due && (flags & FLAG_MISSING_RAISED) === 0) {
          writeFinding(exc, runDay, KIND_MISSING_CREDIT, true, J, j, null, -1, -1, 0, 0, getI64(J.amount, j), zone);
          J.flags[j] = flags | FLAG_MISSING_RAISED | FLAG_FINDING;
          findings++;
          outcome = OUTCOME_EXCEPTION;
        } else if ((flags & FLAG_MISSING_RAISED) !== 0 && J.business_date[j]! < task.windowStart) {
          keep = false;
          outcome = OUTCOME_EXCEPTION;
        }
      } else if (due) {
        keep = false;
        outcome = OUTCOME_RECONCILED;
      }
      if ((J.flags[j]! & FLAG_FINDING) !== 0) outcome = OUTCOME_EXCEPTION;
      if (keep) {
        writeOpenItem(open, runDay, J, j, true, J.flags[j]! & FLAG_PERSISTED, zone);
        openJournal++;
      }
      counts[countIndex(SIDE_JOURNAL, origin, outcome)]!++;
    }
  }

  for (let b = 0; b < task.clearing.length; b++) {
    const C = task.clearing[b]!;
    const consumed = task.consumed[b] ?? new Int32Array(0);
    let k = 0;
    for (let c = 0; c < C.length; c++) {
      const flags = C.flags[c]!;
      const origin = (flags & FLAG_CARRIED) !== 0 ? ORIGIN_CARRIED : ORIGIN_NEW;
      if (k < consumed.length && consumed[k] === c) {
        k++;
        counts[countIndex(SIDE_CLEARING, origin, OUTCOME_EXCEPTION)]!++;
        continue;
      }
      const due = C.deadline[c]! <= runDay;
      let keep = !due;
      let outcome = OUTCOME_OPEN;
      if (due) {
        if (isHold(C.type[c]!, C.status[c]!)) {
          outcome = OUTCOME_RECONCILED;
        } else {
          writeFinding(exc, runDay, KIND_UNMATCHED_CLEARING, false, null, -1, C, c, -1, 0, 0, getI64(C.amount, c), zone);
          C.flags[c] = flags | FLAG_FINDING;
          findings++;
          outcome = OUTCOME_EXCEPTION;
          keep = false;
        }
      }
      if ((C.flags[c]! & FLAG_FINDING) !== 0) outcome = OUTCOME_EXCEPTION;
      if (keep) {
        writeOpenItem(open, runDay, C, c, false, C.flags[c]! & FLAG_PERSISTED, zone);
        openClearing++;
      }
      counts[countIndex(SIDE_CLEARING, origin, outcome)]!++;
    }
  }

  return { exceptions: exc.bytes(), openItems: open.bytes(), counts, findings, openJournal, openClearing };
}
