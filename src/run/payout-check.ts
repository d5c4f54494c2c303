/**
 * The check of one (merchant, settle_date) at its deadline (DESIGN §6.2 rules 1–3), as a pure
 * function of its expected payout and its payout rows: which of PAYOUT_MISSING, PAYOUT_MISMATCH,
 * PAYOUT_DUPLICATE and UNEXPECTED_PAYOUT it should have now. The payout stage (payout-stage.ts)
 * compares that with the findings the pair has and raises, updates or resolves them.
 *
 * Vocabulary
 * - payout: one payout_id; its rows are its status changes, the latest (by run, file, line) wins.
 * - chain: a payout and its re-payouts (orig_payout_id): its amount and status are its latest
 *   payout's (the one no other re-pays). Chains are ordered by their first row.
 * - at: a row's place in the store, (run, file, line): the order rows were read in.
 */

export interface PayoutRow {
  readonly run: string;
  readonly file: number;
  readonly line: number;
  readonly payoutId: string;
  readonly merchantId: string;
  /** YYYY-MM-DD */
  readonly settleDate: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: 'PAID' | 'FAILED' | 'RETURNED' | 'HELD';
  readonly statusDate: string;
  readonly reasonCode: string | null;
  readonly accountMasked: string | null;
  readonly origPayoutId: string | null;
}

export interface Chain {
  /** The chain's first payout's first row: the subject of a finding on the chain. */
  readonly first: PayoutRow;
  /** The latest row of the chain's latest payout: its amount and status are the chain's. */
  readonly latest: PayoutRow;
}

/** What the check of a pair asks for: each kind it should have, with its subject and amounts. */
export interface PairVerdict {
  missing: boolean;
  /** PAYOUT_MISMATCH: the chains compared (the first and those not counted as duplicates). */
  mismatch: { subject: PayoutRow; paid: number; atStake: number } | null;
  /** PAYOUT_DUPLICATE: the first extra chain, how many extra chains, their amount each. */
  duplicate: { subject: PayoutRow; count: number; amount: number } | null;
  /** UNEXPECTED_PAYOUT: one per chain, when nothing was expected. */
  unexpected: Chain[];
}

/** Orders rows as they were read: by run, file, line. */
export function byPlace(a: PayoutRow, b: PayoutRow): number {
  return a.run < b.run ? -1 : a.run > b.run ? 1 : a.file - b.file || a.line - b.line;
}

/** The chains of one pair's payout rows (rule 1), in the order of their first rows. */
export function chainsOf(rows: readonly PayoutRow[]): Chain[] {
  const sorted = [...rows].sort(byPlace);
  const firstRow = new Map<string, PayoutRow>();
  const latestRow = new Map<string, PayoutRow>();
  for (const r of sorted) {
    if (!firstRow.has(r.payoutId)) firstRow.set(r.payoutId, r);
    latestRow.set(r.payoutId, r);
  }
  // A payout's parent: the payout it re-pays, when that payout is of this pair.
  const parent = new Map<string, string>();
  for (const [id, r] of firstRow) {
    const orig = r.origPayoutId;
    if (orig && orig !== id && firstRow.has(orig)) parent.set(id, orig);
  }
  const rootOf = (id: string): string => {
    const seen = new Set<string>();
    let at = id;
    while (parent.has(at) && !seen.has(at)) {
      seen.add(at);
      at = parent.get(at)!;
    }
    return at;
  };
  const chains = new Map<string, { first: PayoutRow; latest: PayoutRow }>();
  for (const [id, first] of firstRow) {
    const root = rootOf(id);
    const c = chains.get(root);
    // The chain's latest payout: the one first seen last (a re-payout comes after what it re-pays).
    if (!c) chains.set(root, { first: firstRow.get(root)!, latest: latestRow.get(id)! });
    else if (byPlace(first, firstRow.get(c.latest.payoutId)!) > 0) c.latest = latestRow.get(id)!;
  }
  return [...chains.values()].sort((a, b) => byPlace(a.first, b.first));
}

/**
 * Rule 2 for a pair whose check is due: `expected` its expected payout, `chains` its payout chains,
 * `tolerance` --amount-tolerance. FAILED, RETURNED and HELD chains count with their amount (rule 3).
 */
export function checkPair(expected: number, chains: readonly Chain[], tolerance: number): PairVerdict {
  const verdict: PairVerdict = { missing: false, mismatch: null, duplicate: null, unexpected: [] };
  if (chains.length === 0) {
    verdict.missing = expected > tolerance;
    return verdict;
  }
  if (expected <= 0) {
    // A PAID payout (DESIGN §6): a held or failed one moved no money, and has its own finding (rule 3).
    verdict.unexpected = chains.filter((c) => c.latest.status === 'PAID' && c.latest.amount > 0);
    return verdict;
  }
  const total = chains.reduce((s, c) => s + c.latest.amount, 0);
  if (Math.abs(total - expected) <= tolerance) return verdict;
  const [first, ...rest] = chains as [Chain, ...Chain[]];
  // A duplicate is a PAID payout of the first's amount beside a PAID first (DESIGN §6: "more than one
  // PAID payout"); a held or returned one of that amount counts as paid money in the comparison.
  const paidFirst = first.latest.status === 'PAID';
  const extra = rest.filter((c) => paidFirst && c.latest.status === 'PAID' && c.latest.amount === first.latest.amount);
  if (extra.length > 0)
    verdict.duplicate = { subject: extra[0]!.first, count: extra.length, amount: first.latest.amount };
  const compared = [first, ...rest.filter((c) => !extra.includes(c))];
  const paid = compared.reduce((s, c) => s + c.latest.amount, 0);
  if (Math.abs(paid - expected) > tolerance)
    verdict.mismatch = { subject: first.first, paid, atStake: Math.abs(paid - expected) };
  return verdict;
}
