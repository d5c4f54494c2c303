/**
 * GET /audit — the audit trail (recon.case_event), the latest events first, a page of AUDIT_ROWS at
 * a time (before=SEQ for older ones); with verify=1, the whole chain recomputed (cases/audit-chain.ts
 * verifyChain, as `recon audit verify`) and the result shown: it holds, or the first event that
 * does not fit and why. Verifying reads and changes nothing, so it is a GET (a button).
 */
import type { FastifyInstance } from 'fastify';
import { type ChainCheck, eventsBefore, verifyChain } from '../../cases/audit-chain.js';
import { UsageError } from '../../core/usage-error.js';
import { type ConsoleContext, field, sendPage } from '../console-context.js';
import { html } from '../html.js';
import { int, stateName } from './layout.js';

/** Events on a page. */
export const AUDIT_ROWS = 50;

export function auditRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/audit', async (req, reply) => {
    const beforeText = field(req.query, 'before');
    if (beforeText !== '' && !/^\d{1,18}$/.test(beforeText)) throw new UsageError('before must be an event number');
    const before = beforeText === '' ? undefined : Number(beforeText);
    const verify = field(req.query, 'verify') === '1';
    const { events, check } = await ctx.stores.use(async (store) => ({
      events: await eventsBefore(store, before, AUDIT_ROWS),
      check: verify ? await verifyChain(store) : undefined,
    }));
    const result = (c: ChainCheck) =>
      c.broken
        ? html`<p class="flash refused" data-testid="verify-result">The audit trail is broken at event ${c.broken.seq} (${c.broken.at}): ${c.broken.why}. ${int(c.events)} event(s) before it hold.</p>`
        : html`<p class="flash ok" data-testid="verify-result">The audit trail holds: ${int(c.events)} event(s) chained${c.cuts ? `, across ${c.cuts} stretch(es) removed by recon db prune` : ''}.</p>`;
    const last = events.at(-1);
    const body = html`<h1>Audit trail</h1>
<form method="get" action="/audit" class="inline"><input type="hidden" name="verify" value="1"><button type="submit" data-testid="verify">Verify the chain</button></form>
${check ? result(check) : ''}
<table class="audit" data-testid="audit"><thead><tr><th>#</th><th>at (UTC)</th><th>who</th><th>finding</th><th>action</th><th>state</th><th>reason</th><th>note</th><th>details</th></tr></thead><tbody>
${events.length === 0 ? html`<tr><td colspan="9">no events yet</td></tr>` : ''}
${events.map(
  (e) => html`<tr><td>${e.seq}</td><td>${e.at.replace('T', ' ').replace('Z', '')}</td><td>${e.actor}</td>
  <td>${e.finding_id ? html`<a href="/findings/${e.finding_id}">${e.finding_id}</a>` : ''}</td><td>${e.action}</td>
  <td>${e.from_state !== e.to_state && e.to_state ? `${stateName(e.from_state ?? '')} → ${stateName(e.to_state)}` : ''}</td>
  <td>${e.reason ?? ''}</td><td class="note">${e.note ?? ''}</td><td class="details">${e.details ? JSON.stringify(e.details) : ''}</td></tr>`,
)}</tbody></table>
<p class="pages">${before !== undefined ? html`<a href="/audit">latest</a>` : ''}
${last && last.seq > 1 && events.length === AUDIT_ROWS ? html` <a href="/audit?before=${last.seq}" rel="next">older →</a>` : ''}</p>`;
    return sendPage(req, reply, 'Audit trail', 'audit', body);
  });
}
