/**
 * GET /cases — the work queue (cases/queue.ts): the filters of `recon cases` as query parameters
 * (state, owner, kind, merchant, overdue, orphaned, min-amount in minor units; a filter given more
 * than once, or comma-separated, takes each value), sorted by due date (earliest first, or with
 * sort=due_desc the latest first), a page of PAGE_ROWS at a time read by keyset: the "next" link
 * carries the last row (after=DUE.ID), so a page deep in a million cases costs what the first does.
 *
 * POST /cases/bulk — the cases ticked on the page (id, each as ID:SEQ, SEQ the case's last event as
 * the page showed it), assigned (to) or closed (reason, note) in one transaction, all or none, each
 * with its event (cases/case-actions.ts); a case changed since the page was shown is refused (409).
 */
import type { FastifyInstance } from 'fastify';
import { actOnCases, changeOrDryRun } from '../../cases/case-actions.js';
import { caseSeqs, checkId } from '../../cases/case-detail.js';
import { PEOPLE_REASONS, roleAtLeast, STATES } from '../../cases/case-states.js';
import { type QueueCursor, type QueueFilter, type QueueOrder, queuePage } from '../../cases/queue.js';
import { listUsers } from '../../cases/users.js';
import { KIND_NAMES } from '../../core/codes.js';
import { UsageError } from '../../core/usage-error.js';
import { type ConsoleContext, field, fields, localPath, redirectWith, sendPage } from '../console-context.js';
import { type Html, html } from '../html.js';
import { csrfField, money, stateName } from './layout.js';

/** Cases on a page, unless the query asks for another number (limit, up to MAX_PAGE_ROWS). */
export const PAGE_ROWS = 50;
export const MAX_PAGE_ROWS = 200;
/** Cases one bulk action takes at most. */
export const BULK_MAX = 1000;

interface QueueQuery {
  readonly filter: QueueFilter;
  readonly order: QueueOrder;
  readonly after: QueueCursor | undefined;
  readonly limit: number;
  /** The filters, order and page size as query parameters (without the cursor), for links and the form. */
  readonly params: URLSearchParams;
}

function yes(v: string): boolean {
  return v === '1' || v === 'true' || v === 'on';
}

/** The queue's query parameters, read and checked (a UsageError names a bad one). */
export function readQueueQuery(query: unknown): QueueQuery {
  const states = fields(query, 'state');
  const kinds = fields(query, 'kind');
  const merchants = fields(query, 'merchant');
  const owner = field(query, 'owner').trim();
  const min = field(query, 'min-amount').trim();
  const minAmount = min === '' ? undefined : Number(min);
  if (minAmount !== undefined && !Number.isSafeInteger(minAmount))
    throw new UsageError('min-amount must be a whole number of minor units ≥ 0');
  const filter: QueueFilter = {
    ...(states.length ? { states } : {}),
    ...(owner ? { owner } : {}),
    ...(kinds.length ? { kinds } : {}),
    ...(merchants.length ? { merchants } : {}),
    ...(yes(field(query, 'overdue')) ? { overdue: true } : {}),
    ...(yes(field(query, 'orphaned')) ? { orphaned: true } : {}),
    ...(minAmount !== undefined ? { minAmount } : {}),
  };
  const sort = field(query, 'sort');
  if (sort !== '' && sort !== 'due' && sort !== 'due_desc') throw new UsageError('sort must be due or due_desc');
  const after = field(query, 'after');
  let cursor: QueueCursor | undefined;
  if (after !== '') {
    const m = /^(\d{4}-\d{2}-\d{2})\.(F[A-Z2-7]{12})$/.exec(after);
    if (!m) throw new UsageError('after must be a due date and a finding id (DUE.ID), as the next link gives it');
    cursor = { dueOn: m[1]!, id: m[2]! };
  }
  const limitText = field(query, 'limit');
  const limit = limitText === '' ? PAGE_ROWS : Number(limitText);
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_ROWS))
    throw new UsageError(`limit must be a number of cases from 1 to ${MAX_PAGE_ROWS}`);
  const params = new URLSearchParams();
  for (const s of states) params.append('state', s);
  if (owner) params.set('owner', owner);
  for (const k of kinds) params.append('kind', k);
  for (const m of merchants) params.append('merchant', m);
  if (filter.overdue) params.set('overdue', '1');
  if (filter.orphaned) params.set('orphaned', '1');
  if (minAmount !== undefined) params.set('min-amount', String(minAmount));
  if (sort === 'due_desc') params.set('sort', 'due_desc');
  if (limit !== PAGE_ROWS) params.set('limit', String(limit));
  return { filter, order: sort === 'due_desc' ? 'due_desc' : 'due', after: cursor, limit, params };
}

function filterForm(q: QueueQuery | null): Html {
  const f = q?.filter ?? {};
  const option = (v: string, on: boolean, label = v) =>
    html`<option value="${v}"${on ? html` selected` : ''}>${label}</option>`;
  return html`<form method="get" action="/cases" class="filters" data-testid="filters">
  <label>State <select name="state" multiple size="3">${STATES.map((s) => option(s, f.states?.includes(s) ?? false, stateName(s)))}</select></label>
  <label>Kind <select name="kind" multiple size="3">${KIND_NAMES.map((k) => option(k, f.kinds?.includes(k) ?? false))}</select></label>
  <label>Owner <input name="owner" value="${f.owner ?? ''}" size="10"></label>
  <label>Merchant <input name="merchant" value="${(f.merchants ?? []).join(',')}" size="16"></label>
  <label>At stake ≥ (fen) <input name="min-amount" value="${f.minAmount ?? ''}" size="9" inputmode="numeric"></label>
  <label><input type="checkbox" name="overdue" value="1"${f.overdue ? html` checked` : ''}> overdue</label>
  <label><input type="checkbox" name="orphaned" value="1"${f.orphaned ? html` checked` : ''}> orphaned</label>
  <label>Sort <select name="sort">${option('due', q?.order !== 'due_desc', 'earliest due first')}${option('due_desc', q?.order === 'due_desc', 'latest due first')}</select></label>
  ${q && q.limit !== PAGE_ROWS ? html`<input type="hidden" name="limit" value="${q.limit}">` : ''}
  <button type="submit">Filter</button> <a href="/cases">clear</a>
</form>`;
}

export function queueRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/cases', async (req, reply) => {
    let q: QueueQuery;
    try {
      q = readQueueQuery(req.query);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      return sendPage(
        req,
        reply,
        'Queue',
        'cases',
        html`<h1>Queue</h1>${filterForm(null)}<p class="flash refused" data-testid="refusal">${e.message}</p>`,
        400,
      );
    }
    const user = req.user!;
    const { rows, seqs, owners } = await ctx.stores.use(async (store) => {
      const today = await ctx.today(store);
      const rows = await queuePage(store, q.filter, today, q.after, q.limit + 1, q.order);
      const page = rows.slice(0, q.limit);
      return {
        rows,
        seqs: await caseSeqs(
          store,
          page.map((r) => r.id),
        ),
        owners: (await listUsers(store)).filter((u) => !u.disabled && u.role !== 'viewer').map((u) => u.name),
      };
    });
    const page = rows.slice(0, q.limit);
    const more = rows.length > q.limit;
    const last = page.at(-1);
    const base = q.params.toString();
    const next = more && last ? `/cases?${base ? `${base}&` : ''}after=${last.due_on}.${last.id}` : null;
    const here = `/cases${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`;
    const works = roleAtLeast(user.role, 'operator');
    const table = html`<table class="queue" data-testid="queue"><thead><tr>
  ${works ? html`<th><input type="checkbox" class="select-all" aria-label="select all"></th>` : ''}
  <th>id</th><th>state</th><th>owner</th><th>due</th><th>kind</th><th>merchant</th><th>terminal</th><th>rrn / order / stan</th><th>txn time</th><th class="num">at stake</th><th>reason</th>
</tr></thead><tbody>
${page.length === 0 ? html`<tr><td colspan="12">no case matches</td></tr>` : ''}
${page.map(
  (r) => html`<tr data-id="${r.id}">
  ${works ? html`<td><input type="checkbox" name="id" value="${r.id}:${seqs.get(r.id) ?? 0}" aria-label="select ${r.id}"></td>` : ''}
  <td><a href="/findings/${r.id}">${r.id}</a></td>
  <td class="state ${r.state}">${stateName(r.state)}${r.orphaned ? html` <span title="orphaned: a rerun no longer raises its finding">*</span>` : ''}</td>
  <td>${r.owner}</td><td class="${r.overdue ? 'overdue' : ''}">${r.due_on}${r.overdue ? ' !' : ''}</td>
  <td>${r.kind}</td><td>${r.merchant_id}</td><td>${r.terminal_id}</td>
  <td class="ref">${r.rrn || r.order_no || r.stan}</td><td>${r.txn_time}</td>
  <td class="num">${money(r.amount_at_stake)}</td><td>${r.reason}</td>
</tr>`,
)}</tbody></table>`;
    const bulk = html`<fieldset class="bulk"><legend>With the ticked cases (<span class="ticked">0</span>)</legend>
  ${csrfField(reply.generateCsrf())}<input type="hidden" name="back" value="${here}">
  <label>Action <select name="action" class="bulk-action"><option value="assign">assign to</option><option value="close">close as</option></select></label>
  <label class="for-assign">Owner <select name="to">${owners.map((o) => html`<option value="${o}"${o === user.name ? html` selected` : ''}>${o}</option>`)}</select></label>
  <label class="for-close">Reason <select name="reason">${PEOPLE_REASONS.map((r) => html`<option value="${r}">${r}</option>`)}</select></label>
  <label class="for-close">Note <input name="note" size="30" maxlength="2000"></label>
  <button type="submit" class="bulk-go">Apply</button>
</fieldset>`;
    const body = html`<h1>Queue</h1>${filterForm(q)}
${works ? html`<form method="post" action="/cases/bulk" class="bulk-form">${bulk}${table}</form>` : table}
<p class="pages">${q.after ? html`<a href="/cases${base ? `?${base}` : ''}">first page</a>` : ''}
${next ? html` <a href="${next}" rel="next" data-testid="next">next ${q.limit} →</a>` : html` <span>end of the queue</span>`}</p>`;
    return sendPage(req, reply, 'Queue', 'cases', body);
  });

  app.post('/cases/bulk', { config: { access: 'operator' } }, async (req, reply) => {
    const action = field(req.body, 'action');
    if (action !== 'assign' && action !== 'close') throw new UsageError('a bulk action is assign or close');
    const picked = fields(req.body, 'id');
    if (picked.length === 0) throw new UsageError('no case ticked: tick the cases to act on');
    if (picked.length > BULK_MAX) throw new UsageError(`at most ${BULK_MAX} cases at once`);
    const expectSeq = new Map<string, number>();
    for (const p of picked) {
      const m = /^([^:]+):(\d+)$/.exec(p);
      if (!m) throw new UsageError(`${JSON.stringify(p)} is not a case as the queue shows it`);
      expectSeq.set(checkId(m[1]!), Number(m[2]));
    }
    const to = field(req.body, 'to');
    const reason = field(req.body, 'reason');
    const note = field(req.body, 'note');
    const changes = await ctx.stores.use((store) =>
      changeOrDryRun(store, false, (tx) =>
        actOnCases(
          tx,
          [...expectSeq.keys()],
          {
            action,
            actor: req.user!.name,
            ...(action === 'assign' ? { to } : { reason }),
            ...(note !== '' ? { note } : {}),
          },
          { expectSeq },
        ),
      ),
    );
    const pending = changes.filter((c) => c.step.to === 'pending_approval').length;
    const text = `${action === 'assign' ? `assigned ${changes.length} case(s) to ${to}` : `closed ${changes.length - pending} case(s) as ${reason}`}${pending ? `; ${pending} wait for a supervisor's approval` : ''}`;
    return redirectWith(req, reply, localPath(field(req.body, 'back'), '/cases'), { ok: true, text });
  });
}
