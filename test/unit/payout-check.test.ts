/**
 * DESIGN §6.2 rules 1–3 on one (merchant, settle_date), by hand: payout chains by payout_id and
 * orig_payout_id, and what the check at the deadline asks for.
 */
import { describe, expect, it } from 'vitest';
import { chainsOf, checkPair, type PayoutRow } from '../../src/run/payout-check.js';

let line = 1;
function row(
  payoutId: string,
  amount: number,
  status: PayoutRow['status'] = 'PAID',
  orig: string | null = null,
  run = '2026-11-17',
): PayoutRow {
  return {
    run,
    file: 3,
    line: line++,
    payoutId,
    merchantId: '898310148160501',
    settleDate: '2026-11-17',
    amount,
    currency: 'CNY',
    status,
    statusDate: run,
    reasonCode: null,
    accountMasked: null,
    origPayoutId: orig,
  };
}

describe('payout chains (rule 1)', () => {
  it('follow re-payouts back to the first payout; the latest payout and its latest status are the chain', () => {
    const a = row('A', 9940);
    const aReturned = row('A', 9940, 'RETURNED', null, '2026-11-18');
    const b = row('B', 9940, 'FAILED', 'A', '2026-11-19');
    const c = row('C', 9900, 'PAID', 'B', '2026-11-20');
    const other = row('X', 40);
    const chains = chainsOf([c, other, b, aReturned, a]);
    expect(chains.map((ch) => [ch.first.payoutId, ch.latest.payoutId, ch.latest.status, ch.latest.amount])).toEqual([
      ['A', 'C', 'PAID', 9900],
      ['X', 'X', 'PAID', 40],
    ]);
  });

  it('treat an orig_payout_id of another pair (or none) as a chain of its own', () => {
    const chains = chainsOf([row('R', 100, 'PAID', 'ELSEWHERE')]);
    expect(chains.map((ch) => ch.first.payoutId)).toEqual(['R']);
  });
});

describe('the check at the deadline (rule 2)', () => {
  it('misses only what was expected and never paid', () => {
    expect(checkPair(9940, [], 0).missing).toBe(true);
    expect(checkPair(0, [], 0).missing).toBe(false);
    expect(checkPair(5, [], 10).missing).toBe(false);
  });

  it('reconciles chains that sum to the expected payout: one, a split, a returned one (its own finding tracks it)', () => {
    const ok = (expected: number, rows: PayoutRow[]) => {
      const v = checkPair(expected, chainsOf(rows), 0);
      return !v.missing && v.mismatch === null && v.duplicate === null && v.unexpected.length === 0;
    };
    expect(ok(9940, [row('A', 9940)])).toBe(true);
    expect(ok(9940, [row('A', 5000), row('B', 4940)])).toBe(true);
    expect(ok(9940, [row('A', 9940, 'RETURNED')])).toBe(true);
    expect(ok(9940, [row('A', 9940, 'HELD')])).toBe(true);
  });

  it('counts extra PAID chains of the first amount as duplicates, and compares the rest', () => {
    const v = checkPair(9940, chainsOf([row('A', 9940), row('B', 9940), row('C', 9940)]), 0);
    expect(v.duplicate).toMatchObject({ count: 2, amount: 9940 });
    expect(v.duplicate!.subject.payoutId).toBe('B');
    expect(v.mismatch).toBeNull();
    // A duplicate and a short first payout: both.
    const w = checkPair(9940, chainsOf([row('A', 9000), row('B', 9000)]), 0);
    expect(w.duplicate).toMatchObject({ count: 1 });
    expect(w.mismatch).toMatchObject({ paid: 9000, atStake: 940 });
    // A held payout of the same amount is not a duplicate: the sum is compared.
    const h = checkPair(9940, chainsOf([row('A', 9940), row('B', 9940, 'HELD')]), 0);
    expect(h.duplicate).toBeNull();
    expect(h.mismatch).toMatchObject({ paid: 19880, atStake: 9940 });
  });

  it('reports short and over payments beyond the tolerance only', () => {
    expect(checkPair(9940, chainsOf([row('A', 9000)]), 0).mismatch).toMatchObject({ paid: 9000, atStake: 940 });
    expect(checkPair(9940, chainsOf([row('A', 10940)]), 0).mismatch).toMatchObject({ atStake: 1000 });
    expect(checkPair(9940, chainsOf([row('A', 9939)]), 1).mismatch).toBeNull();
  });

  it('finds every chain unexpected when nothing was expected', () => {
    const v = checkPair(0, chainsOf([row('A', 100), row('B', 200), row('H', 300, 'HELD'), row('F', 400, 'FAILED')]), 0);
    // Paid ones only: a held or failed payout moved no money (PAYOUT_HELD / PAYOUT_RETURNED say so).
    expect(v.unexpected.map((c) => c.first.payoutId)).toEqual(['A', 'B']);
  });
});
