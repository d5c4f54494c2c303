/** Credits that never come, or come late (DESIGN §6 MISSING_CREDIT, DELAYED_CREDIT; §6.1 rule 9). */
import { addDelayedCredit, type Planter, WITH_SETTLE_DATES } from './planter.js';

/** No credit ever: MISSING_CREDIT at the deadline. */
export const MISSING_NEVER: Planter = {
  fate: 'MISSING_NEVER',
  eligible: ({ deadline }, chain) => deadline <= chain.end,
  plant({ t, day, deadline }, chain) {
    chain.journal(day, t);
    chain.truth.add(deadline, 'MISSING_CREDIT', 'open', t, t.amount, null);
  },
};

/** A 23:30 sale with no credit: its deadline counts from the next day. */
export const MISSING_AFTER_CUTOFF: Planter = {
  fate: 'MISSING_AFTER_CUTOFF',
  eligible: ({ t, day }, chain) => chain.deadlineOf(day + 1, t.merchant.cycle) <= chain.end,
  plant({ t, day }, chain) {
    // 23:30–23:59 local: business date day + 1.
    t.time = (day * 86_400 + 23 * 3600 + 1800 + chain.rng.int(0, 1799)) * 1000 - chain.zone * 60_000;
    t.businessDate = chain.cal.businessDate(t.time);
    t.expected = chain.cal.expectedSettle(t.businessDate, t.merchant.cycle);
    chain.journal(day, t);
    chain.truth.add(chain.deadlineOf(t.businessDate, t.merchant.cycle), 'MISSING_CREDIT', 'open', t, t.amount, null);
  },
};

/** MISSING_CREDIT, then the credit arrives the day after: resolved, and DELAYED_CREDIT. */
export const MISSING_THEN_LATE: Planter = {
  fate: 'MISSING_THEN_LATE',
  layouts: WITH_SETTLE_DATES,
  eligible: ({ deadline }, chain) => deadline + 1 <= chain.end,
  plant({ t, day, expected, deadline }, chain) {
    chain.journal(day, t);
    const arrive = deadline + 1;
    const settle = chain.cal.nextWorkingDay(arrive);
    chain.clearing(arrive, t, { settle });
    chain.truth.add(deadline, 'MISSING_CREDIT', arrive <= chain.end ? 'resolved' : 'open', t, t.amount, null);
    addDelayedCredit(chain, arrive, t, t.amount, expected, settle);
  },
};

/** The credit arrives on the deadline run: DELAYED_CREDIT only (the run matches before it ages). */
export const ARRIVES_ON_DEADLINE: Planter = {
  fate: 'ARRIVES_ON_DEADLINE',
  layouts: WITH_SETTLE_DATES,
  eligible: ({ day, deadline }, chain) => deadline <= chain.end && deadline > day,
  plant({ t, day, expected, deadline }, chain) {
    chain.journal(day, t);
    const settle = chain.cal.nextWorkingDay(deadline);
    chain.clearing(deadline, t, { settle });
    addDelayedCredit(chain, deadline, t, t.amount, expected, settle);
  },
};
