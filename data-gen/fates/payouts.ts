/**
 * What befalls the payout of one (merchant, settle_date) (DESIGN §3.5, §6 PAYOUT_*, §6.2): paid on
 * time, late, never, short, over, returned by the merchant's bank and paid again, failed, held, paid
 * twice, split in two — and a payout for a pair nothing was cleared for. Each planter writes the
 * pair's payout rows (payout-writer.ts) and the findings a correct engine must report for them.
 *
 * Vocabulary
 * - pair: a merchant and a settle date; its check: the first run on or after settle_date + grace
 *   working days (every generated day has a run), where rule 2 of §6.2 looks at it.
 * - expected: the expected payout at the check (expected-payouts.ts); null for a pair with no clearing
 *   row at all (the unexpected payout's).
 * - chain (of payouts): a payout and its re-payouts (orig_payout_id); here every fate pays one chain
 *   but paid twice and split in two, which pay two.
 */
import type { PayoutRow, PayoutStatus, PayoutWriter } from '../payout-writer.js';
import type { Rng } from '../rng.js';
import type { Truth } from '../truth.js';
import type { Merchant } from '../world.js';

/** A pair a payout fate may befall: its check falls inside the chain. */
export interface PayoutCandidate {
  readonly merchant: Merchant;
  readonly settle: number;
  /** The check run (≤ the chain's end for every fate but ON_TIME). */
  readonly check: number;
  /** The expected payout at the check; null: the pair has no clearing row. */
  readonly expected: number | null;
}

/** What a payout planter may use of the chain being generated. */
export interface PayoutChain {
  readonly rng: Rng;
  readonly start: number;
  /** The chain's last day: rows and findings of later days are not written. */
  readonly end: number;
  readonly truth: Truth;
  readonly payouts: PayoutWriter;
}

export interface PayoutPlanter {
  readonly fate: string;
  /** It befalls a pair with no clearing row (the others: pairs with an expected payout > 0). */
  readonly nothingExpected?: true;
  eligible(c: PayoutCandidate, chain: PayoutChain): boolean;
  /** Writes the pair's payout rows and adds their findings to the truth. */
  plant(c: PayoutCandidate, chain: PayoutChain): void;
}

/** ISO 20022 return reasons (DESIGN §3.5): wrong account number, closed, blocked/frozen, name mismatch. */
export const RETURN_REASONS = ['AC01', 'AC04', 'AC06', 'BE01'] as const;
/** Reasons an acquirer gives for holding a payout ('' : none given). */
const HOLD_REASONS = ['', 'RISK_REVIEW', 'ACCT_VERIFY'];
/** Largest difference planted between a short or over payout and the expected one, in fen. */
const MAX_PAYOUT_DELTA = 5000;
/** Amounts of unexpected payouts, in fen. */
const UNEXPECTED_MIN = 1000;
const UNEXPECTED_MAX = 500_000;

/** A day drawn from [lo, hi]. */
function between(chain: PayoutChain, lo: number, hi: number): number {
  return chain.rng.int(lo, Math.max(lo, hi));
}

/** The first day a pair's payout can be received: its settle date (the chain's first day at the earliest). */
function firstDay(c: PayoutCandidate, chain: PayoutChain): number {
  return Math.max(c.settle, chain.start);
}

/** A day from the settle date to the check, for a payout result that must be read by the check. */
function byCheck(c: PayoutCandidate, chain: PayoutChain): number {
  return between(chain, firstDay(c, chain), c.check);
}

/** The expected payout of a candidate a fate needs it of (every fate but UNEXPECTED). */
function expectedOf(c: PayoutCandidate): number {
  if (c.expected === null) throw new Error('a payout fate planted on a pair with nothing expected');
  return c.expected;
}

interface RowOpts {
  id: string;
  status: PayoutStatus;
  amount: number;
  reason?: string;
  orig?: string;
  account?: string;
}

/**
 * A payout row of the pair received on `day`, its status reached that day or the day before (not
 * before the settle date).
 */
function row(chain: PayoutChain, c: PayoutCandidate, day: number, o: RowOpts): void {
  const statusDate = day > c.settle && chain.rng.chance(0.3) ? day - 1 : day;
  const r: PayoutRow = {
    day,
    id: o.id,
    merchant: c.merchant,
    settle: c.settle,
    amount: o.amount,
    status: o.status,
    statusDate,
    reason: o.reason ?? '',
    account: o.account ?? chain.payouts.account(c.merchant),
    orig: o.orig ?? '',
  };
  chain.payouts.add(r);
}

/** One PAID payout of `amount` received on `day`; returns its id. */
function paid(chain: PayoutChain, c: PayoutCandidate, day: number, amount: number): string {
  const id = chain.payouts.newId(day);
  row(chain, c, day, { id, status: 'PAID', amount });
  return id;
}

/** Paid exactly, received by the check (on the settle date or the day after): nothing. */
export const ON_TIME: PayoutPlanter = {
  fate: 'PAYOUT_ON_TIME',
  eligible: (c) => c.expected !== null && c.expected > 0,
  plant(c, chain) {
    const first = firstDay(c, chain);
    paid(chain, c, Math.min(c.check, first + chain.rng.int(0, 1)), expectedOf(c));
  },
};

/** Paid exactly, received a day or two after the check: PAYOUT_MISSING at the check, resolved then. */
export const PAYOUT_LATE: PayoutPlanter = {
  fate: 'PAYOUT_LATE',
  eligible: (c, chain) => c.check + 1 <= chain.end,
  plant(c, chain) {
    const arrive = Math.min(chain.end, c.check + chain.rng.int(1, 2));
    paid(chain, c, arrive, expectedOf(c));
    chain.truth.addPayout(c.check, 'PAYOUT_MISSING', 'resolved', c.merchant, { expected: expectedOf(c) });
  },
};

/** Never paid: PAYOUT_MISSING at the check, open. */
export const PAYOUT_NEVER: PayoutPlanter = {
  fate: 'PAYOUT_NEVER',
  eligible: () => true,
  plant(c, chain) {
    chain.truth.addPayout(c.check, 'PAYOUT_MISSING', 'open', c.merchant, { expected: expectedOf(c) });
  },
};

/** Paid once by the check, `sign` × up to MAX_PAYOUT_DELTA fen off: PAYOUT_MISMATCH at the check. */
function mispaid(fate: string, sign: 1 | -1): PayoutPlanter {
  return {
    fate,
    eligible: (c) => sign > 0 || expectedOf(c) >= 2,
    plant(c, chain) {
      const expected = expectedOf(c);
      const delta = chain.rng.int(1, sign > 0 ? MAX_PAYOUT_DELTA : Math.min(MAX_PAYOUT_DELTA, expected - 1));
      const amount = expected + sign * delta;
      const id = paid(chain, c, byCheck(c, chain), amount);
      chain.truth.addPayout(c.check, 'PAYOUT_MISMATCH', 'open', c.merchant, { expected, payoutId: id, paid: amount });
    },
  };
}

/** Paid short. */
export const PAYOUT_SHORT = mispaid('PAYOUT_SHORT', -1);
/** Paid over. */
export const PAYOUT_OVER = mispaid('PAYOUT_OVER', 1);

/**
 * Paid on the settle date, sent back by the merchant's bank with `reason` a day or two later, paid
 * again (a new payout naming the returned one) a day or two after that, in full: PAYOUT_RETURNED
 * raised by the run that reads the return, resolved by the one that reads the re-payout. The chain
 * is paid in full, so the check finds nothing else, whichever of its rows it has read.
 */
function returnedThenRepaid(reason: (typeof RETURN_REASONS)[number]): PayoutPlanter {
  return {
    fate: `PAYOUT_RETURNED_${reason}`,
    eligible: (c, chain) => firstDay(c, chain) + 2 <= chain.end,
    plant(c, chain) {
      const expected = expectedOf(c);
      const day = firstDay(c, chain);
      const id = paid(chain, c, day, expected);
      const back = Math.min(chain.end - 1, day + chain.rng.int(1, 2));
      const account = chain.payouts.account(c.merchant);
      row(chain, c, back, { id, status: 'RETURNED', amount: expected, reason, account });
      const again = Math.min(chain.end, back + chain.rng.int(1, 2));
      // After a wrong or closed account the merchant gives another.
      const renewed = reason === 'AC01' || reason === 'AC04';
      row(chain, c, again, {
        id: chain.payouts.newId(again),
        status: 'PAID',
        amount: expected,
        orig: id,
        account: chain.payouts.account(c.merchant, renewed),
      });
      chain.truth.addPayout(back, 'PAYOUT_RETURNED', 'resolved', c.merchant, { payoutId: id, reason, paid: expected });
    },
  };
}

export const PAYOUT_RETURNED_AC01 = returnedThenRepaid('AC01');
export const PAYOUT_RETURNED_AC04 = returnedThenRepaid('AC04');
export const PAYOUT_RETURNED_AC06 = returnedThenRepaid('AC06');
export const PAYOUT_RETURNED_BE01 = returnedThenRepaid('BE01');

/**
 * FAILED by the check, with a reason, never paid again: PAYOUT_RETURNED raised by the run that reads
 * it, open (no PAYOUT_MISSING: a failed payout counts, DESIGN §6.2 rule 3).
 */
export const PAYOUT_FAILED: PayoutPlanter = {
  fate: 'PAYOUT_FAILED',
  eligible: () => true,
  plant(c, chain) {
    const expected = expectedOf(c);
    const day = byCheck(c, chain);
    const id = chain.payouts.newId(day);
    const reason = chain.rng.pick(RETURN_REASONS);
    row(chain, c, day, { id, status: 'FAILED', amount: expected, reason });
    chain.truth.addPayout(day, 'PAYOUT_RETURNED', 'open', c.merchant, { payoutId: id, reason, paid: expected });
  },
};

/** HELD by the check; then (`released`) the same payout PAID a day or two later, or never. */
function held(fate: string, released: boolean): PayoutPlanter {
  return {
    fate,
    eligible: (c, chain) => !released || firstDay(c, chain) + 1 <= chain.end,
    plant(c, chain) {
      const expected = expectedOf(c);
      const day = released ? between(chain, firstDay(c, chain), Math.min(c.check, chain.end - 1)) : byCheck(c, chain);
      const id = chain.payouts.newId(day);
      const reason = chain.rng.pick(HOLD_REASONS);
      const account = chain.payouts.account(c.merchant);
      row(chain, c, day, { id, status: 'HELD', amount: expected, reason, account });
      if (released)
        row(chain, c, Math.min(chain.end, day + chain.rng.int(1, 2)), {
          id,
          status: 'PAID',
          amount: expected,
          account,
        });
      chain.truth.addPayout(day, 'PAYOUT_HELD', released ? 'resolved' : 'open', c.merchant, {
        payoutId: id,
        reason,
        paid: expected,
      });
    },
  };
}

/** Held, then paid: PAYOUT_HELD resolved. */
export const PAYOUT_HELD_THEN_PAID = held('PAYOUT_HELD_THEN_PAID', true);
/** Held for good: PAYOUT_HELD open (no PAYOUT_MISSING: a held payout counts). */
export const PAYOUT_HELD_FOREVER = held('PAYOUT_HELD_FOREVER', false);

/** Paid in full twice by the check, under two payout ids, neither naming the other: PAYOUT_DUPLICATE at the check. */
export const PAYOUT_TWICE: PayoutPlanter = {
  fate: 'PAYOUT_TWICE',
  eligible: () => true,
  plant(c, chain) {
    const expected = expectedOf(c);
    const first = byCheck(c, chain);
    paid(chain, c, first, expected);
    const extra = paid(chain, c, between(chain, first, c.check), expected);
    chain.truth.addPayout(c.check, 'PAYOUT_DUPLICATE', 'open', c.merchant, {
      expected,
      payoutId: extra,
      paid: expected,
      duplicates: 1,
    });
  },
};

/** Paid in two payouts that add up to the expected payout, by the check: nothing. */
export const PAYOUT_SPLIT: PayoutPlanter = {
  fate: 'PAYOUT_SPLIT',
  eligible: (c) => expectedOf(c) >= 2,
  plant(c, chain) {
    const expected = expectedOf(c);
    const part = chain.rng.int(1, expected - 1);
    paid(chain, c, byCheck(c, chain), part);
    paid(chain, c, byCheck(c, chain), expected - part);
  },
};

/** A payout for a pair nothing was cleared for, by its check: UNEXPECTED_PAYOUT at the check. */
export const PAYOUT_UNEXPECTED: PayoutPlanter = {
  fate: 'PAYOUT_UNEXPECTED',
  nothingExpected: true,
  eligible: (c) => c.expected === null,
  plant(c, chain) {
    const amount = chain.rng.int(UNEXPECTED_MIN, UNEXPECTED_MAX);
    const id = paid(chain, c, byCheck(c, chain), amount);
    chain.truth.addPayout(c.check, 'UNEXPECTED_PAYOUT', 'open', c.merchant, { payoutId: id, paid: amount });
  },
};

/**
 * The payout fates other than paid on time, in the order they choose their pairs (the ones that
 * need days after the settle date first). The order is part of the output.
 */
export const PAYOUT_PLANTERS: readonly PayoutPlanter[] = [
  PAYOUT_RETURNED_AC01,
  PAYOUT_RETURNED_AC04,
  PAYOUT_RETURNED_AC06,
  PAYOUT_RETURNED_BE01,
  PAYOUT_HELD_THEN_PAID,
  PAYOUT_LATE,
  PAYOUT_NEVER,
  PAYOUT_SHORT,
  PAYOUT_OVER,
  PAYOUT_FAILED,
  PAYOUT_HELD_FOREVER,
  PAYOUT_TWICE,
  PAYOUT_SPLIT,
  PAYOUT_UNEXPECTED,
];

/** The payout fates, by name (paid on time included). */
export const PAYOUT_FATES: readonly string[] = [ON_TIME.fate, ...PAYOUT_PLANTERS.map((p) => p.fate)];
