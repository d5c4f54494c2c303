/** Credits of the wrong amount or with the wrong fee (DESIGN §6 AMOUNT_MISMATCH, FEE_MISMATCH). */
import { expectedFeeOf } from '../world.js';
import type { Planter } from './planter.js';

/** Largest difference planted between the amount cleared and the amount recorded, in fen. */
const MAX_AMOUNT_DELTA = 500;

/** Cleared for up to MAX_AMOUNT_DELTA fen more or less than the terminal recorded. */
export const AMOUNT_MISMATCH: Planter = {
  fate: 'AMOUNT_MISMATCH',
  eligible: () => true,
  plant({ t, day, expected, jitterMs }, chain) {
    chain.journal(day, t);
    let delta = chain.rng.int(1, Math.max(1, Math.min(MAX_AMOUNT_DELTA, t.amount - 1)));
    if (chain.rng.chance(0.5)) delta = -delta;
    const gross = t.amount + delta;
    chain.clearing(day, t, { settle: expected, gross, jitterMs });
    chain.truth.add(day, 'AMOUNT_MISMATCH', 'open', t, t.amount, gross);
  },
};

/** A fee 2–90 fen above the merchant's rate (more than the 1 fen of rounding allowed). */
export const FEE_MISMATCH: Planter = {
  fate: 'FEE_MISMATCH',
  eligible: ({ t }) => t.merchant.mdr >= 0,
  plant({ t, day, expected, jitterMs }, chain) {
    chain.journal(day, t);
    const fee = expectedFeeOf(t.merchant, t.amount) + chain.rng.int(2, 90);
    chain.clearing(day, t, { settle: expected, fee, jitterMs });
    chain.truth.add(day, 'FEE_MISMATCH', 'open', t, t.amount, t.amount);
  },
};
