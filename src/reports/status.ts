/**
 * `recon status`: the chain of runs an operator checks first thing — each date with its counts and
 * duration, the dates in the chain that have no run (a cron that did not fire, a run that failed and
 * so committed nothing), the findings still open by kind and amount, and the open items the next run
 * will carry, by age.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatIsoDate, parseIsoDate } from '../core/dates.js';
import type { Store } from '../store/store.js';
import { type CaseSummary, caseSummary, formatCaseSummary } from './case-summary.js';
import { formatPayoutLeg, type PayoutLeg, payoutLeg } from './payout-leg.js';

export interface StatusRun {
  date: string;
  /** 'committed', or 'no run' for a date inside the chain that has none. */
  status: 'committed' | 'no run';
  startedAt: string | null;
  durationMs: number | null;
  journalIn: number | null;
  clearingIn: number | null;
  rejected: number | null;
  findings: number | null;
  openJournal: number | null;
  openClearing: number | null;
}

export interface StatusReport {
  store: string;
  first: string | null;
  latest: string | null;
  runs: StatusRun[];
  /** Dates inside the chain with no run. */
  missing: string[];
  openFindings: { kind: string; count: number; amountAtStake: number; oldest: string }[];
  openItems: { side: 'journal' | 'clearing'; ageDays: string; count: number; amount: number }[];
  /** The cases people work: by state, overdue, awaiting approval, orphaned, who owns what. */
  cases: CaseSummary;
  /** The payout leg over the settle dates of the runs shown (null: the store has no payout rows). */
  payouts: PayoutLeg | null;
  /** The store's size and what it keeps (retention, store/retention.ts). */
  kept: {
    /** Bytes of the database (server) or of the store's directory (embedded). */
    bytes: number;
    /** Bytes of recon's tables by table, largest first. */
    tables: { table: string; bytes: number }[];
    /** The first date a replay may start from (null: every run's state is kept). */
    replayFrom: string | null;
    /** Open-item snapshots kept: how many runs' and the oldest. */
    snapshots: number;
    oldestSnapshot: string | null;
    /** Business dates the journal window holds records of. */
    windowFrom: string | null;
    windowTo: string | null;
    /** The audit trail: findings and rejected rows, all kept. */
    findings: number;
    rejectedRows: number;
  } | null;
}

interface SummaryJson {
  journal?: { rowsIn: number; rejected: number };
  clearing?: { rowsIn: number; rejected: number };
  findings?: { count: number }[];
  openItems?: { journal: number; clearing: number };
}

/** Age buckets of open items, in days since their business date at the latest run. */
const AGE_BUCKETS = `case when age <= 1 then '0-1' when age <= 3 then '2-3' when age <= 7 then '4-7' when age <= 30 then '8-30' else '>30' end`;

/**
 * The status of the store, over the last `days` dates up to the latest run; cases overdue as of
 * `today` (YYYY-MM-DD).
 */
export async function storeStatus(store: Store, days: number, today: string): Promise<StatusReport> {
  const range = await store.query<{ first: string | null; latest: string | null }>(
    'select min(run_date)::text as first, max(run_date)::text as latest from recon.run',
  );
  const first = range[0]?.first ?? null;
  const latest = range[0]?.latest ?? null;
  const report: StatusReport = {
    store: store.location,
    first,
    latest,
    runs: [],
    missing: [],
    openFindings: [],
    openItems: [],
    cases: await caseSummary(store, today),
    payouts: null,
    kept: null,
  };
  if (latest === null || first === null) return report;

  const to = parseIsoDate(latest);
  const from = Math.max(parseIsoDate(first), to - days + 1);
  const rows = await store.query<{
    run_date: string;
    started_at: string;
    duration_ms: number;
    summary: SummaryJson | string;
  }>(
    `select run_date::text, to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as started_at, duration_ms, summary
       from recon.run where run_date between $1::date and $2::date order by run_date`,
    [formatIsoDate(from), latest],
  );
  const byDate = new Map(rows.map((r) => [r.run_date, r]));
  for (let d = from; d <= to; d++) {
    const date = formatIsoDate(d);
    const r = byDate.get(date);
    if (!r) {
      report.runs.push({
        date,
        status: 'no run',
        startedAt: null,
        durationMs: null,
        journalIn: null,
        clearingIn: null,
        rejected: null,
        findings: null,
        openJournal: null,
        openClearing: null,
      });
      continue;
    }
    const s = (typeof r.summary === 'string' ? JSON.parse(r.summary) : r.summary) as SummaryJson;
    report.runs.push({
      date,
      status: 'committed',
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      journalIn: s.journal?.rowsIn ?? 0,
      clearingIn: s.clearing?.rowsIn ?? 0,
      rejected: (s.journal?.rejected ?? 0) + (s.clearing?.rejected ?? 0),
      findings: (s.findings ?? []).reduce((n, f) => n + f.count, 0),
      openJournal: s.openItems?.journal ?? 0,
      openClearing: s.openItems?.clearing ?? 0,
    });
  }
  // Every gap in the whole chain, not only in the window shown; the dates `recon db prune` removed
  // the runs of are no gaps.
  const all = await store.query<{ d: string }>(
    `select d::date::text as d from generate_series(greatest($1::date, (select max(before) from recon.prune)), $2::date, interval '1 day') d
      where not exists (select 1 from recon.run r where r.run_date = d::date) order by d`,
    [first, latest],
  );
  report.missing = all.map((r) => r.d);

  report.openFindings = (
    await store.query<{ kind: string; count: number; stake: string; oldest: string }>(
      `select kind, count(*)::int as count, sum(amount_at_stake)::text as stake, min(raised_on)::text as oldest
         from recon.exception where status = 'open' group by kind order by sum(amount_at_stake) desc, kind`,
    )
  ).map((r) => ({ kind: r.kind, count: r.count, amountAtStake: Number(r.stake), oldest: r.oldest }));

  report.openItems = (
    await store.query<{ side: string; bucket: string; count: number; amount: string }>(
      `select side, ${AGE_BUCKETS} as bucket, count(*)::int as count, sum(amount_minor)::text as amount
         from (select side, amount_minor, ($1::date - business_date) as age from recon.open_item where created_by = $1::date) o
        group by side, bucket order by side desc, min(age)`,
      [latest],
    )
  ).map((r) => ({
    side: r.side === 'J' ? 'journal' : 'clearing',
    ageDays: r.bucket,
    count: r.count,
    amount: Number(r.amount),
  }));
  report.payouts = await payoutLeg(store, formatIsoDate(from), latest);
  report.kept = await kept(store, latest);
  return report;
}

async function kept(store: Store, latest: string): Promise<NonNullable<StatusReport['kept']>> {
  const tables = (
    await store.query<{ t: string; b: string }>(
      `select c.relname as t, pg_total_relation_size(c.oid)::text as b from pg_class c
         join pg_namespace s on s.oid = c.relnamespace where s.nspname = 'recon' and c.relkind = 'r'
        order by pg_total_relation_size(c.oid) desc`,
    )
  ).map((r) => ({ table: r.t, bytes: Number(r.b) }));
  const bytes =
    store.kind === 'embedded' && existsSync(store.location)
      ? duBytes(store.location)
      : Number((await store.query<{ b: string }>('select pg_database_size(current_database())::text as b'))[0]!.b);
  const [r] = await store.query<{
    replay_from: string | null;
    snapshots: number;
    oldest: string | null;
    wfrom: string | null;
    wto: string | null;
    findings: number;
    rejected: number;
  }>(
    `select (select replay_from::text from recon.run where run_date = $1::date) as replay_from,
            (select count(distinct created_by)::int from recon.open_item) as snapshots,
            (select min(created_by)::text from recon.open_item) as oldest,
            (select min(business_date)::text from recon.window_page) as wfrom,
            (select max(business_date)::text from recon.window_page) as wto,
            (select count(*)::int from recon.exception) as findings,
            (select count(*)::int from recon.rejected_row) as rejected`,
    [latest],
  );
  return {
    bytes,
    tables,
    replayFrom: r!.replay_from,
    snapshots: r!.snapshots,
    oldestSnapshot: r!.oldest,
    windowFrom: r!.wfrom,
    windowTo: r!.wto,
    findings: r!.findings,
    rejectedRows: r!.rejected,
  };
}

/** Bytes of the files under `dir` (an embedded store's size). */
export function duBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += duBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

const n = (x: number | null): string => (x === null ? '' : x.toLocaleString('en-US'));
const money = (minor: number): string =>
  (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The report as the terminal shows it. */
export function formatStatus(r: StatusReport): string {
  if (r.latest === null) return `recon status — ${r.store}\n\nno runs yet: run \`recon run --date D\` first\n`;
  const lines: string[] = [
    `recon status — ${r.store}`,
    '',
    `runs ${r.first}..${r.latest}${r.missing.length ? `; dates with no run: ${r.missing.join(', ')}` : '; no gaps'}`,
    '',
  ];
  lines.push('date        status       journal in   clearing in   rejected   findings   open J / C        took');
  for (const x of r.runs) {
    if (x.status === 'no run') {
      lines.push(`${x.date}  NO RUN`);
      continue;
    }
    lines.push(
      `${x.date}  committed ${n(x.journalIn).padStart(13)} ${n(x.clearingIn).padStart(13)} ${n(x.rejected).padStart(10)} ${n(x.findings).padStart(10)}   ${`${n(x.openJournal)} / ${n(x.openClearing)}`.padEnd(15)} ${((x.durationMs ?? 0) / 1000).toFixed(1).padStart(6)} s`,
    );
  }
  lines.push('', 'open findings                 count     amount at stake   raised since');
  if (r.openFindings.length === 0) lines.push('  none');
  for (const f of r.openFindings)
    lines.push(
      `  ${f.kind.padEnd(22)} ${n(f.count).padStart(10)} ${money(f.amountAtStake).padStart(19)}   ${f.oldest}`,
    );
  lines.push('', `open items carried to the run after ${r.latest} (age = days since business date)`);
  if (r.openItems.length === 0) lines.push('  none');
  for (const o of r.openItems)
    lines.push(
      `  ${o.side.padEnd(9)} ${o.ageDays.padStart(5)} days ${n(o.count).padStart(10)} ${money(o.amount).padStart(17)}`,
    );
  if (r.payouts) lines.push('', ...formatPayoutLeg(r.payouts, money, n));
  lines.push('', ...formatCaseSummary(r.cases, money));
  const k = r.kept;
  if (k) {
    const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
    lines.push(
      '',
      `store ${mb(k.bytes)}; replays reach back to ${k.replayFrom ?? r.first} (--keep-runs)`,
      `  kept: ${n(k.snapshots)} open-item snapshot${k.snapshots === 1 ? '' : 's'}${k.oldestSnapshot ? ` (from ${k.oldestSnapshot})` : ''}, the journal window of business dates ${k.windowFrom ?? '-'}..${k.windowTo ?? '-'}, every finding (${n(k.findings)}) and rejected row (${n(k.rejectedRows)})`,
      `  largest tables: ${k.tables
        .slice(0, 4)
        .map((t) => `${t.table} ${mb(t.bytes)}`)
        .join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
