/**
 * GET /runs — the runs as `recon status` shows them (reports/status.ts): the last RUN_DAYS dates up
 * to the latest run with their counts and durations, the dates with no run, the findings still open
 * by kind, the open items the next run carries, and what the store keeps.
 */
import type { FastifyInstance } from 'fastify';
import { storeStatus } from '../../reports/status.js';
import { type ConsoleContext, sendPage } from '../console-context.js';
import { html } from '../html.js';
import { int, money } from './layout.js';

/** Dates listed. */
export const RUN_DAYS = 30;

export function runsRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/runs', async (req, reply) => {
    const r = await ctx.stores.use(async (store) => storeStatus(store, RUN_DAYS, await ctx.today(store)));
    const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
    const body =
      r.latest === null
        ? html`<h1>Runs</h1><p>No runs yet: <code>recon run --date D</code> first.</p>`
        : html`<h1>Runs ${r.first}..${r.latest}</h1>
<p data-testid="missing">${r.missing.length ? html`Dates with no run: <b>${r.missing.join(', ')}</b> (run them with <code>--replay</code>).` : 'No gaps.'}</p>
<table class="runs" data-testid="runs"><thead><tr><th>date</th><th>status</th><th>started (UTC)</th><th class="num">journal in</th><th class="num">clearing in</th><th class="num">rejected</th><th class="num">findings</th><th class="num">open J / C</th><th class="num">took</th></tr></thead><tbody>
${[...r.runs].reverse().map((x) =>
  x.status === 'no run'
    ? html`<tr class="norun"><td>${x.date}</td><td colspan="8"><b>NO RUN</b></td></tr>`
    : html`<tr><td>${x.date}</td><td>committed</td><td>${x.startedAt ?? ''}</td>
  <td class="num">${int(x.journalIn)}</td><td class="num">${int(x.clearingIn)}</td><td class="num">${int(x.rejected)}</td>
  <td class="num">${int(x.findings)}</td><td class="num">${int(x.openJournal)} / ${int(x.openClearing)}</td><td class="num">${((x.durationMs ?? 0) / 1000).toFixed(1)} s</td></tr>`,
)}</tbody></table>
<div class="grid">
<section><h2>Open findings</h2><table><thead><tr><th>kind</th><th class="num">count</th><th class="num">at stake</th><th>raised since</th></tr></thead><tbody>
${r.openFindings.length === 0 ? html`<tr><td colspan="4">none</td></tr>` : ''}
${r.openFindings.map((f) => html`<tr><td>${f.kind}</td><td class="num">${int(f.count)}</td><td class="num">${money(f.amountAtStake)}</td><td>${f.oldest}</td></tr>`)}
</tbody></table></section>
<section><h2>Open items carried after ${r.latest}</h2><table><thead><tr><th>side</th><th>age (days)</th><th class="num">count</th><th class="num">amount</th></tr></thead><tbody>
${r.openItems.length === 0 ? html`<tr><td colspan="4">none</td></tr>` : ''}
${r.openItems.map((o) => html`<tr><td>${o.side}</td><td>${o.ageDays}</td><td class="num">${int(o.count)}</td><td class="num">${money(o.amount)}</td></tr>`)}
</tbody></table></section>
</div>
${
  r.kept
    ? html`<section><h2>The store</h2><p>${r.store}: ${mb(r.kept.bytes)}; replays reach back to ${r.kept.replayFrom ?? r.first}.
  Kept: ${int(r.kept.snapshots)} open-item snapshot(s), the journal window of business dates ${r.kept.windowFrom ?? '-'}..${r.kept.windowTo ?? '-'},
  every finding (${int(r.kept.findings)}) and rejected row (${int(r.kept.rejectedRows)}).</p></section>`
    : ''
}`;
    return sendPage(req, reply, 'Runs', 'runs', body);
  });
}
