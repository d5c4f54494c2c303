/**
 * The payout leg (DESIGN §3.5) as `recon status` and the morning report show it: per settle date,
 * what the clearing rows made the merchants' expected payouts, what the payouts paid, what came back
 * (FAILED or RETURNED) or is held, each payout counted by its latest status; and the payout findings
 * still open with their amount at stake. Only settle dates the store still keeps (retention prunes
 * the leg's rows before the journal window, store/retention.ts).
 */
import { PAYOUT_KINDS } from '../core/codes.js';
import type { Store } from '../store/store.js';

export interface PayoutDay {
  settleDate: string;
  /** Σ of the merchants' expected payouts (their SETTLED clearing net). */
  expected: number;
  paid: number;
  /** FAILED or RETURNED, by their latest status. */
  returned: number;
  held: number;
  /** Merchants expecting a payout that day, and merchants with a payout. */
  merchantsExpected: number;
  merchantsPaid: number;
}

export interface PayoutLeg {
  days: PayoutDay[];
  /** Open payout findings: count and amount at stake. */
  open: { count: number; amountAtStake: number };
}

/** The leg for settle dates in [from, to]; null when the store has no payout rows at all. */
export async function payoutLeg(store: Store, from: string, to: string): Promise<PayoutLeg | null> {
  const any = await store.query('select 1 from recon.payout limit 1');
  if (any.length === 0) return null;
  const rows = await store.query<{
    d: string;
    expected: string;
    paid: string;
    returned: string;
    held: string;
    me: string;
    mp: string;
  }>(
    `with latest as (
       select distinct on (payout_id) payout_id, merchant_id, settle_date, amount_minor, status
         from recon.payout_row where settle_date between $1::date and $2::date
        order by payout_id, run_date desc, file_no desc, line desc),
     paid as (
       select settle_date, sum(amount_minor) filter (where status = 'PAID') as paid,
              sum(amount_minor) filter (where status in ('FAILED', 'RETURNED')) as returned,
              sum(amount_minor) filter (where status = 'HELD') as held,
              count(distinct merchant_id) as mp
         from latest group by settle_date),
     expected as (
       select settle_date, sum(amount_minor) as expected, count(*) filter (where amount_minor > 0) as me
         from (select e.settle_date, m.merchant, sum(m.amount) as amount_minor
                 from recon.payout_expected e, unnest(e.merchants, e.amounts) as m(merchant, amount)
                where e.settle_date between $1::date and $2::date group by e.settle_date, m.merchant) m
        group by settle_date)
     select coalesce(e.settle_date, p.settle_date)::text as d, coalesce(e.expected, 0)::text as expected,
            coalesce(p.paid, 0)::text as paid, coalesce(p.returned, 0)::text as returned, coalesce(p.held, 0)::text as held,
            coalesce(e.me, 0)::text as me, coalesce(p.mp, 0)::text as mp
       from expected e full join paid p on p.settle_date = e.settle_date
      order by 1`,
    [from, to],
  );
  const open = await store.query<{ n: string; s: string }>(
    `select count(*)::text as n, coalesce(sum(amount_at_stake), 0)::text as s from recon.exception
      where status = 'open' and kind = any($1::text[])`,
    [PAYOUT_KINDS],
  );
  return {
    days: rows.map((r) => ({
      settleDate: r.d,
      expected: Number(r.expected),
      paid: Number(r.paid),
      returned: Number(r.returned),
      held: Number(r.held),
      merchantsExpected: Number(r.me),
      merchantsPaid: Number(r.mp),
    })),
    open: { count: Number(open[0]!.n), amountAtStake: Number(open[0]!.s) },
  };
}

/** The leg as lines of `recon status`. */
export function formatPayoutLeg(leg: PayoutLeg, money: (minor: number) => string, n: (v: number) => string): string[] {
  const lines = [
    'payouts by settle date      expected             paid    returned/failed             held   merchants paid/expected',
  ];
  for (const d of leg.days)
    lines.push(
      `  ${d.settleDate} ${money(d.expected).padStart(19)} ${money(d.paid).padStart(16)} ${money(d.returned).padStart(18)} ${money(d.held).padStart(16)}   ${n(d.merchantsPaid)} / ${n(d.merchantsExpected)}`,
    );
  lines.push(`  open payout findings: ${n(leg.open.count)}, ${money(leg.open.amountAtStake)} at stake`);
  return lines;
}
