/**
 * Every planted fate, in the order a day offers them: every kind of DESIGN §6 (journal and clearing
 * legs) and the edge cases around them; the silent ones (a late journal, a weekend settle date that
 * is on time, a voided sale never cleared, a refund debited days later) must produce no finding.
 * The order is part of the output: a seed plants the same fates on the same transactions.
 */
import { AMOUNT_MISMATCH, FEE_MISMATCH } from './amounts.js';
import {
  DUP_JOURNAL_NEXT_DAY,
  DUP_JOURNAL_SAME_FILE,
  DUP_NEXT_DAY,
  DUP_SAME_FILE,
  DUP_TWO_MORE,
} from './duplicates.js';
import { HOLD_RELEASED, RISK_HOLD } from './holds.js';
import { DELAYED, DELAYED_ACROSS_HOLIDAY, DELAYED_ACROSS_WEEKEND, ON_TIME_WEEKEND } from './late.js';
import { AMBIGUOUS, FALLBACK_DELAYED, FUZZY_DELAYED, LATE_JOURNAL, UNMATCHED } from './matching.js';
import { ARRIVES_ON_DEADLINE, MISSING_AFTER_CUTOFF, MISSING_NEVER, MISSING_THEN_LATE } from './missing.js';
import type { Planter } from './planter.js';
import { REFUND_DEBITED, REFUND_NOT_DEBITED } from './refunds.js';
import { DECLINED_SETTLED, VOID_REVERSED, VOID_SETTLED, VOID_UNSETTLED } from './voids.js';

export const PLANTERS: readonly Planter[] = [
  MISSING_NEVER,
  MISSING_AFTER_CUTOFF,
  MISSING_THEN_LATE,
  ARRIVES_ON_DEADLINE,
  DELAYED_ACROSS_WEEKEND,
  DELAYED_ACROSS_HOLIDAY,
  DELAYED,
  ON_TIME_WEEKEND,
  DUP_SAME_FILE,
  DUP_NEXT_DAY,
  DUP_TWO_MORE,
  DUP_JOURNAL_SAME_FILE,
  DUP_JOURNAL_NEXT_DAY,
  AMOUNT_MISMATCH,
  FEE_MISMATCH,
  UNMATCHED,
  RISK_HOLD,
  HOLD_RELEASED,
  DECLINED_SETTLED,
  VOID_SETTLED,
  VOID_REVERSED,
  VOID_UNSETTLED,
  REFUND_DEBITED,
  REFUND_NOT_DEBITED,
  FALLBACK_DELAYED,
  FUZZY_DELAYED,
  AMBIGUOUS,
  LATE_JOURNAL,
];

/** What can happen to a transaction: the planted fates, by name. */
export const FATES: readonly string[] = PLANTERS.map((p) => p.fate);
