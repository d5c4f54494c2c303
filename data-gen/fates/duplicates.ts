/** Credits and journal rows that come twice (DESIGN §6 DUPLICATE_CREDIT, DUPLICATE_JOURNAL; §6.1 rules 6 and 8). */
import type { Planter } from './planter.js';

/** The credit twice in one file. */
export const DUP_SAME_FILE: Planter = {
  fate: 'DUP_SAME_FILE',
  eligible: () => true,
  plant(p, chain) {
    const { t, day } = p;
    chain.journal(day, t);
    chain.credit(p);
    chain.credit(p);
    chain.truth.add(day, 'DUPLICATE_CREDIT', 'open', t, t.amount, t.amount, { duplicates: 1 });
  },
};

/** The credit, then `extra` more in the files of the next days: DUPLICATE_CREDIT raised by the first extra's run. */
function creditedAgain(fate: string, extra: number): Planter {
  return {
    fate,
    eligible: ({ day }, chain) => day + extra <= chain.end,
    plant(p, chain) {
      const { t, day, expected } = p;
      chain.journal(day, t);
      chain.credit(p);
      for (let k = 1; k <= extra; k++) chain.clearing(day + k, t, { settle: expected });
      // Raised from the journal window (the sale was credited by an earlier run), whose records
      // keep no terminal: the finding takes the extra credit's, which a bill row does not have.
      const keys = chain.keyless ? { ...t, terminal: { ...t.terminal, id: '' } } : t;
      chain.truth.add(day + 1, 'DUPLICATE_CREDIT', 'open', keys, t.amount, t.amount, { duplicates: extra });
    },
  };
}

/** The credit again in the next day's file. */
export const DUP_NEXT_DAY = creditedAgain('DUP_NEXT_DAY', 1);
/** Again on each of the next two days: duplicate_count 2. */
export const DUP_TWO_MORE = creditedAgain('DUP_TWO_MORE', 2);

/** The journal row twice in one file. */
export const DUP_JOURNAL_SAME_FILE: Planter = {
  fate: 'DUP_JOURNAL_SAME_FILE',
  eligible: () => true,
  plant(p, chain) {
    const { t, day } = p;
    chain.journal(day, t);
    chain.journal(day, t);
    chain.credit(p);
    chain.truth.add(day, 'DUPLICATE_JOURNAL', 'open', t, t.amount, null);
  },
};

/** The journal row again in the next day's file. */
export const DUP_JOURNAL_NEXT_DAY: Planter = {
  fate: 'DUP_JOURNAL_NEXT_DAY',
  eligible: ({ day }, chain) => day + 1 <= chain.end,
  plant(p, chain) {
    const { t, day } = p;
    chain.journal(day, t);
    chain.journal(day + 1, t);
    chain.credit(p);
    chain.truth.add(day + 1, 'DUPLICATE_JOURNAL', 'open', t, t.amount, null);
  },
};
