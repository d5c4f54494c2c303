/**
 * `recon report --date D [--days N] --out report.html`: the morning report as one self-contained
 * HTML file (no network: the charts are SVG drawn here, the table's search and sort a few lines of
 * inline script). It answers "what do I chase today, and how much money is at stake?":
 * - headline numbers of run D: transactions read, amount reconciled, rejected rows, exceptions
 *   raised and the amount at stake, per kind;
 * - exceptions per kind over the last N runs (stacked bars);
 * - open items carried after D, by age;
 * - the merchants and terminals with the most money at stake in open findings;
 * - the findings of run D, searchable and sortable (the largest first, up to TABLE_ROWS of them).
 * Every number the page shows carries a data-testid, so the browser test can read it back and
 * compare it with the store.
 */

import { KIND_NAMES } from '../core/codes.js';
import { formatIsoDate, formatZone, parseIsoDate } from '../core/dates.js';
import { UsageError } from '../core/usage-error.js';
import type { Store } from '../store/store.js';
import { type CaseSummary, caseSummary } from './case-summary.js';
import { type PayoutLeg, payoutLeg } from './payout-leg.js';

/** Findings listed in the table (the largest amounts at stake); the export has them all. */
export const TABLE_ROWS = 5000;

export interface KindTotal {
  kind: string;
  count: number;
  amountAtStake: number;
}

export interface ReportData {
  date: string;
  days: string[];
  store: string;
  generatedAt: string;
  headline: {
    journalRows: number;
    clearingRows: number;
    transactions: number;
    reconciledAmount: number;
    rejected: number;
    exceptions: number;
    amountAtStake: number;
    openFindings: number;
    openAmountAtStake: number;
  };
  byKind: KindTotal[];
  perDay: { date: string; counts: Record<string, number> }[];
  openItems: { bucket: string; journal: number; clearing: number; amount: number }[];
  topMerchants: { id: string; count: number; amountAtStake: number }[];
  topTerminals: { id: string; merchant: string; count: number; amountAtStake: number }[];
  /** The cases people work, as of the morning after D. */
  cases: CaseSummary;
  /** The payout leg over the settle dates of the days shown (null: no payout rows in the store). */
  payouts: PayoutLeg | null;
  table: {
    total: number;
    rows: {
      id: string;
      kind: string;
      status: string;
      merchant: string;
      terminal: string;
      ref: string;
      time: string;
      journal: number | null;
      clearing: number | null;
      stake: number;
      late: number;
      dups: number;
    }[];
  };
}

interface SummaryJson {
  journal?: { rowsIn: number; rejected: number; amounts?: { reconciled: number } };
  clearing?: { rowsIn: number; rejected: number };
}

const AGE_BUCKETS = ['0-1', '2-3', '4-7', '8-30', '>30'];
const AGE_SQL = `case when age <= 1 then '0-1' when age <= 3 then '2-3' when age <= 7 then '4-7' when age <= 30 then '8-30' else '>30' end`;

/** The report's figures of run `date` but the cases: they change with runs only (and `recon db prune`). */
export type RunFigures = Omit<ReportData, 'cases'>;

/** The report's data for run `date` over the last `days` runs; the cases as of the morning after it. */
export async function reportData(store: Store, date: string, days: number): Promise<ReportData> {
  const figures = await runFigures(store, date, days);
  return { ...figures, cases: await caseSummary(store, formatIsoDate(parseIsoDate(date) + 1)) };
}

/**
 * The figures of run `date` over the last `days` runs; the findings table holds the `tableRows`
 * largest (the console's overview, which has its queue, asks for none).
 */
export async function runFigures(
  store: Store,
  date: string,
  days: number,
  tableRows = TABLE_ROWS,
): Promise<RunFigures> {
  const { summary: s, zone } = await runOf(store, date);
  const to = parseIsoDate(date);
  const dayList = Array.from({ length: days }, (_, i) => formatIsoDate(to - days + 1 + i));
  const byKind = await kindTotals(store, date);
  const open = await openFindings(store, date);
  const exceptions = byKind.reduce((n, k) => n + k.count, 0);
  const journalRows = s.journal?.rowsIn ?? 0;
  const clearingRows = s.clearing?.rowsIn ?? 0;
  return {
    date,
    days: dayList,
    store: store.location,
    generatedAt: `${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC`,
    headline: {
      journalRows,
      clearingRows,
      transactions: journalRows + clearingRows,
      reconciledAmount: s.journal?.amounts?.reconciled ?? 0,
      rejected: (s.journal?.rejected ?? 0) + (s.clearing?.rejected ?? 0),
      exceptions,
      amountAtStake: byKind.reduce((n, k) => n + k.amountAtStake, 0),
      openFindings: open.count,
      openAmountAtStake: open.amountAtStake,
    },
    byKind,
    perDay: await findingsPerDay(store, dayList, date),
    openItems: await openItemsByAge(store, date),
    topMerchants: await topMerchants(store, date),
    topTerminals: await topTerminals(store, date),
    payouts: await payoutLeg(store, dayList[0]!, date),
    table: { total: exceptions, rows: tableRows > 0 ? await largestFindings(store, date, zone, tableRows) : [] },
  };
}

/**
 * The latest run in the store (null before the first), with what tells its figures apart from a
 * rerun's or from before a `recon db prune`: when it was committed, and the prunes so far.
 */
export async function latestRun(store: Store): Promise<{ date: string; version: string } | null> {
  const rows = await store.query<{ d: string; v: string }>(
    `select r.run_date::text as d, r.finished_at::text || '/' || (select count(*) from recon.prune)::text as v
       from recon.run r order by r.run_date desc limit 1`,
  );
  return rows[0] ? { date: rows[0].d, version: rows[0].v } : null;
}

/** Run D's summary and zone offset (minutes; 480 when the run did not record one); a usage error naming the stored runs when there is none. */
async function runOf(store: Store, date: string): Promise<{ summary: SummaryJson; zone: number }> {
  const run = await store.query<{ summary: SummaryJson | string; zone: number | null }>(
    `select summary, (options->>'zoneOffsetMinutes')::int as zone from recon.run where run_date = $1::date`,
    [date],
  );
  if (run.length === 0) {
    const range = await store.query<{ first: string | null; last: string | null }>(
      'select min(run_date)::text as first, max(run_date)::text as last from recon.run',
    );
    const r = range[0];
    throw new UsageError(
      `no run for ${date} in the store${r?.first ? ` (runs: ${r.first}..${r.last})` : ' (no runs yet)'}`,
    );
  }
  const summary = (typeof run[0]!.summary === 'string' ? JSON.parse(run[0]!.summary) : run[0]!.summary) as SummaryJson;
  return { summary, zone: run[0]!.zone ?? 480 };
}

/** The findings run D raised, per kind. */
async function kindTotals(store: Store, date: string): Promise<KindTotal[]> {
  const rows = await store.query<{ kind: string; count: number; stake: string }>(
    `select kind, count(*)::int as count, sum(amount_at_stake)::text as stake from recon.exception where raised_on = $1::date group by kind order by kind`,
    [date],
  );
  return rows.map((r) => ({ kind: r.kind, count: r.count, amountAtStake: Number(r.stake) }));
}

/** The findings still open after run D, and their amount at stake. */
async function openFindings(store: Store, date: string): Promise<{ count: number; amountAtStake: number }> {
  const open = await store.query<{ count: number; stake: string | null }>(
    `select count(*)::int as count, sum(amount_at_stake)::text as stake from recon.exception where status = 'open' and raised_on <= $1::date`,
    [date],
  );
  return { count: open[0]?.count ?? 0, amountAtStake: Number(open[0]?.stake ?? 0) };
}

/** The findings raised on each of the days (the last is run D), per kind. */
async function findingsPerDay(store: Store, dayList: readonly string[], date: string): Promise<ReportData['perDay']> {
  const rows = await store.query<{ d: string; kind: string; count: number }>(
    `select raised_on::text as d, kind, count(*)::int as count from recon.exception where raised_on between $1::date and $2::date group by 1, 2`,
    [dayList[0], date],
  );
  return dayList.map((d) => ({
    date: d,
    counts: Object.fromEntries(rows.filter((r) => r.d === d).map((r) => [r.kind, r.count])) as Record<string, number>,
  }));
}

/** The open items carried after run D, per age bucket (days since their business date) and side. */
async function openItemsByAge(store: Store, date: string): Promise<ReportData['openItems']> {
  const items = await store.query<{ bucket: string; side: string; count: number; amount: string }>(
    `select ${AGE_SQL} as bucket, side, count(*)::int as count, sum(amount_minor)::text as amount
       from (select side, amount_minor, ($1::date - business_date) as age from recon.open_item where created_by = $1::date) o group by 1, 2`,
    [date],
  );
  return AGE_BUCKETS.map((bucket) => {
    const j = items.find((r) => r.bucket === bucket && r.side === 'J');
    const c = items.find((r) => r.bucket === bucket && r.side === 'C');
    return {
      bucket,
      journal: j?.count ?? 0,
      clearing: c?.count ?? 0,
      amount: Number(j?.amount ?? 0) + Number(c?.amount ?? 0),
    };
  });
}

/** The ten merchants with the most money at stake in findings open after run D. */
async function topMerchants(store: Store, date: string): Promise<ReportData['topMerchants']> {
  const rows = await store.query<{ id: string; count: number; stake: string }>(
    `select merchant_id as id, count(*)::int as count, sum(amount_at_stake)::text as stake from recon.exception
      where status = 'open' and raised_on <= $1::date group by 1 order by sum(amount_at_stake) desc, 1 limit 10`,
    [date],
  );
  return rows.map((r) => ({ id: r.id, count: r.count, amountAtStake: Number(r.stake) }));
}

/** The ten terminals with the most money at stake in findings open after run D. */
async function topTerminals(store: Store, date: string): Promise<ReportData['topTerminals']> {
  const rows = await store.query<{ id: string; merchant: string; count: number; stake: string }>(
    `select terminal_id as id, merchant_id as merchant, count(*)::int as count, sum(amount_at_stake)::text as stake from recon.exception
      where status = 'open' and raised_on <= $1::date and terminal_id is not null group by 1, 2 order by sum(amount_at_stake) desc, 1, 2 limit 10`,
    [date],
  );
  return rows.map((r) => ({ id: r.id, merchant: r.merchant, count: r.count, amountAtStake: Number(r.stake) }));
}

/** Run D's findings for the table, the largest amount at stake first, up to TABLE_ROWS; times in the run's zone. */
async function largestFindings(
  store: Store,
  date: string,
  zone: number,
  limit: number,
): Promise<ReportData['table']['rows']> {
  const rows = await store.query<{
    id: string | null;
    kind: string;
    status: string;
    merchant: string;
    terminal: string | null;
    ref: string;
    time: string;
    journal: string | null;
    clearing: string | null;
    stake: string;
    late: number;
    dups: number;
  }>(
    `select id, kind, status, merchant_id as merchant, terminal_id as terminal, coalesce(nullif(rrn, ''), order_no, stan, '') as ref,
            to_char(txn_time at time zone 'UTC' + make_interval(mins => $2::int), 'YYYY-MM-DD HH24:MI:SS') as time,
            journal_amount_minor::text as journal, clearing_amount_minor::text as clearing, amount_at_stake::text as stake,
            days_late as late, duplicate_count as dups
       from recon.exception where raised_on = $1::date
      order by amount_at_stake desc, kind, merchant_id, terminal_id, txn_time, s_run, s_file, s_line limit $3::int`,
    [date, zone, limit],
  );
  return rows.map((r) => ({
    id: r.id ?? '',
    kind: r.kind,
    status: r.status,
    merchant: r.merchant,
    terminal: r.terminal ?? '',
    ref: r.ref,
    time: `${r.time}${formatZone(zone)}`,
    journal: r.journal === null ? null : Number(r.journal),
    clearing: r.clearing === null ? null : Number(r.clearing),
    stake: Number(r.stake),
    late: r.late,
    dups: r.dups,
  }));
}

// ---- rendering

/** One colour per kind, fixed so that a kind looks the same every morning. */
export const KIND_COLOURS: Record<string, string> = {
  MISSING_CREDIT: '#d62728',
  DELAYED_CREDIT: '#ff7f0e',
  DUPLICATE_CREDIT: '#9467bd',
  DUPLICATE_JOURNAL: '#c5b0d5',
  AMOUNT_MISMATCH: '#1f77b4',
  FEE_MISMATCH: '#aec7e8',
  RISK_HOLD: '#8c564b',
  VOIDED_BUT_SETTLED: '#e377c2',
  DECLINED_BUT_SETTLED: '#f7b6d2',
  REFUND_NOT_DEBITED: '#2ca02c',
  UNMATCHED_CLEARING: '#bcbd22',
  AMBIGUOUS_MATCH: '#17becf',
  PAYOUT_MISSING: '#7f7f7f',
  PAYOUT_MISMATCH: '#393b79',
  PAYOUT_RETURNED: '#ad494a',
  PAYOUT_HELD: '#843c39',
  PAYOUT_DUPLICATE: '#637939',
  UNEXPECTED_PAYOUT: '#e7ba52',
};

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const int = (n: number): string => n.toLocaleString('en-US');
const money = (minor: number): string =>
  (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * A colour key: a small SVG square, not a styled element, so that it shows under a
 * Content-Security-Policy that forbids inline styles (the console's).
 */
export function swatch(colour: string): string {
  return `<svg class="swatch" width="10" height="10" aria-hidden="true"><rect width="10" height="10" rx="2" fill="${colour}"/></svg>`;
}

/** Stacked bars of findings per kind per day (the console's overview draws it too). */
export function perDayChart(d: Pick<ReportData, 'perDay'>): string {
  const W = 760;
  const H = 260;
  const left = 40;
  const bottom = 40;
  const top = 10;
  const totals = d.perDay.map((p) => Object.values(p.counts).reduce((a, b) => a + b, 0));
  const max = Math.max(1, Math.ceil(Math.max(...totals) * 1.1));
  const slot = (W - left - 10) / d.perDay.length;
  const bar = Math.min(48, slot * 0.7);
  const y = (v: number): number => top + (H - top - bottom) * (1 - v / max);
  const parts: string[] = [];
  for (let t = 0; t <= 4; t++) {
    const v = Math.round((max * t) / 4);
    parts.push(
      `<line x1="${left}" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" class="axis">${int(v)}</text>`,
    );
  }
  d.perDay.forEach((p, i) => {
    const x = left + i * slot + (slot - bar) / 2;
    let acc = 0;
    for (const k of KIND_NAMES) {
      const c = p.counts[k] ?? 0;
      if (c === 0) continue;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(acc + c).toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(acc) - y(acc + c)).toFixed(1)}" fill="${KIND_COLOURS[k]}"><title>${p.date} ${k}: ${int(c)}</title></rect>`,
      );
      acc += c;
    }
    parts.push(
      `<text x="${(x + bar / 2).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle" class="axis">${p.date.slice(5)}</text>`,
    );
    parts.push(
      `<text x="${(x + bar / 2).toFixed(1)}" y="${(y(acc) - 4).toFixed(1)}" text-anchor="middle" class="axis" data-testid="day-total-${p.date}">${int(totals[i]!)}</text>`,
    );
  });
  const used = KIND_NAMES.filter((k) => d.perDay.some((p) => (p.counts[k] ?? 0) > 0));
  const legend = used.map((k) => `<span class="key">${swatch(KIND_COLOURS[k]!)}${k}</span>`).join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="exceptions per kind per day">${parts.join('')}</svg><div class="legend">${legend}</div>`;
}

/** Horizontal bars of open items by age bucket (the console's overview draws it too). */
export function ageChart(d: Pick<ReportData, 'openItems'>): string {
  const W = 360;
  const row = 30;
  const H = row * d.openItems.length + 10;
  const max = Math.max(1, ...d.openItems.map((o) => o.journal + o.clearing));
  const left = 60;
  const width = W - left - 70;
  const parts = d.openItems.map((o, i) => {
    const y = 5 + i * row;
    const wj = (width * o.journal) / max;
    const wc = (width * o.clearing) / max;
    return `<text x="${left - 8}" y="${y + 18}" text-anchor="end" class="axis">${esc(o.bucket)} d</text>
      <rect x="${left}" y="${y + 4}" width="${wj.toFixed(1)}" height="20" fill="#1f77b4"><title>journal: ${int(o.journal)}</title></rect>
      <rect x="${(left + wj).toFixed(1)}" y="${y + 4}" width="${wc.toFixed(1)}" height="20" fill="#ff7f0e"><title>clearing: ${int(o.clearing)}</title></rect>
      <text x="${(left + wj + wc + 6).toFixed(1)}" y="${y + 18}" class="axis" data-testid="age-${esc(o.bucket)}">${int(o.journal + o.clearing)}</text>`;
  });
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="open items by age">${parts.join('')}</svg>
    <div class="legend"><span class="key">${swatch('#1f77b4')}journal</span><span class="key">${swatch('#ff7f0e')}clearing</span></div>`;
}

/** The report as one HTML page. */
/** The payout leg by settle date: expected, paid, returned or failed, held; what is open of it. */
function payoutSection(d: ReportData): string {
  const p = d.payouts;
  if (!p) return '';
  const rows = p.days
    .map(
      (x) =>
        `<tr data-settle="${esc(x.settleDate)}"><td>${esc(x.settleDate)}</td><td class="num">${money(x.expected)}</td><td class="num">${money(x.paid)}</td><td class="num">${money(x.returned)}</td><td class="num">${money(x.held)}</td><td class="num">${int(x.merchantsPaid)} / ${int(x.merchantsExpected)}</td></tr>`,
    )
    .join('');
  return `<section style="margin-top:12px" data-testid="payouts"><h2>Payouts to the merchants' accounts, by settle date</h2><table><thead><tr><th>settle date</th><th class="num">expected</th><th class="num">paid</th><th class="num">returned / failed</th><th class="num">held</th><th class="num">merchants paid / expected</th></tr></thead><tbody>${rows || '<tr><td colspan="6">none</td></tr>'}</tbody></table>
  <p>open payout findings: <b data-testid="payouts-open">${int(p.open.count)}</b>, ${money(p.open.amountAtStake)} at stake</p></section>`;
}

/** The cases people work: by state, overdue, who owns what, the longest overdue by id. */
function casesSection(d: ReportData): string {
  const c = d.cases;
  const states = c.byState
    .map(
      (s) =>
        `<tr><td>${esc(s.state.replace('_', ' '))}</td><td class="num" data-testid="cases-${esc(s.state)}">${int(s.count)}</td><td class="num">${money(s.amountAtStake)}</td></tr>`,
    )
    .join('');
  const owners = [
    ...c.owners.map(
      (o) =>
        `<tr><td>${esc(o.owner)}</td><td class="num">${int(o.open)}</td><td class="num">${int(o.overdue)}</td></tr>`,
    ),
    ...(c.unowned > 0 ? [`<tr><td><i>nobody</i></td><td class="num">${int(c.unowned)}</td><td></td></tr>`] : []),
  ].join('');
  const overdue = c.longestOverdue
    .map(
      (o) =>
        `<tr><td>${esc(o.id)}</td><td>${esc(o.kind)}</td><td>${esc(o.merchant)}</td><td>${esc(o.dueOn)}</td><td>${esc(o.owner ?? '')}</td><td class="num">${money(o.amountAtStake)}</td></tr>`,
    )
    .join('');
  return `<div class="grid3">
  <section><h2>Cases as of ${esc(c.asOf)}</h2><table><thead><tr><th>state</th><th class="num">cases</th><th class="num">at stake</th></tr></thead><tbody>${states || '<tr><td colspan="3">none</td></tr>'}
  <tr><td><b>overdue</b></td><td class="num" data-testid="cases-overdue">${int(c.overdue.count)}</td><td class="num">${money(c.overdue.amountAtStake)}</td></tr></tbody></table></section>
  <section><h2>Who owns what is open</h2><table><thead><tr><th>owner</th><th class="num">open</th><th class="num">overdue</th></tr></thead><tbody>${owners || '<tr><td colspan="3">none</td></tr>'}</tbody></table></section>
  <section><h2>Longest overdue</h2><table><thead><tr><th>id</th><th>kind</th><th>merchant</th><th>due</th><th>owner</th><th class="num">at stake</th></tr></thead><tbody>${overdue || '<tr><td colspan="6">none</td></tr>'}</tbody></table></section>
</div>`;
}

export function renderReport(d: ReportData): string {
  const h = d.headline;
  const card = (id: string, label: string, value: string, sub = ''): string =>
    `<div class="card"><div class="label">${label}</div><div class="value" data-testid="${id}">${value}</div>${sub ? `<div class="sub">${sub}</div>` : ''}</div>`;
  const kinds = d.byKind
    .map(
      (k) =>
        `<tr><td>${swatch(KIND_COLOURS[k.kind] ?? '#999')}${esc(k.kind)}</td><td class="num" data-testid="kind-count-${esc(k.kind)}">${int(k.count)}</td><td class="num" data-testid="kind-stake-${esc(k.kind)}">${money(k.amountAtStake)}</td></tr>`,
    )
    .join('');
  const merchants = d.topMerchants
    .map(
      (m) =>
        `<tr><td>${esc(m.id)}</td><td class="num">${int(m.count)}</td><td class="num" data-testid="merchant-stake-${esc(m.id)}">${money(m.amountAtStake)}</td></tr>`,
    )
    .join('');
  const terminals = d.topTerminals
    .map(
      (t) =>
        `<tr><td>${esc(t.id)}</td><td>${esc(t.merchant)}</td><td class="num">${int(t.count)}</td><td class="num">${money(t.amountAtStake)}</td></tr>`,
    )
    .join('');
  // Table data as JSON inside a script: "<" escaped so that no value can close the script element.
  const tableJson = JSON.stringify(d.table.rows).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>recon — ${esc(d.date)}</title>
<style>
  body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d1d1f; background: #f6f7f9; }
  header { background: #14213d; color: #fff; padding: 16px 24px; }
  header h1 { margin: 0; font-size: 20px; } header p { margin: 4px 0 0; opacity: .8; }
  main { padding: 16px 24px; max-width: 1200px; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; }
  .card, section { background: #fff; border-radius: 8px; box-shadow: 0 1px 2px rgba(0,0,0,.08); padding: 12px 16px; }
  .label { color: #666; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
  .value { font-size: 24px; font-weight: 600; } .sub { color: #666; font-size: 12px; }
  .grid { display: grid; grid-template-columns: 2fr 1fr; gap: 12px; margin-top: 12px; }
  .grid3 { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 12px; margin-top: 12px; }
  section h2 { font-size: 15px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; } th, td { padding: 4px 6px; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
  th { font-size: 12px; color: #555; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .axis { font-size: 11px; fill: #555; } .legend { margin-top: 4px; } .key { margin-right: 10px; font-size: 12px; white-space: nowrap; }
  .swatch { margin-right: 4px; vertical-align: -1px; }
  #findings th { cursor: pointer; user-select: none; } #findings th[data-dir="asc"]::after { content: " ▲"; } #findings th[data-dir="desc"]::after { content: " ▼"; }
  #search { width: 320px; padding: 6px 8px; border: 1px solid #ccc; border-radius: 6px; margin-bottom: 8px; }
  .open { color: #b00020; } .resolved { color: #2e7d32; }
  .scroll { max-height: 560px; overflow: auto; }
  @media (max-width: 900px) { .grid, .grid3 { grid-template-columns: 1fr; } }
</style></head>
<body>
<header><h1>recon — settlement exceptions of ${esc(d.date)}</h1><p>store ${esc(d.store)} · generated ${esc(d.generatedAt)} · amounts in major units</p></header>
<main>
<div class="cards">
  ${card('transactions', 'rows read', int(h.transactions), `journal ${int(h.journalRows)} · clearing ${int(h.clearingRows)}`)}
  ${card('reconciled-amount', 'amount reconciled', money(h.reconciledAmount), 'journal rows matched with no finding')}
  ${card('exceptions', 'exceptions raised', int(h.exceptions), `${int(h.rejected)} rows rejected`)}
  ${card('amount-at-stake', 'amount at stake', money(h.amountAtStake), 'of the exceptions raised on this date')}
  ${card('open-findings', 'open findings', int(h.openFindings), `${money(h.openAmountAtStake)} at stake, all dates`)}
</div>
<div class="grid">
  <section><h2>Exceptions per kind, last ${d.days.length} runs</h2>${perDayChart(d)}</section>
  <section><h2>Raised on ${esc(d.date)}</h2><table><thead><tr><th>kind</th><th class="num">count</th><th class="num">at stake</th></tr></thead><tbody>${kinds || '<tr><td colspan="3">none</td></tr>'}</tbody></table></section>
</div>
<div class="grid3">
  <section><h2>Open items after ${esc(d.date)}, by age (days)</h2>${ageChart(d)}</section>
  <section><h2>Top merchants by open amount at stake</h2><table><thead><tr><th>merchant</th><th class="num">findings</th><th class="num">at stake</th></tr></thead><tbody>${merchants || '<tr><td colspan="3">none</td></tr>'}</tbody></table></section>
  <section><h2>Top terminals by open amount at stake</h2><table><thead><tr><th>terminal</th><th>merchant</th><th class="num">findings</th><th class="num">at stake</th></tr></thead><tbody>${terminals || '<tr><td colspan="4">none</td></tr>'}</tbody></table></section>
</div>
${casesSection(d)}
${payoutSection(d)}
<section style="margin-top:12px"><h2>Findings of ${esc(d.date)}</h2>
  <input id="search" type="search" placeholder="search id, kind, merchant, terminal, rrn / order…" aria-label="search">
  <span id="shown" data-testid="table-shown"></span> of <span data-testid="table-total">${int(d.table.total)}</span>${d.table.total > d.table.rows.length ? ` (the ${int(d.table.rows.length)} largest; <code>recon exceptions --date ${esc(d.date)}</code> lists all)` : ''}
  <div class="scroll"><table id="findings"><thead><tr>
    <th data-key="id">id</th><th data-key="kind">kind</th><th data-key="status">status</th><th data-key="merchant">merchant</th><th data-key="terminal">terminal</th><th data-key="ref">rrn / order</th><th data-key="time">txn time</th>
    <th class="num" data-key="journal">journal</th><th class="num" data-key="clearing">clearing</th><th class="num" data-key="stake" data-dir="desc">at stake</th><th class="num" data-key="late">days late</th><th class="num" data-key="dups">extra credits</th>
  </tr></thead><tbody></tbody></table></div>
</section>
</main>
<script id="data" type="application/json">${tableJson}</script>
<script>
(function () {
  var rows = JSON.parse(document.getElementById('data').textContent);
  var body = document.querySelector('#findings tbody');
  var search = document.getElementById('search');
  var shown = document.getElementById('shown');
  var sortKey = 'stake', sortDir = -1;
  function money(v) { return v === null ? '' : (v / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
  function text(v) { return v === null || v === undefined ? '' : String(v).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function draw() {
    var q = search.value.trim().toLowerCase();
    var list = rows.filter(function (r) { return !q || [r.id, r.kind, r.status, r.merchant, r.terminal, r.ref].join(' ').toLowerCase().indexOf(q) >= 0; });
    list.sort(function (a, b) { var x = a[sortKey], y = b[sortKey]; if (x === y) return 0; if (x === null) return 1; if (y === null) return -1; return (x < y ? -1 : 1) * sortDir; });
    var html = [];
    for (var i = 0; i < list.length; i++) {
      var r = list[i];
      html.push('<tr><td>' + text(r.id) + '</td><td>' + text(r.kind) + '</td><td class="' + text(r.status) + '">' + text(r.status) + '</td><td>' + text(r.merchant) + '</td><td>' + text(r.terminal) + '</td><td>' + text(r.ref) + '</td><td>' + text(r.time) + '</td><td class="num">' + money(r.journal) + '</td><td class="num">' + money(r.clearing) + '</td><td class="num">' + money(r.stake) + '</td><td class="num">' + r.late + '</td><td class="num">' + r.dups + '</td></tr>');
    }
    body.innerHTML = html.join('');
    shown.textContent = list.length.toLocaleString('en-US');
  }
  document.querySelectorAll('#findings th').forEach(function (th) {
    th.addEventListener('click', function () {
      var key = th.getAttribute('data-key');
      sortDir = key === sortKey ? -sortDir : (th.classList.contains('num') ? -1 : 1);
      sortKey = key;
      document.querySelectorAll('#findings th').forEach(function (o) { o.removeAttribute('data-dir'); });
      th.setAttribute('data-dir', sortDir > 0 ? 'asc' : 'desc');
      draw();
    });
  });
  search.addEventListener('input', draw);
  draw();
})();
</script>
</body></html>
`;
}
