/**
 * What a row is to matching, by its type and status codes (DESIGN §6, §6.1): the terms the join and
 * settle tasks (workers/classify.ts) and the coordinator's window checks (src/run/window-checks.ts) share.
 *
 * Terms
 * - credit domain (journal): txn_type SALE or PREAUTH_COMPLETION, approved or not.
 * - credit-like (clearing): a credit (record_type SALE, status SETTLED) or a hold (status HELD, or
 *   record_type HOLD not REJECTED). Both match their journal transaction (rules 2, 3), but only a
 *   credit counts as one: a hold never makes a duplicate, and a sale matched by a hold still takes
 *   its credit. Among candidates, an approved journal row is preferred to a declined attempt.
 * - refund domain: journal REFUND rows and clearing REFUND rows (not REJECTED); they match each other
 *   by their own keys only (rule 4).
 */
import type { RowBatch } from './batch.js';
import {
  CHANNEL_QR,
  STATUS_HELD,
  STATUS_REJECTED,
  STATUS_SETTLED,
  TYPE_HOLD,
  TYPE_PREAUTH_COMPLETION,
  TYPE_REFUND,
  TYPE_REVERSAL,
  TYPE_SALE,
  TYPE_VOID,
} from './codes.js';

export function isCreditDomain(type: number): boolean {
  return type === TYPE_SALE || type === TYPE_PREAUTH_COMPLETION;
}

export function isHold(type: number, status: number): boolean {
  return status === STATUS_HELD || (type === TYPE_HOLD && status !== STATUS_REJECTED);
}

export function isCredit(type: number, status: number): boolean {
  return type === TYPE_SALE && status === STATUS_SETTLED;
}

export function isCreditLike(type: number, status: number): boolean {
  return isCredit(type, status) || isHold(type, status);
}

export function isClearingRefund(type: number, status: number): boolean {
  return type === TYPE_REFUND && status !== STATUS_REJECTED;
}

/** A journal VOID/REVERSAL or a clearing REVERSAL: a row that points at its original by orig_rrn. */
export function isLink(journal: boolean, type: number): boolean {
  return type === TYPE_REVERSAL || (journal && type === TYPE_VOID);
}

/** Card rows (pass 3 applies to them only): journal by channel, clearing by having no order_no. */
export function isCardJournal(b: RowBatch, i: number): boolean {
  return b.channel[i] !== CHANNEL_QR;
}
