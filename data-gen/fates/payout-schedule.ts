/**
 * Which payout fate befalls which (merchant, settle_date), once every day's clearing rows are written
 * (the expected payouts are then known): each fate of PAYOUT_PLANTERS takes `perFate` pairs whose
 * check falls inside the chain, drawn in a shuffled order, the first eligible not yet taken; every
 * other pair with an expected payout > 0 is paid on time (those checked after the chain's end too,
 * when their payout comes inside it). A pair whose expected payout is 0 or less gets no payout.
 * The unexpected payout takes a pair with no clearing row at all whose check falls inside the chain.
 *
 * The draws come from the payout leg's own random numbers, after every day is written: the journal
 * and clearing files, and their findings, are those of a chain without payouts.
 */
import type { ExpectedPayouts } from '../expected-payouts.js';
import type { Merchant } from '../world.js';
import { ON_TIME, PAYOUT_PLANTERS, type PayoutCandidate, type PayoutChain } from './payouts.js';

/** Plants per payout fate, per pair checked inside the chain. */
const PLANTS_PER_PAIR = 1 / 60;

/** Plants the payout fates of a chain; returns the plantings per fate. */
export function plantPayouts(
  expected: ExpectedPayouts,
  merchants: readonly Merchant[],
  chain: PayoutChain,
): Record<string, number> {
  const planted: Record<string, number> = {};
  const count = (fate: string): void => {
    planted[fate] = (planted[fate] ?? 0) + 1;
  };
  const pairs = expected.pairs(merchants).filter((p) => p.expected > 0);
  const checked: PayoutCandidate[] = pairs.filter((p) => p.check <= chain.end);
  chain.rng.shuffle(checked);
  const empty: PayoutCandidate[] = [];
  for (const merchant of merchants)
    for (let settle = chain.start; settle <= chain.end; settle++) {
      const check = expected.checkOf(settle);
      if (check <= chain.end && !expected.has(merchant, settle))
        empty.push({ merchant, settle, check, expected: null });
    }
  chain.rng.shuffle(empty);

  const perFate = Math.max(1, Math.round(checked.length * PLANTS_PER_PAIR));
  const taken = new Set<PayoutCandidate>();
  for (const planter of PAYOUT_PLANTERS) {
    const pool = planter.nothingExpected ? empty : checked;
    let left = perFate;
    for (const c of pool) {
      if (left === 0) break;
      if (taken.has(c) || !planter.eligible(c, chain)) continue;
      taken.add(c);
      planter.plant(c, chain);
      count(planter.fate);
      left--;
    }
  }
  // Everyone else is paid on time, in the pairs' own order.
  for (const c of pairs) {
    if (taken.has(c)) continue;
    ON_TIME.plant(c, chain);
    if (c.check <= chain.end) count(ON_TIME.fate);
  }
  return planted;
}
