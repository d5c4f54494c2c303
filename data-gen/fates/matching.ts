/**
 * Pairs only the later passes find, a clearing row no pass can pair, and a journal that comes late
 * (DESIGN §5 passes 3 and 4; §6 UNMATCHED_CLEARING, AMBIGUOUS_MATCH; §6.1 rule 7).
 */
import { pad } from '../text.js';
import type { Txn } from '../world.js';
import { addDelayedCredit, type Candidate, type Chain, isCard, type Planter } from './planter.js';

/** A card transaction whose deadline falls inside the chain (passes 3 and 4 pair card rows only). */
const cardAgedInChain = ({ t, deadline }: Candidate, chain: Chain): boolean => isCard(t) && deadline <= chain.end;

/** The acquirer's own rrn for a transaction (its first digit changed): pass 2 cannot pair it. */
const acquirerRrn = (t: Txn): string => `8${t.rrn.slice(1)}`;

/** The real transaction is credited as usual; beside it, a clearing row for one no terminal recorded. */
export const UNMATCHED: Planter = {
  fate: 'UNMATCHED',
  eligible: ({ deadline }, chain) => deadline <= chain.end,
  plant(p, chain) {
    const { t, day, expected, deadline } = p;
    chain.journal(day, t);
    chain.credit(p);
    const term = t.terminal;
    const stan = pad(900_000 + term.fakeSeq++, 6);
    const fake: Txn = {
      ...t,
      stan,
      rrn: t.rrn ? t.rrn.slice(0, 6) + stan : '',
      orderNo: t.orderNo ? `${t.orderNo}U` : '',
      amount: t.amount + 1,
      time: t.time + 17_000,
    };
    if (chain.cal.businessDate(fake.time) !== day) fake.time = t.time;
    chain.clearing(day, fake, { settle: expected });
    // The finding carries the clearing row's keys: a bill row has neither terminal nor stan.
    const keys = chain.keyless ? { ...fake, terminal: { ...term, id: '' }, stan: '' } : fake;
    chain.truth.add(deadline, 'UNMATCHED_CLEARING', 'open', keys, null, fake.amount);
  },
};

/** The rrn missing on one side (the acquirer's or the terminal's row): pass 3 pairs them, a working day late. */
export const FALLBACK_DELAYED: Planter = {
  fate: 'FALLBACK_DELAYED',
  eligible: cardAgedInChain,
  plant({ t, day, expected, jitterMs }, chain) {
    const settle = chain.cal.nextWorkingDay(expected);
    const blankClearing = chain.rng.chance(0.5);
    const shown = { ...t };
    if (!blankClearing) shown.rrn = '';
    chain.journal(day, shown);
    chain.clearing(day, t, { settle, rrn: blankClearing ? '' : t.rrn, jitterMs });
    addDelayedCredit(chain, day, shown, t.amount, expected, settle);
  },
};

/** The acquirer assigned its own rrn: only pass 4 (terminal, auth code, amount, time) pairs them, a working day late. */
export const FUZZY_DELAYED: Planter = {
  fate: 'FUZZY_DELAYED',
  eligible: cardAgedInChain,
  plant({ t, day, expected }, chain) {
    const settle = chain.cal.nextWorkingDay(expected);
    chain.journal(day, t);
    chain.clearing(day, t, { settle, rrn: acquirerRrn(t), jitterMs: 120_000 });
    addDelayedCredit(chain, day, t, t.amount, expected, settle);
  },
};

/**
 * Two sales with the same terminal, auth code and amount a minute apart, one clearing row with the
 * acquirer's own rrn between them: two candidates for pass 4.
 */
export const AMBIGUOUS: Planter = {
  fate: 'AMBIGUOUS',
  eligible: cardAgedInChain,
  plant({ t, day, expected }, chain) {
    chain.journal(day, t);
    const twin = chain.sibling(t, t.type, 60_000, t.amount, 'A');
    chain.journal(day, twin);
    const rrn = acquirerRrn(t);
    chain.clearing(day, t, { settle: expected, rrn, jitterMs: 30_000 });
    chain.truth.add(day, 'AMBIGUOUS_MATCH', 'open', t, null, t.amount, { rrn });
  },
};

/** The journal row uploaded a day late: nothing (journals can be late, DESIGN §6 UNMATCHED_CLEARING). */
export const LATE_JOURNAL: Planter = {
  fate: 'LATE_JOURNAL',
  eligible: ({ day }, chain) => day + 1 <= chain.end,
  plant(p, chain) {
    chain.journal(p.day + 1, p.t);
    chain.credit(p);
  },
};
