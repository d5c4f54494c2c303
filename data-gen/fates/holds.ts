/** Credits held by the acquirer's risk control (DESIGN §6 RISK_HOLD; §6.1 rule 3). */
import { type Chain, type Planter, WITH_SETTLE_DATES } from './planter.js';

/** Held; released `releasedAfter` days later, or (null) never within the chain. */
function held(fate: string, releasedAfter: ((chain: Chain) => number) | null): Planter {
  return {
    fate,
    layouts: WITH_SETTLE_DATES,
    eligible: ({ day }, chain) => releasedAfter === null || day + 2 <= chain.end,
    plant({ t, day, expected, jitterMs }, chain) {
      chain.journal(day, t);
      chain.clearing(day, t, { settle: expected, status: 'HELD', jitterMs });
      const released = releasedAfter ? day + releasedAfter(chain) : chain.end + 1;
      chain.clearing(released, t, { type: 'RELEASE', settle: chain.cal.nextWorkingDay(released) });
      chain.truth.add(day, 'RISK_HOLD', released <= chain.end ? 'resolved' : 'open', t, t.amount, t.amount);
    },
  };
}

/** Held, never released. */
export const RISK_HOLD = held('RISK_HOLD', null);
/** Held, released one or two days later: RISK_HOLD resolved. */
export const HOLD_RELEASED = held('HOLD_RELEASED', (chain) => chain.rng.int(1, 2));
