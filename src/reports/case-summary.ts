/**
 * What people have to do (DESIGN §10 "status, the report and the console show what is overdue"): the
 * cases by state, how many are overdue and what is at stake in them, the closings waiting for a
 * checker, the orphaned cases, and who owns what. Read from recon.case_tally, which triggers on
 * recon.case keep (migration 0010), and the longest overdue from the queue's index: a few
 * milliseconds at a million cases.
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
/** The states of a case not closed (the queue's index case_queue starts with the state). */
const OPEN_STATES = STATE_ORDER.filter((s) => s !== 'closed');

/**
 * The tally's rows summed by key (recon.case_tally, migration 0010: appended to by triggers on
 * recon.case, a few rows a key until a run folds them), the keys no case is in left out: the cases
 * not closed by owner and due date, the closed ones by state alone; amounts of orphaned cases 0.
 */
const TALLY = `select state, owner, due_on, orphaned, sum(cases) as cases, sum(amount_at_stake) as amount
    from recon.case_tally group by state, owner, due_on, orphaned having sum(cases) <> 0`;

export async function caseSummary(store: Store, asOf: string): Promise<CaseSummary> {
  // By state, overdue and orphaned from the tally (a million cases: a few hundred rows, not a join
  // of every case to its finding).
  const states = await store.query<{
    state: string;
    count: number;
    amount: string;
    overdue: number;
    overdue_amount: string;
    oldest: string | null;
    orphaned: number;
  }>(
    `select t.state, sum(t.cases)::int as count, coalesce(sum(t.amount), 0)::text as amount,
            coalesce(sum(t.cases) filter (where t.state <> 'closed' and t.due_on < $1::date), 0)::int as overdue,
            coalesce(sum(t.amount) filter (where t.state <> 'closed' and t.due_on < $1::date), 0)::text as overdue_amount,
            min(t.due_on) filter (where t.state <> 'closed' and t.due_on < $1::date)::text as oldest,
            coalesce(sum(t.cases) filter (where t.orphaned), 0)::int as orphaned
       from (${TALLY}) t group by t.state`,
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
    `select t.owner, sum(t.cases)::int as open, coalesce(sum(t.cases) filter (where t.due_on < $1::date), 0)::int as overdue
       from (${TALLY}) t where t.state <> 'closed' group by t.owner having sum(t.cases) > 0
      order by sum(t.cases) desc, t.owner`,
    [asOf],
  );
  // The longest overdue: the first few of each open state in the queue's index order (case_queue),
  // so that closed cases due long ago are never read.
  const longest = await store.query<{
    id: string;
    kind: string;
    merchant: string;
    due: string;
    owner: string | null;
    amount: string | null;
  }>(
    `select c.finding_id as id, c.kind, c.merchant_id as merchant, c.due_on::text as due, c.owner, e.amount_at_stake::text as amount
       from unnest($2::text[]) s(state)
       cross join lateral (select c.finding_id, c.kind, c.merchant_id, c.due_on, c.owner from recon.case c
                            where c.state = s.state and c.due_on < $1::date
                            order by c.due_on, c.finding_id limit ${OVERDUE_LISTED}) c
       left join recon.exception e on e.id = c.finding_id
      order by c.due_on, c.finding_id limit ${OVERDUE_LISTED}`,
    [asOf, OPEN_STATES],
  );
  return {
    asOf,
    byState: states
      .map((s) => ({ state: s.state, count: s.count, amountAtStake: Number(s.amount) }))
      .sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state)),
    overdue: { count: overdue.count, amountAtStake: Number(overdue.amount), oldestDue: overdue.oldest },
    pendingApproval: states.find((s) => s.state === 'pending_approval')?.count ?? 0,
    orphaned: states.reduce((n, s) => n + s.orphaned, 0),
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

/**
 * Folds the tally's rows into one per key (its triggers only ever append), dropping the keys no case
 * is in; a run does it once, in its transaction. Concurrent writers of cases only append, so they
 * never wait for it; a row appended meanwhile is folded by the next run.
 */
export async function compactCaseTally(tx: Store): Promise<void> {
  await tx.query(
    `with gone as (delete from recon.case_tally returning *)
     insert into recon.case_tally (state, owner, due_on, orphaned, cases, amount_at_stake)
     select state, owner, due_on, orphaned, sum(cases), sum(amount_at_stake) from gone
      group by state, owner, due_on, orphaned having sum(cases) <> 0 or sum(amount_at_stake) <> 0`,
  );
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
