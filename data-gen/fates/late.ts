/** Settle dates later than expected, and the weekend that is not late (DESIGN §4 days_late, §6 DELAYED_CREDIT). */
import { GenCalendar } from '../gen-calendar.js';
import { addDelayedCredit, type Candidate, type Chain, type Planter, WITH_SETTLE_DATES } from './planter.js';

/** A credit on time but settled on `settleOf(expected)`: DELAYED_CREDIT with the working days between. */
function delayed(
  fate: string,
  eligible: (c: Candidate, chain: Chain) => boolean,
  settleOf: (expected: number, chain: Chain) => number,
): Planter {
  return {
    fate,
    layouts: WITH_SETTLE_DATES,
    eligible,
    plant({ t, day, expected, jitterMs }, chain) {
      chain.journal(day, t);
      const settle = settleOf(expected, chain);
      chain.clearing(day, t, { settle, jitterMs });
      addDelayedCredit(chain, day, t, t.amount, expected, settle);
    },
  };
}

const nextWorkingDay = (expected: number, chain: Chain): number => chain.cal.nextWorkingDay(expected);

/** Settled the next working day after a weekend or holiday that follows the expected date. */
export const DELAYED_ACROSS_WEEKEND = delayed(
  'DELAYED_ACROSS_WEEKEND',
  ({ expected }, chain) => chain.cal.nextWorkingDay(expected) > expected + 1,
  nextWorkingDay,
);

/** The same across a weekday holiday. */
export const DELAYED_ACROSS_HOLIDAY = delayed(
  'DELAYED_ACROSS_HOLIDAY',
  ({ expected }, chain) => {
    for (let d = expected + 1; d < chain.cal.nextWorkingDay(expected); d++) {
      const wd = GenCalendar.weekday(d);
      if (wd >= 1 && wd <= 5) return true;
    }
    return false;
  },
  nextWorkingDay,
);

/** Two working days late. */
export const DELAYED = delayed(
  'DELAYED',
  () => true,
  (expected, chain) => chain.cal.nextWorkingDay(chain.cal.nextWorkingDay(expected)),
);

/** Settled on the non-working day after the expected date: no working day between, so on time. */
export const ON_TIME_WEEKEND: Planter = {
  fate: 'ON_TIME_WEEKEND',
  eligible: ({ expected }, chain) => !chain.cal.isWorkingDay(expected + 1),
  plant({ t, day, expected, jitterMs }, chain) {
    chain.journal(day, t);
    chain.clearing(day, t, { settle: expected + 1, jitterMs });
  },
};
