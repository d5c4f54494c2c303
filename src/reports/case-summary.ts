/**
 * What people have to do (DESIGN §10 "status, the report and the console show what is overdue"): the
 * cases by state, how many are overdue and what is at stake in them, the closings waiting for a
 * checker, the orphaned cases, and who owns what. A read over recon.case (and each case's finding's
 * amount at stake), answered from its indexes.
 */
import type { Store } from '../store/store.js';

export interface CaseSummary {
  /** The date overdue counts from (a case is overdue when its due date is before it and it is not closed). */
  readonly asOf: string;
  readonly byState: readonly { state: string; count: number; amountAtStake: number }[];
  readonly overdue: { count: number; amountAtStake: number; oldestDue: string | null };
  readonly pendingApproval: number;
  readonly orphaned: number;
  /** Owners of cases not closed: how many, and how many of them are overdue. */
  readonly owners: readonly { owner: string; open: number; overdue: number }[];
  /** Cases not closed that nobody owns (new or reopened). */
  readonly unowned: number;
  /** The cases longest overdue (OVERDUE_LISTED of them), to quote by id. */
  readonly longestOverdue: readonly {
    id: string;
    kind: string;
    merchant: string;
    dueOn: string;
    owner: string | null;
    amountAtStake: number;
  }[];
}

/** Overdue cases listed by id in the status and the report (recon cases --overdue lists them all). */
export const OVERDUE_LISTED = 5;

const STATE_ORDER = ['new', 'assigned', 'reopened', 'pending_approval', 'closed'];

export async function caseSummary(store: Store, asOf: string): Promise<CaseSummary> {
  // By state and overdue in one pass over the cases and their findings' amounts (a million cases:
  // one join, not two).
  const states = await store.query<{
    state: string;
    count: number;
    amount: string;
    overdue: number;
    overdue_amount: string;
    oldest: string | null;
  }>(
    `select c.state, count(*)::int as count, coalesce(sum(e.amount_at_stake), 0)::text as amount,
            count(*) filter (where c.state <> 'closed' and c.due_on < $1::date)::int as overdue,
            coalesce(sum(e.amount_at_stake) filter (where c.state <> 'closed' and c.due_on < $1::date), 0)::text as overdue_amount,
            min(c.due_on) filter (where c.state <> 'closed' and c.due_on < $1::date)::text as oldest
       from recon.case c left join recon.exception e on e.id = c.finding_id group by c.state`,
    [asOf],
  );
  const overdue = {
    count: states.reduce((n, s) => n + s.overdue, 0),
    amount: String(states.reduce((n, s) => n + BigInt(s.overdue_amount), 0n)),
    oldest: states.reduce<string | null>(
      (o, s) => (s.oldest !== null && (o === null || s.oldest < o) ? s.oldest : o),
      null,
    ),
  };
  const owners = await store.query<{ owner: string | null; open: number; overdue: number }>(
    `select c.owner, count(*)::int as open, count(*) filter (where c.due_on < $1::date)::int as overdue
       from recon.case c where c.state <> 'closed' group by c.owner order by count(*) desc, c.owner`,
    [asOf],
  );
  const [orphaned] = await store.query<{ n: number }>('select count(*)::int as n from recon.case where orphaned');
  const longest = await store.query<{
    id: string;
    kind: string;
    merchant: string;
    due: string;
    owner: string | null;
    amount: string | null;
  }>(
    `select c.finding_id as id, c.kind, c.merchant_id as merchant, c.due_on::text as due, c.owner, e.amount_at_stake::text as amount
       from recon.case c left join recon.exception e on e.id = c.finding_id
      where c.state <> 'closed' and c.due_on < $1::date
      order by c.due_on, c.finding_id limit ${OVERDUE_LISTED}`,
    [asOf],
  );
  return {
    asOf,
    byState: states
      .map((s) => ({ state: s.state, count: s.count, amountAtStake: Number(s.amount) }))
      .sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state)),
    overdue: { count: overdue.count, amountAtStake: Number(overdue.amount), oldestDue: overdue.oldest },
    pendingApproval: states.find((s) => s.state === 'pending_approval')?.count ?? 0,
    orphaned: orphaned?.n ?? 0,
    owners: owners.filter((o) => o.owner !== null).map((o) => ({ owner: o.owner!, open: o.open, overdue: o.overdue })),
    unowned: owners.find((o) => o.owner === null)?.open ?? 0,
    longestOverdue: longest.map((l) => ({
      id: l.id,
      kind: l.kind,
      merchant: l.merchant,
      dueOn: l.due,
      owner: l.owner,
      amountAtStake: Number(l.amount ?? 0),
    })),
  };
}

/** The summary as lines of `recon status`. */
export function formatCaseSummary(c: CaseSummary, money: (minor: number) => string): string[] {
  const n = (v: number): string => v.toLocaleString('en-US');
  const lines = [`cases (as of ${c.asOf})              count     amount at stake`];
  if (c.byState.length === 0) lines.push('  none yet');
  for (const s of c.byState)
    lines.push(
      `  ${s.state.replace('_', ' ').padEnd(22)} ${n(s.count).padStart(10)} ${money(s.amountAtStake).padStart(19)}`,
    );
  if (c.byState.length > 0) {
    lines.push(
      `  overdue${' '.repeat(15)} ${n(c.overdue.count).padStart(10)} ${money(c.overdue.amountAtStake).padStart(19)}${c.overdue.oldestDue ? `   due since ${c.overdue.oldestDue}` : ''}`,
    );
    if (c.orphaned > 0) lines.push(`  orphaned (recon cases --orphaned): ${n(c.orphaned)}`);
    const owners = [
      ...c.owners.map((o) => `${o.owner} ${n(o.open)}${o.overdue ? ` (${n(o.overdue)} overdue)` : ''}`),
      ...(c.unowned > 0 ? [`nobody ${n(c.unowned)}`] : []),
    ];
    if (owners.length > 0) lines.push(`  who owns what is open: ${owners.join(', ')}`);
    if (c.longestOverdue.length > 0) {
      lines.push(`  longest overdue (recon cases --overdue lists all):`);
      for (const o of c.longestOverdue)
        lines.push(
          `    ${o.id}  ${o.kind.padEnd(20)} ${o.merchant}  due ${o.dueOn}  ${(o.owner ?? 'nobody').padEnd(12)} ${money(o.amountAtStake).padStart(14)}`,
        );
    }
  }
  return lines;
}
