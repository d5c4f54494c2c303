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
};
