/**
 * Enumerations of the input format (DESIGN §3) as the small integer codes stored in Uint8 columns,
 * and the state bits carried on open items. Code 0 always means "absent" (e.g. channel on a
 * clearing row).
 */

/** Unified row type: journal txn_type and clearing record_type share one code space. */
export const TYPE_SALE = 1;
export const TYPE_VOID = 2;
export const TYPE_REVERSAL = 3;
export const TYPE_REFUND = 4;
export const TYPE_PREAUTH_COMPLETION = 5;
export const TYPE_HOLD = 6;
export const TYPE_RELEASE = 7;
export const TYPE_NAMES = ['', 'SALE', 'VOID', 'REVERSAL', 'REFUND', 'PREAUTH_COMPLETION', 'HOLD', 'RELEASE'] as const;
/** Values a journal's txn_type may take. */
export const JOURNAL_TYPES = [TYPE_SALE, TYPE_VOID, TYPE_REVERSAL, TYPE_REFUND, TYPE_PREAUTH_COMPLETION];
/** Values a clearing file's record_type may take. */
export const CLEARING_TYPES = [TYPE_SALE, TYPE_REFUND, TYPE_REVERSAL, TYPE_HOLD, TYPE_RELEASE];

export const CHANNEL_CARD_CHIP = 1;
export const CHANNEL_CARD_SWIPE = 2;
export const CHANNEL_CONTACTLESS = 3;
export const CHANNEL_QR = 4;
export const CHANNEL_NAMES = ['', 'CARD_CHIP', 'CARD_SWIPE', 'CONTACTLESS', 'QR'] as const;

export const STATUS_SETTLED = 1;
export const STATUS_HELD = 2;
export const STATUS_REJECTED = 3;
export const STATUS_NAMES = ['', 'SETTLED', 'HELD', 'REJECTED'] as const;

/** A payout's status (DESIGN §3.5): RETURNED = paid, then sent back; HELD = the payout itself frozen. */
export const PAYOUT_PAID = 1;
export const PAYOUT_FAILED = 2;
export const PAYOUT_RETURNED = 3;
export const PAYOUT_HELD = 4;
export const PAYOUT_STATUS_NAMES = ['', 'PAID', 'FAILED', 'RETURNED', 'HELD'] as const;
export type PayoutStatusName = Exclude<(typeof PAYOUT_STATUS_NAMES)[number], ''>;

/** Response code "00" packed as two ASCII bytes: approved. */
export const RESPONSE_APPROVED = (0x30 << 8) | 0x30;

/**
 * State bits of a row, persisted with open items (recon.open_item.flags) unless noted. The batch's
 * `flags` column holds FLAG_BITS of them (a Uint16Array); a test checks that every flag fits and
 * that no two share a bit, so a new flag cannot be truncated silently.
 */
export const FLAG_BITS = 16;
/** The row was loaded from the open-item store (set on load, never persisted). */
export const FLAG_CARRIED = 1;
/** MISSING_CREDIT (a sale) or REFUND_NOT_DEBITED (a refund) has been raised for this journal item. */
export const FLAG_MISSING_RAISED = 2;
/** An approved VOID/REVERSAL in the journals points at this sale (DESIGN §6.1 rule 5). */
export const FLAG_VOIDED = 4;
/** A clearing REVERSAL for this sale has been seen. */
export const FLAG_REVERSED = 8;
/** AMBIGUOUS_MATCH has been raised for this clearing item (rule 7: raised once). */
export const FLAG_AMBIGUOUS_RAISED = 16;
/** A hold (not a credit) matched this journal sale: it is not missing, and waits for its credit. */
export const FLAG_HELD = 32;
/** A candidate of an open ambiguous match in this run: it does not age (transient). */
export const FLAG_PROTECTED = 64;
/** A finding was raised on this row by the current run (transient). */
export const FLAG_FINDING = 128;
/** Mask of the bits that are persisted. */
export const FLAG_PERSISTED = FLAG_MISSING_RAISED | FLAG_VOIDED | FLAG_REVERSED | FLAG_AMBIGUOUS_RAISED | FLAG_HELD;

/** Outcome of a row at the end of a run, for the rows-in equation (DESIGN §6). */
export const OUTCOME_RECONCILED = 0;
export const OUTCOME_EXCEPTION = 1;
export const OUTCOME_OPEN = 2;
export const ORIGIN_NEW = 0;
export const ORIGIN_CARRIED = 1;
/** Index into a counts array of 2 sides × 2 origins × 3 outcomes. */
export function countIndex(side: number, origin: number, outcome: number): number {
  return (side * 2 + origin) * 3 + outcome;
}
export const COUNTS_LENGTH = 12;

/** Sides of a row. */
export const SIDE_JOURNAL = 0;
export const SIDE_CLEARING = 1;
/** A payout row (the third leg, DESIGN §3.5): the subject of the payout findings that have one. */
export const SIDE_PAYOUT = 2;
export const SIDE_LETTERS = ['J', 'C', 'P'] as const;

/** Exception kinds (DESIGN §6), in the order reports list them. */
export const KIND_NAMES = [
  'MISSING_CREDIT',
  'DELAYED_CREDIT',
  'DUPLICATE_CREDIT',
  'DUPLICATE_JOURNAL',
  'AMOUNT_MISMATCH',
  'FEE_MISMATCH',
  'RISK_HOLD',
  'VOIDED_BUT_SETTLED',
  'DECLINED_BUT_SETTLED',
  'REFUND_NOT_DEBITED',
  'UNMATCHED_CLEARING',
  'AMBIGUOUS_MATCH',
  // The payout leg (DESIGN §6.2): found by the coordinator (src/run/payout-stage.ts), not the workers.
  'PAYOUT_MISSING',
  'PAYOUT_MISMATCH',
  'PAYOUT_RETURNED',
  'PAYOUT_HELD',
  'PAYOUT_DUPLICATE',
  'UNEXPECTED_PAYOUT',
] as const;
export type KindName = (typeof KIND_NAMES)[number];
/** The payout leg's kinds (DESIGN §6.2), the last of KIND_NAMES. */
export const PAYOUT_KINDS: readonly string[] = KIND_NAMES.slice(KIND_NAMES.indexOf('PAYOUT_MISSING'));

/** Whether a finding is the payout leg's. */
export function isPayoutKind(kind: string): boolean {
  return PAYOUT_KINDS.includes(kind);
}
export const KIND_MISSING_CREDIT = 0;
export const KIND_DELAYED_CREDIT = 1;
export const KIND_DUPLICATE_CREDIT = 2;
export const KIND_DUPLICATE_JOURNAL = 3;
export const KIND_AMOUNT_MISMATCH = 4;
export const KIND_FEE_MISMATCH = 5;
export const KIND_RISK_HOLD = 6;
export const KIND_VOIDED_BUT_SETTLED = 7;
export const KIND_DECLINED_BUT_SETTLED = 8;
export const KIND_REFUND_NOT_DEBITED = 9;
export const KIND_UNMATCHED_CLEARING = 10;
export const KIND_AMBIGUOUS_MATCH = 11;

/** Operations on earlier findings, sent by workers as (op, kind, side, src_run, src_file, src_line). */
export const EVENT_RESOLVE = 0;
/** A resolved finding is open again (an ambiguity that came back). */
export const EVENT_REOPEN = 1;
export const EVENT_WIDTH = 6;
