/**
 * What each kind of finding means, for the finding page: the rule that raised it (DESIGN §6), what it
 * means for the merchant and what to do (README "What each exception means and what to do", word for
 * word: test/integration/console.test.ts holds the two together).
 */

export interface KindRule {
  /** When the engine raises it. */
  readonly rule: string;
  /** What it means for the merchant. */
  readonly meaning: string;
  /** What an operator does about it. */
  readonly todo: string;
}

export const KIND_RULES: Readonly<Record<string, KindRule>> = {
  MISSING_CREDIT: {
    rule: 'An approved sale (not voided or reversed) had no matching credit by the first run on or after its deadline (expected settle date + grace working days).',
    meaning: 'the terminal took the money; the acquirer has not paid it by the deadline',
    todo: 'chase the acquirer with the rrn / order number; it resolves itself if the credit arrives later',
  },
  DELAYED_CREDIT: {
    rule: 'A matched credit settled later than expected: days_late working days after the expected settle date.',
    meaning: 'paid, but `days_late` working days late',
    todo: 'usually nothing; recurring lateness for one merchant or acquirer is worth raising',
  },
  DUPLICATE_CREDIT: {
    rule: 'More than one credit matched one journal transaction, in one file or across files and days; duplicate_count counts the extra credits.',
    meaning: 'the same sale was paid more than once (`duplicate_count` extra times)',
    todo: 'ask the acquirer to claw back the extra credits before the merchant spends them',
  },
  DUPLICATE_JOURNAL: {
    rule: 'The same transaction (same match key, amount and type) appeared twice in the journals; the copy was dropped.',
    meaning: 'the terminal sent the same transaction twice; the copy was ignored',
    todo: "check the terminal's upload (a retry bug); nothing to recover",
  },
  AMOUNT_MISMATCH: {
    rule: "A matched credit's gross amount differs from the amount the terminal charged (beyond --amount-tolerance).",
    meaning: 'paid a different amount than the terminal charged',
    todo: 'compare the receipt; claim the difference from the acquirer, or refund the customer',
  },
  FEE_MISMATCH: {
    rule: "The fee deducted differs by more than 1 fen from the merchant's rate: min(round(gross × mdr_bps / 10000), fee cap).",
    meaning: "the acquirer deducted a fee that does not match the merchant's rate",
    todo: "claim the difference; check the merchant's `mdr_bps` / cap in the merchants file first",
  },
  RISK_HOLD: {
    rule: 'A clearing row with status HELD or record type HOLD; resolved when a RELEASE arrives.',
    meaning: "the acquirer's risk team is holding the money",
    todo: 'tell the merchant; it resolves when the RELEASE arrives; chase long-held items',
  },
  VOIDED_BUT_SETTLED: {
    rule: 'The journal voided or reversed a sale, and the sale was credited with no clearing REVERSAL.',
    meaning: 'the sale was voided at the terminal but paid anyway',
    todo: 'the merchant holds money the customer got back: arrange a reversal with the acquirer',
  },
  DECLINED_BUT_SETTLED: {
    rule: 'The journal row has a response code other than 00, and the acquirer credited it.',
    meaning: 'the terminal showed "declined" but the acquirer paid',
    todo: 'check whether the customer was charged twice (a declined attempt and a retry)',
  },
  REFUND_NOT_DEBITED: {
    rule: 'An approved journal REFUND had no clearing REFUND by the first run on or after its deadline.',
    meaning: "a refund at the terminal was never taken from the merchant's settlement",
    todo: 'expect a late debit; if none comes, the acquirer refunded the customer at its own cost — ask',
  },
  UNMATCHED_CLEARING: {
    rule: 'A clearing credit had no journal transaction by the first run on or after its deadline (journals can be uploaded late).',
    meaning: 'the acquirer paid for a transaction no terminal journal shows',
    todo: 'look for a missing journal upload for that terminal and date first; otherwise query the acquirer',
  },
  AMBIGUOUS_MATCH: {
    rule: 'The last, fuzzy pass (terminal, auth code and amount within 300 s) found more than one journal candidate for a clearing row; nothing was matched.',
    meaning: 'a credit fits several terminal transactions (same terminal, auth code and amount within 5 min)',
    todo: 'a person decides which; nothing ages into MISSING / UNMATCHED while it is open',
  },
  PAYOUT_MISSING: {
    rule: 'A (merchant, settle_date) had an expected payout (its SETTLED clearing net) above zero and no payout at all by the first run on or after its deadline (settle_date + grace working days).',
    meaning: "the acquirer cleared the merchant's money but never paid it out to the merchant's account",
    todo: 'ask the acquirer for the payout of that settle date (划款); it resolves itself when a payout arrives, which is then checked',
  },
  PAYOUT_MISMATCH: {
    rule: 'At the check of a (merchant, settle_date), the payouts (each chain counted once, duplicates apart) add up to another amount than the expected payout, beyond --amount-tolerance.',
    meaning:
      'the merchant was paid more or less than was cleared for that day (`payout_amount_minor` against `clearing_amount_minor`)',
    todo: 'ask the acquirer for the payout breakdown; a later payout or return updates it, and it resolves when the sums agree',
  },
  PAYOUT_RETURNED: {
    rule: "A payout came back FAILED or RETURNED (退汇/退票) from the merchant's bank, with the bank's reason_code; raised by the run that reads that status.",
    meaning:
      'the money left the acquirer but did not reach the merchant: the account is wrong (AC01), closed (AC04), frozen/blocked (AC06) or not in that name (BE01)',
    todo: 'tell the merchant the reason: AC06, the account is frozen — they must clear it with their bank; AC01/AC04/BE01, they must give correct account details; then the acquirer re-pays, which resolves it',
  },
  PAYOUT_HELD: {
    rule: 'A payout is HELD (冻结出款): the payout itself is frozen, by the acquirer or its paying bank; raised by the run that reads it.',
    meaning: "the merchant's money is ready but frozen on its way out",
    todo: 'find out who holds it and why (risk control, a court order, missing documents); it resolves when the same payout_id is PAID',
  },
  PAYOUT_DUPLICATE: {
    rule: 'At the check of a (merchant, settle_date), more than one PAID payout of the same amount that no orig_payout_id chain explains; duplicate_count counts the extra payouts.',
    meaning: "the merchant was paid the same day's money more than once",
    todo: 'ask the acquirer to recover the extra payouts before the merchant spends them',
  },
  UNEXPECTED_PAYOUT: {
    rule: 'A payout for a (merchant, settle_date) that had no expected payout at its deadline (no SETTLED clearing net above zero).',
    meaning: "money went to a merchant's account that no cleared transaction explains",
    todo: 'check the merchant id and settle date of the payout with the acquirer; it may belong to another day or merchant',
  },
};
