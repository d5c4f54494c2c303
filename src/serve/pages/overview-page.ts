/**
 * GET / — the latest run at a glance, live: the morning report's figures and charts for the store's
 * latest run (reports/morning-report.ts draws the charts), and the cases as of today: by state, what
 * is overdue, who owns what is open, the longest overdue. Each figure links to the queue that lists it.
 * The run's figures change only when a run commits (or a prune removes findings), so they are
 * computed once per run and kept (at a million findings they take seconds); the cases are read at
 * every view.
 */
import type { FastifyInstance } from 'fastify';
import { caseSummary } from '../../reports/case-summary.js';
import {
  ageChart,
  KIND_COLOURS,
  latestRun,
  perDayChart,
  type RunFigures,
  runFigures,
  swatch,
} from '../../reports/morning-report.js';
import { type ConsoleContext, sendPage } from '../console-context.js';
import { html, trusted } from '../html.js';
import { int, money, stateName } from './layout.js';

/** Runs the charts cover. */
const CHART_DAYS = 14;

const q = (params: Record<string, string>): string => `/cases?${new URLSearchParams(params)}`;

export function overviewRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  /** The latest run's figures, and which run (and prune) they are of. */
  let kept: { version: string; figures: RunFigures } | undefined;
  app.get('/', async (req, reply) => {
    const { report, cases } = await ctx.stores.use(async (store) => {
      const today = await ctx.today(store);
      const run = await latestRun(store);
      if (run && kept?.version !== `${run.date}/${run.version}`)
        kept = { version: `${run.date}/${run.version}`, figures: await runFigures(store, run.date, CHART_DAYS, 0) };
      return { report: run ? kept!.figures : null, cases: await caseSummary(store, today) };
    });
    const latest = report?.date ?? null;
    const d = report;
    const h = d?.headline;
    const card = (id: string, label: string, value: string, sub: string) =>
      html`<div class="card"><div class="label">${label}</div><div class="value" data-testid="${id}">${value}</div><div class="sub">${sub}</div></div>`;
    const run = d
      ? html`<h1>The run of ${d.date}</h1>
<div class="cards">
  ${card('transactions', 'rows read', int(h!.transactions), `journal ${int(h!.journalRows)} · clearing ${int(h!.clearingRows)}`)}
  ${card('reconciled-amount', 'amount reconciled', money(h!.reconciledAmount), 'journal rows matched with no finding')}
  ${card('exceptions', 'exceptions raised', int(h!.exceptions), `${int(h!.rejected)} rows rejected`)}
  ${card('amount-at-stake', 'amount at stake', money(h!.amountAtStake), 'of the exceptions raised on this date')}
  ${card('open-findings', 'open findings', int(h!.openFindings), `${money(h!.openAmountAtStake)} at stake, all dates`)}
</div>
<div class="grid">
  <section><h2>Exceptions per kind, last ${d.days.length} runs</h2>${trusted(perDayChart(d))}</section>
  <section><h2>Raised on ${d.date}</h2><table><thead><tr><th>kind</th><th class="num">count</th><th class="num">at stake</th></tr></thead><tbody>
  ${d.byKind.length === 0 ? html`<tr><td colspan="3">none</td></tr>` : ''}
  ${d.byKind.map(
    (k) =>
      html`<tr><td>${trusted(swatch(KIND_COLOURS[k.kind] ?? '#999'))}<a href="${q({ kind: k.kind })}">${k.kind}</a></td><td class="num" data-testid="kind-count-${k.kind}">${int(k.count)}</td><td class="num">${money(k.amountAtStake)}</td></tr>`,
  )}</tbody></table></section>
</div>
<div class="grid3">
  <section><h2>Open items after ${d.date}, by age (days)</h2>${trusted(ageChart(d))}</section>
  <section><h2>Top merchants by open amount at stake</h2><table><thead><tr><th>merchant</th><th class="num">findings</th><th class="num">at stake</th></tr></thead><tbody>
  ${d.topMerchants.map(
    (m) =>
      html`<tr><td><a href="${q({ merchant: m.id })}">${m.id}</a></td><td class="num">${int(m.count)}</td><td class="num">${money(m.amountAtStake)}</td></tr>`,
  )}</tbody></table></section>
  <section><h2>Top terminals by open amount at stake</h2><table><thead><tr><th>terminal</th><th>merchant</th><th class="num">findings</th><th class="num">at stake</th></tr></thead><tbody>
  ${d.topTerminals.map(
    (t) =>
      html`<tr><td>${t.id}</td><td>${t.merchant}</td><td class="num">${int(t.count)}</td><td class="num">${money(t.amountAtStake)}</td></tr>`,
  )}</tbody></table></section>
</div>`
      : html`<h1>No runs yet</h1><p>Run <code>recon run --date D</code> on this store; its findings come here.</p>`;
    const c = cases;
    const body = html`${run}
<div class="grid3">
  <section><h2>Cases as of ${c.asOf}</h2><table><thead><tr><th>state</th><th class="num">cases</th><th class="num">at stake</th></tr></thead><tbody>
  ${c.byState.map(
    (s) =>
      html`<tr><td><a href="${q({ state: s.state })}">${stateName(s.state)}</a></td><td class="num" data-testid="cases-${s.state}">${int(s.count)}</td><td class="num">${money(s.amountAtStake)}</td></tr>`,
  )}
  <tr><td><b><a href="${q({ overdue: '1' })}">overdue</a></b></td><td class="num" data-testid="cases-overdue">${int(c.overdue.count)}</td><td class="num">${money(c.overdue.amountAtStake)}</td></tr>
  </tbody></table></section>
  <section><h2>Who owns what is open</h2><table><thead><tr><th>owner</th><th class="num">open</th><th class="num">overdue</th></tr></thead><tbody>
  ${c.owners.map(
    (o) =>
      html`<tr><td><a href="${q({ owner: o.owner })}">${o.owner}</a></td><td class="num">${int(o.open)}</td><td class="num">${int(o.overdue)}</td></tr>`,
  )}
  ${c.unowned > 0 ? html`<tr><td><i>nobody</i></td><td class="num">${int(c.unowned)}</td><td></td></tr>` : ''}
  </tbody></table></section>
  <section><h2>Longest overdue</h2><table><thead><tr><th>id</th><th>kind</th><th>due</th><th>owner</th><th class="num">at stake</th></tr></thead><tbody>
  ${c.longestOverdue.length === 0 ? html`<tr><td colspan="5">none</td></tr>` : ''}
  ${c.longestOverdue.map(
    (l) =>
      html`<tr><td><a href="/findings/${l.id}">${l.id}</a></td><td>${l.kind}</td><td>${l.dueOn}</td><td>${l.owner ?? ''}</td><td class="num">${money(l.amountAtStake)}</td></tr>`,
  )}</tbody></table></section>
</div>`;
    return sendPage(req, reply, latest ? `Overview of ${latest}` : 'Overview', 'overview', body);
  });
}
