/**
 * What a matched pair means (DESIGN §6, §6.1), shared by the join task (passes 1–2) and the settle
 * task (passes 3–4), and the writers of what a task finds: new findings, resolutions of earlier
 * findings, and journal transactions entering the matched-key window. The terms (credit domain,
 * credit-like, refund domain) and their predicates are in src/core/row-terms.ts, shared with the
 * coordinator.
 */
import { type RowBatch, withRoom } from '../src/core/batch.js';
import { ByteWriter } from '../src/core/byte-writer.js';
import {
  EVENT_REOPEN,
  EVENT_RESOLVE,
  EVENT_WIDTH,
  FLAG_AMBIGUOUS_RAISED,
  FLAG_FINDING,
  FLAG_HELD,
  FLAG_MISSING_RAISED,
  FLAG_REVERSED,
  FLAG_VOIDED,
  KIND_AMBIGUOUS_MATCH,
  KIND_AMOUNT_MISMATCH,
  KIND_DECLINED_BUT_SETTLED,
  KIND_DELAYED_CREDIT,
  KIND_FEE_MISMATCH,
  KIND_MISSING_CREDIT,
  KIND_REFUND_NOT_DEBITED,
  KIND_VOIDED_BUT_SETTLED,
  RESPONSE_APPROVED,
  SIDE_CLEARING,
  SIDE_JOURNAL,
} from '../src/core/codes.js';
import { type CalendarSpec, type WorkCalendar, workCalendarFor } from '../src/core/dates.js';
import { getI64 } from '../src/core/int64.js';
import { expectedFee, type MerchantTable } from '../src/core/merchants.js';
import type { Scratch } from '../src/core/scratch.js';
import { writeFinding } from './encode.js';
import { WindowWriter } from './window-records.js';

// The terms, for the task modules that import them from here.
export {
  isCardJournal,
  isClearingRefund,
  isCredit,
  isCreditDomain,
  isCreditLike,
  isHold,
  isLink,
} from '../src/core/row-terms.js';

export interface FindingContext {
  runDay: number;
  calendar: CalendarSpec;
  merchants: MerchantTable;
  amountTolerance: number;
}

/** Collects what a task finds, as bytes ready for COPY and Int32 events. */
export class Findings {
  readonly exceptions = new ByteWriter(1 << 12);
  /** Window records of the journal rows that leave the open set in this task. */
  readonly window: WindowWriter;
  private events = new Int32Array(EVENT_WIDTH * 64);
  private eventCount = 0;
  count = 0;
  readonly cal: WorkCalendar;
  readonly zone: number;

  /** With `scratch`, the window records are gathered and sorted in it (scratch.ts). */
  constructor(
    readonly ctx: FindingContext,
    scratch?: Scratch,
  ) {
    this.window = new WindowWriter(ctx.runDay, scratch);
    this.cal = workCalendarFor(ctx.calendar);
    this.zone = ctx.calendar.zoneOffsetMinutes;
  }

  /** A new finding; marks both rows as having one this run. */
  raise(
    kind: number,
    subjectJournal: boolean,
    J: RowBatch | null,
    j: number,
    C: RowBatch | null,
    c: number,
    stake: number,
    expFee = -1,
    daysLate = 0,
    duplicates = 0,
  ): void {
    writeFinding(
      this.exceptions,
      this.ctx.runDay,
      kind,
      subjectJournal,
      j >= 0 ? J : null,
      j,
      c >= 0 ? C : null,
      c,
      expFee,
      daysLate,
      duplicates,
      stake,
      this.zone,
    );
    if (J && j >= 0) J.flags[j]! |= FLAG_FINDING;
    if (C && c >= 0) C.flags[c]! |= FLAG_FINDING;
    this.count++;
  }

  /** An earlier finding on row i of B becomes resolved by this run. */
  resolve(kind: number, journal: boolean, B: RowBatch, i: number): void {
    this.event(EVENT_RESOLVE, kind, journal, B, i);
  }

  /** A resolved finding on row i of B is open again. */
  reopen(kind: number, journal: boolean, B: RowBatch, i: number): void {
    this.event(EVENT_REOPEN, kind, journal, B, i);
  }

  private event(op: number, kind: number, journal: boolean, B: RowBatch, i: number): void {
    this.events = withRoom(this.events, this.eventCount + EVENT_WIDTH);
    const r = this.events;
    let k = this.eventCount;
    r[k++] = op;
    r[k++] = kind;
    r[k++] = journal ? SIDE_JOURNAL : SIDE_CLEARING;
    r[k++] = B.src_run[i]!;
    r[k++] = B.src_file[i]!;
    r[k++] = B.src_line[i]!;
    this.eventCount = k;
  }

  findingEvents(): Int32Array {
    return this.events.slice(0, this.eventCount);
  }

  /** Journal row j leaves the open set without a credit (closed): into the window. */
  closed(J: RowBatch, j: number): void {
    this.window.add(J, j, false);
  }

  /**
   * A hold matched journal sale j (rule 3): the sale is not missing, gets no other check, and stays
   * open (flagged) for its credit, which is then its one credit, not a duplicate. RISK_HOLD is raised
   * per held row by the join.
   */
  holdPair(J: RowBatch, j: number, C: RowBatch, c: number): void {
    J.flags[j]! |= FLAG_HELD;
    if ((J.flags[j]! & FLAG_MISSING_RAISED) !== 0) this.resolve(KIND_MISSING_CREDIT, true, J, j);
    if ((C.flags[c]! & FLAG_AMBIGUOUS_RAISED) !== 0) this.resolve(KIND_AMBIGUOUS_MATCH, false, C, c);
  }

  /** A credit (SALE, SETTLED) matched journal row j, by any pass. */
  creditPair(J: RowBatch, j: number, C: RowBatch, c: number): void {
    this.window.add(J, j, true);
    if ((J.flags[j]! & FLAG_MISSING_RAISED) !== 0) this.resolve(KIND_MISSING_CREDIT, true, J, j);
    if ((C.flags[c]! & FLAG_AMBIGUOUS_RAISED) !== 0) this.resolve(KIND_AMBIGUOUS_MATCH, false, C, c);
    const gross = getI64(C.amount, c);
    const jf = J.flags[j]!;
    if ((jf & FLAG_VOIDED) !== 0) {
      // A voided sale was credited: a finding unless the acquirer reversed it (rule 5).
      if ((jf & FLAG_REVERSED) === 0) this.raise(KIND_VOIDED_BUT_SETTLED, true, J, j, C, c, gross);
      return;
    }
    if (J.response[j] !== RESPONSE_APPROVED) {
      this.raise(KIND_DECLINED_BUT_SETTLED, true, J, j, C, c, gross);
      return;
    }
    const amount = getI64(J.amount, j);
    if (Math.abs(gross - amount) > this.ctx.amountTolerance)
      this.raise(KIND_AMOUNT_MISMATCH, true, J, j, C, c, Math.abs(gross - amount));
    const exp = expectedFee(this.ctx.merchants, J.merchant_ix[j]!, gross);
    const fee = getI64(C.fee, c);
    if (exp >= 0 && Math.abs(fee - exp) > 1) this.raise(KIND_FEE_MISMATCH, true, J, j, C, c, Math.abs(fee - exp), exp);
    const late = this.cal.daysLate(J.expected[j]!, C.settle_date[c]!);
    if (late > 0) this.raise(KIND_DELAYED_CREDIT, true, J, j, C, c, gross, exp, late);
  }

  /** A clearing REFUND matched a journal REFUND: no check (rule 4); a late one resolves its finding. */
  refundPair(J: RowBatch, j: number): void {
    this.window.add(J, j, true);
    if ((J.flags[j]! & FLAG_MISSING_RAISED) !== 0) this.resolve(KIND_REFUND_NOT_DEBITED, true, J, j);
  }
}
