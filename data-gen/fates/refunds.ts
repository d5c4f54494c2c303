/** Refunds on a later day, debited or not (DESIGN §6 REFUND_NOT_DEBITED; §6.1 rules 4 and 14). */
import { MS_PER_DAY } from '../../src/core/dates.js';
import type { Planter } from './planter.js';

/** A refund is made this long after its sale's time of day (then set back to the same time of day). */
const REFUND_AT_MS = 3_600_000;
/** Share of refunds of the whole amount (the others refund 40%). */
const FULL_REFUND_RATE = 0.5;

/** A sale credited as usual, refunded one (or, when `debited`, two) days later; the refund debited or never. */
function refunded(fate: string, debited: boolean): Planter {
  return {
    fate,
    eligible: ({ t, day }, chain) =>
      day + 1 <= chain.end &&
      (debited || chain.deadlineOf(day + 1, t.merchant.cycle) <= chain.end) &&
      t.type === 'SALE',
    plant(p, chain) {
      const { t, day } = p;
      chain.journal(day, t);
      chain.credit(p);
      // The refund is keyed on a later day; its own business date drives its deadline.
      const refundDay = day + 1 + (debited ? chain.rng.int(0, 1) : 0);
      const r = chain.sibling(
        t,
        'REFUND',
        (refundDay - day) * MS_PER_DAY + REFUND_AT_MS,
        Math.max(1, Math.round(t.amount * (chain.rng.chance(FULL_REFUND_RATE) ? 1 : 0.4))),
        'R',
      );
      r.time = t.time + (refundDay - day) * MS_PER_DAY;
      r.businessDate = chain.cal.businessDate(r.time);
      r.expected = chain.cal.expectedSettle(r.businessDate, t.merchant.cycle);
      r.origRrn = t.orderNo || t.rrn;
      chain.journal(refundDay, r);
      if (debited) chain.clearing(r.businessDate + chain.rng.int(0, 1), r, { type: 'REFUND', settle: r.expected });
      else
        chain.truth.add(
          chain.deadlineOf(r.businessDate, t.merchant.cycle),
          'REFUND_NOT_DEBITED',
          'open',
          r,
          r.amount,
          null,
        );
    },
  };
}

/** A refund days later, debited in time: nothing. */
export const REFUND_DEBITED = refunded('REFUND_DEBITED', true);
/** An approved refund never debited: REFUND_NOT_DEBITED at its own deadline. */
export const REFUND_NOT_DEBITED = refunded('REFUND_NOT_DEBITED', false);
