/**
 * GET /findings/:id — one finding and its case: the rule that raised it (kind-rules.ts), both sides'
 * source lines side by side (source-lines.ts: from the kept input files, else what the store holds),
 * the amounts, dates and keys as the store holds them, the case (state, owner, due date) and its
 * history, and the actions the user's role allows on it now (case-states.ts TRANSITIONS).
 *
 * POST /findings/:id/{assign,note,close,approve,reject,reopen} — one action, with the form fields
 * to, reason, note, seq (the case's last event as the page showed it: a case changed since is
 * refused, 409) and _csrf. The route needs the action's role (a viewer closing: 403 before anything
 * is read); the case table checks the rest (four eyes: a maker approving their own closing, 403).
 */
import type { FastifyInstance } from 'fastify';
import { actOnCases, changeOrDryRun } from '../../cases/case-actions.js';
import { caseDetail, checkId, findingSources } from '../../cases/case-detail.js';
import {
  ACTIONS,
  type Action,
  NOTE_REASONS,
  PEOPLE_REASONS,
  roleAtLeast,
  TRANSITIONS,
} from '../../cases/case-states.js';
import type { QueueRow } from '../../cases/queue.js';
import { listUsers } from '../../cases/users.js';
import { isPayoutKind } from '../../core/codes.js';
import { UsageError } from '../../core/usage-error.js';
import { type ConsoleContext, field, redirectWith, sendPage } from '../console-context.js';
import { type Html, html } from '../html.js';
import { KIND_RULES } from '../kind-rules.js';
import { readSourceLine, type SourceLine } from '../source-lines.js';
import { csrfField, money, stateName } from './layout.js';

/** What each action's form asks for, and its button. */
const FORMS: Record<Action, { button: string; to?: true; reason?: true; note: 'optional' | 'required' | 'none' }> = {
  assign: { button: 'Assign', to: true, note: 'optional' },
  note: { button: 'Add the note', note: 'required' },
  close: { button: 'Close', reason: true, note: 'optional' },
  approve: { button: 'Approve the closing', note: 'optional' },
  reject: { button: 'Reject the closing', note: 'required' },
  reopen: { button: 'Reopen', note: 'optional' },
};

/** Text with `code` spans (the README's backticks) as <code>. */
function withCode(s: string): Html {
  return html`${s.split('`').map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))}`;
}

/** The values of one side the store holds (shown when its file's line is not). */
function storedSide(r: QueueRow, side: Side): Html {
  if (side === 'payout')
    return html`<dl class="stored">${(
      [
        ['merchant', r.merchant_id],
        ['payout id', r.payout_id],
        ['settle date', r.settle_date],
        ['amount', money(r.payout_amount_minor)],
        ['reason code', r.reason_code],
        ['account', r.account_masked],
      ] as [string, string][]
    )
      .filter(([, v]) => v !== '')
      .map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
  const rows: [string, string][] =
    side === 'journal'
      ? [
          ['amount', money(r.journal_amount_minor)],
          ['txn time', r.txn_time],
        ]
      : [
          ['gross', money(r.clearing_amount_minor)],
          ['fee', money(r.fee_minor)],
          ['settle date', r.settle_date],
        ];
  const keys: [string, string][] = [
    ['merchant', r.merchant_id],
    ['terminal', r.terminal_id],
    ['rrn', r.rrn],
    ['stan', r.stan],
    ['order no', r.order_no],
  ];
  return html`<dl class="stored">${[...keys, ...rows]
    .filter(([, v]) => v !== '')
    .map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** A finding's sides: a payout finding's are the clearing rows that made its expected payout and the payout. */
type Side = 'journal' | 'clearing' | 'payout';

const NO_ROW: Record<Side, string> = {
  journal: 'no terminal transaction matched it',
  clearing: 'no credit matched it',
  payout: 'no payout: none was read for this merchant and settle date',
};

function sourceBox(r: QueueRow, side: Side, where: string, line: SourceLine | undefined, subjectSide: boolean): Html {
  const title = html`<h3>${side}${subjectSide ? html` <span class="tag">the finding's keys</span>` : ''}</h3>`;
  if (where === '')
    return html`<div class="source none" data-testid="source-${side}">${title}<p>no ${side} row: ${isPayoutKind(r.kind) && side === 'clearing' ? 'no credit was expected to be paid' : NO_ROW[side]}</p></div>`;
  const place = html`<p class="where">${where}</p>`;
  if (line === undefined || !line.ok)
    return html`<div class="source stored" data-testid="source-${side}">${title}${place}
      <p class="why">The file's line is not shown: ${line ? line.why : 'the store has no record of the file'}. What the store holds:</p>${storedSide(r, side)}</div>`;
  return html`<div class="source" data-testid="source-${side}">${title}${place}
    <pre class="line" data-testid="line-${side}">${line.text}</pre>
    ${line.fields ? html`<table class="fields"><tbody>${line.fields.map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</tbody></table>` : ''}</div>`;
}

export function findingRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/findings/:id', async (req, reply) => {
    const id = checkId(String((req.params as { id: string }).id));
    const loaded = await ctx.stores.use(async (store) => {
      const today = await ctx.today(store);
      const d = await caseDetail(store, id, today).catch((e: unknown) => {
        if (e instanceof UsageError) return null;
        throw e;
      });
      if (!d) return null;
      return {
        d,
        sources: await findingSources(store, id),
        owners: (await listUsers(store)).filter((u) => !u.disabled && u.role !== 'viewer').map((u) => u.name),
      };
    });
    if (!loaded) {
      return sendPage(
        req,
        reply,
        'Not found',
        'error',
        html`<h1>Not found</h1><p data-testid="refusal">No case ${id} in the store.</p>`,
        404,
      );
    }
    const { d, sources, owners } = loaded;
    const seq = d.lastSeq;
    const r = d.row;
    // The files are read outside the store's lease: a slow disk holds up no other request's queries.
    const lines = new Map(sources.map((s) => [s.side, readSourceLine(s, r.merchant_id)]));
    const user = req.user!;
    const rule = KIND_RULES[r.kind];
    const payoutKind = isPayoutKind(r.kind);
    const subjectSide =
      r.kind === 'RISK_HOLD' ||
      r.kind === 'UNMATCHED_CLEARING' ||
      r.kind === 'AMBIGUOUS_MATCH' ||
      r.kind === 'PAYOUT_MISSING'
        ? 'clearing'
        : payoutKind
          ? 'payout'
          : 'journal';
    const details: [string, string][] = [
      ['raised by the run of', r.business_date],
      ['finding status', r.status],
      ['merchant', r.merchant_id],
      ['terminal', r.terminal_id],
      ['rrn', r.rrn],
      ['stan', r.stan],
      ['order no', r.order_no],
      ['txn time', r.txn_time],
      ['journal amount', money(r.journal_amount_minor)],
      [payoutKind ? 'expected payout' : 'clearing amount', money(r.clearing_amount_minor)],
      ['fee', money(r.fee_minor)],
      ['expected fee', money(r.expected_fee_minor)],
      ['expected settle date', r.expected_settle_date],
      ['settle date', r.settle_date],
      ['days late', r.days_late === '0' ? '' : r.days_late],
      [payoutKind ? 'extra payouts' : 'extra credits', r.duplicate_count === '0' ? '' : r.duplicate_count],
      ['payout id', r.payout_id],
      ['paid', money(r.payout_amount_minor)],
      ['reason code', r.reason_code],
      ['account', r.account_masked],
      ['amount at stake', money(r.amount_at_stake)],
    ];
    const csrf = reply.generateCsrf();
    const allowed = ACTIONS.filter((a) => {
      const t = TRANSITIONS[a];
      if (!roleAtLeast(user.role, t.role) || !t.from.includes(r.state as never)) return false;
      // Four eyes: the maker of a closing does not approve or reject it (the table refuses it too).
      if ((a === 'approve' || a === 'reject') && d.maker === user.name) return false;
      return true;
    });
    const form = (a: Action) => {
      const f = FORMS[a];
      return html`<form method="post" action="/findings/${r.id}/${a}" class="action" data-testid="action-${a}">
  ${csrfField(csrf)}<input type="hidden" name="seq" value="${seq}">
  ${f.to ? html`<label>Owner <select name="to">${owners.map((o) => html`<option value="${o}"${o === user.name ? html` selected` : ''}>${o}</option>`)}</select></label>` : ''}
  ${f.reason ? html`<label>Reason <select name="reason"><option value="">(choose)</option>${PEOPLE_REASONS.map((x) => html`<option value="${x}">${x}</option>`)}</select></label>` : ''}
  ${f.note !== 'none' ? html`<label>Note${f.note === 'required' ? ' (needed)' : ''} <textarea name="note" rows="2" cols="40" maxlength="2000"${f.note === 'required' ? html` required` : ''}></textarea></label>` : ''}
  <button type="submit">${f.button}</button></form>`;
    };
    const waiting =
      r.state === 'pending_approval'
        ? html`<p class="waiting" data-testid="waiting">A closing as ${d.pendingReason ?? ''} by ${d.maker ?? ''} waits for a supervisor's approval${d.maker === user.name ? ': you made it, so another supervisor approves or rejects it (four eyes)' : ''}.</p>`
        : '';
    const body = html`<h1><span data-testid="finding-id">${r.id}</span> · ${r.kind}</h1>
<p class="case"><span class="state ${r.state}" data-testid="state">${stateName(r.state)}</span>
  ${r.owner ? html` · owner <b data-testid="owner">${r.owner}</b>` : ' · nobody owns it'}
  · due <span class="${r.overdue ? 'overdue' : ''}">${r.due_on}${r.overdue ? ' (overdue)' : ''}</span>
  ${r.reason ? html` · closed as <b data-testid="reason">${r.reason}</b>` : ''}
  ${r.orphaned ? html` · <b>orphaned</b>: a rerun no longer raises this finding` : ''}</p>
${waiting}
${
  rule
    ? html`<section class="rule"><h2>Why it was raised</h2><p>${rule.rule}</p>
  <p><b>For the merchant:</b> ${withCode(rule.meaning)}. <b>What to do:</b> ${withCode(rule.todo)}.</p></section>`
    : ''
}
${
  payoutKind
    ? html`<section><h2>The clearing and the payout</h2><div class="sides">
  ${sourceBox(r, 'clearing', r.clearing_source, lines.get('clearing'), subjectSide === 'clearing')}
  ${sourceBox(r, 'payout', r.payout_source, lines.get('payout'), subjectSide === 'payout')}
</div></section>`
    : html`<section><h2>The two sides</h2><div class="sides">
  ${sourceBox(r, 'journal', r.journal_source, lines.get('journal'), subjectSide === 'journal')}
  ${sourceBox(r, 'clearing', r.clearing_source, lines.get('clearing'), subjectSide === 'clearing')}
</div></section>`
}
<div class="grid">
<section><h2>As the store holds it</h2><table class="details"><tbody>
${details.filter(([, v]) => v !== '').map(([k, v]) => html`<tr><th>${k}</th><td data-testid="detail-${k.replaceAll(' ', '-')}">${v}</td></tr>`)}
</tbody></table></section>
<section><h2>Act on it</h2>${allowed.length === 0 ? html`<p>Nothing you can do to it now${user.role === 'viewer' ? ' (a viewer reads)' : ''}.</p>` : allowed.map(form)}
${NOTE_REASONS.length ? html`<p class="hint">${NOTE_REASONS.join(' and ')} need a note; WRITTEN_OFF, and closings of amounts at or above the approval threshold, wait for a supervisor's approval.</p>` : ''}</section>
</div>
<section><h2>History</h2><table class="history" data-testid="history"><thead><tr><th>#</th><th>at (UTC)</th><th>who</th><th>action</th><th>state</th><th>reason</th><th>note</th></tr></thead><tbody>
${d.events.length === 0 ? html`<tr><td colspan="7">none: raised by its run; nobody has acted on it</td></tr>` : ''}
${d.events.map(
  (e) =>
    html`<tr><td>${e.seq}</td><td>${e.at.replace('T', ' ').replace('Z', '')}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.from_state && e.to_state && e.from_state !== e.to_state ? `${stateName(e.from_state)} → ${stateName(e.to_state)}` : stateName(e.to_state ?? '')}</td><td>${e.reason ?? ''}</td><td class="note">${e.note ?? ''}</td></tr>`,
)}</tbody></table></section>`;
    return sendPage(req, reply, `${r.id} ${r.kind}`, 'cases', body);
  });

  for (const action of ACTIONS) {
    app.post(`/findings/:id/${action}`, { config: { access: TRANSITIONS[action].role } }, async (req, reply) => {
      const id = checkId(String((req.params as { id: string }).id));
      const seqText = field(req.body, 'seq');
      const to = field(req.body, 'to');
      const reason = field(req.body, 'reason');
      const note = field(req.body, 'note');
      const [change] = await ctx.stores.use((store) =>
        changeOrDryRun(store, false, (tx) =>
          actOnCases(
            tx,
            [id],
            {
              action,
              actor: req.user!.name,
              ...(to !== '' ? { to } : {}),
              ...(reason !== '' ? { reason } : {}),
              ...(note !== '' ? { note } : {}),
            },
            /^\d+$/.test(seqText) ? { expectSeq: new Map([[id, Number(seqText)]]) } : {},
          ),
        ),
      );
      const s = change!.step;
      const text = `${action}: ${stateName(s.from)} → ${stateName(s.to)}${s.owner ? ` (owner ${s.owner})` : ''}${s.to === 'pending_approval' ? `; ${s.pendingReason} waits for a supervisor's approval` : ''}`;
      return redirectWith(req, reply, `/findings/${id}`, { ok: true, text });
    });
  }
}
