/** Sales the terminal declined or voided, and what the acquirer did with them (DESIGN §6 DECLINED_BUT_SETTLED, VOIDED_BUT_SETTLED; §6.1 rule 5). */
import { DECLINE_CODES } from '../world.js';
import type { Planter } from './planter.js';

/** Share of voids that are reversals (the rest are VOIDs). */
const VOID_RATE = 0.7;
/** A void follows its sale by this long (kept on the sale's business date). */
const VOID_AFTER_MS = 90_000;

/** A declined sale credited. */
export const DECLINED_SETTLED: Planter = {
  fate: 'DECLINED_SETTLED',
  eligible: () => true,
  plant(p, chain) {
    const { t, day } = p;
    t.response = chain.rng.pick(DECLINE_CODES);
    chain.journal(day, t);
    chain.credit(p);
    chain.truth.add(day, 'DECLINED_BUT_SETTLED', 'open', t, t.amount, t.amount);
  },
};

/** A sale voided (or reversed) on the same day; the acquirer `credits` it and then `reverses` it, or not. */
function voided(fate: string, credits: boolean, reverses: boolean): Planter {
  return {
    fate,
    eligible: ({ deadline }, chain) => credits || deadline <= chain.end,
    plant(p, chain) {
      const { t, day, expected } = p;
      chain.journal(day, t);
      const v = chain.sibling(t, chain.rng.chance(VOID_RATE) ? 'VOID' : 'REVERSAL', VOID_AFTER_MS, t.amount, 'V');
      v.origRrn = t.orderNo || t.rrn;
      chain.journal(day, v);
      if (credits) chain.credit(p);
      if (reverses) chain.clearing(day, v, { type: 'REVERSAL', settle: expected });
      if (credits && !reverses) chain.truth.add(day, 'VOIDED_BUT_SETTLED', 'open', t, t.amount, t.amount);
    },
  };
}

/** Voided, credited anyway: VOIDED_BUT_SETTLED. */
export const VOID_SETTLED = voided('VOID_SETTLED', true, false);
/** Voided, credited and reversed by the acquirer: nothing (Alipay's bills have no reversals). */
export const VOID_REVERSED: Planter = {
  ...voided('VOID_REVERSED', true, true),
  layouts: ['recon', 'wechat-trade-bill', 'unionpay-zm'],
};
/** Voided, never credited: nothing (no MISSING_CREDIT at its deadline). */
export const VOID_UNSETTLED = voided('VOID_UNSETTLED', false, false);
