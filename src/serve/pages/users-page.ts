/**
 * /users — the people (supervisors only, as `recon user`): the list with roles, who has a console
 * password and who is disabled; add a user (POST /users: name, role), disable one (POST
 * /users/:name/disable), set a password (POST /users/:name/password: password, 12 characters at
 * least). Each change is an event in the audit trail, by the supervisor logged in (cases/users.ts).
 * A password is never shown, logged or put in an event.
 */
import type { FastifyInstance } from 'fastify';
import { changeOrDryRun } from '../../cases/case-actions.js';
import { ROLES } from '../../cases/case-states.js';
import { addUser, disableUser, listUsers, MIN_PASSWORD, setPassword } from '../../cases/users.js';
import { UsageError } from '../../core/usage-error.js';
import { type ConsoleContext, field, redirectWith, sendPage } from '../console-context.js';
import { html } from '../html.js';
import { csrfField } from './layout.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

function userOf(params: unknown): string {
  const name = String((params as { name: string }).name);
  if (!NAME.test(name)) throw new UsageError(`no user ${JSON.stringify(name)}`);
  return name;
}

export function usersRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const supervisor = { config: { access: 'supervisor' as const } };

  app.get('/users', supervisor, async (req, reply) => {
    const users = await ctx.stores.use((store) => listUsers(store));
    const csrf = reply.generateCsrf();
    const body = html`<h1>Users</h1>
<table class="users" data-testid="users"><thead><tr><th>name</th><th>role</th><th>console password</th><th>state</th><th>set a password</th><th></th></tr></thead><tbody>
${users.map(
  (
    u,
  ) => html`<tr data-user="${u.name}"><td>${u.name}</td><td>${u.role}</td><td>${u.hasPassword ? 'yes' : 'none'}</td><td>${u.disabled ? 'disabled' : 'enabled'}</td>
  <td>${
    u.disabled
      ? ''
      : html`<form method="post" action="/users/${encodeURIComponent(u.name)}/password" class="inline">${csrfField(csrf)}
    <input type="password" name="password" minlength="${MIN_PASSWORD}" maxlength="1024" autocomplete="new-password" required aria-label="new password for ${u.name}"><button type="submit">Set</button></form>`
  }</td>
  <td>${
    u.disabled || u.name === req.user!.name
      ? ''
      : html`<form method="post" action="/users/${encodeURIComponent(u.name)}/disable" class="inline">${csrfField(csrf)}<button type="submit">Disable</button></form>`
  }</td></tr>`,
)}</tbody></table>
<section><h2>Add a user</h2><form method="post" action="/users" class="inline">${csrfField(csrf)}
  <label>Name <input name="name" required maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._@\\-]{0,63}"></label>
  <label>Role <select name="role">${ROLES.map((r) => html`<option value="${r}"${r === 'operator' ? html` selected` : ''}>${r}</option>`)}</select></label>
  <button type="submit">Add</button></form>
<p class="hint">A viewer reads; an operator works cases; a supervisor also approves closings and manages users. A new user logs in once a password is set (here, or <code>recon user passwd</code>).</p></section>`;
    return sendPage(req, reply, 'Users', 'users', body);
  });

  app.post('/users', supervisor, async (req, reply) => {
    const name = field(req.body, 'name').trim();
    const role = field(req.body, 'role');
    await ctx.stores.use((store) => changeOrDryRun(store, false, (tx) => addUser(tx, name, role, req.user!.name)));
    return redirectWith(req, reply, '/users', {
      ok: true,
      text: `added ${name} (${role}): set a password to let them log in`,
    });
  });

  app.post('/users/:name/disable', supervisor, async (req, reply) => {
    const name = userOf(req.params);
    if (name === req.user!.name) throw new UsageError('you cannot disable yourself: another supervisor can');
    await ctx.stores.use((store) => changeOrDryRun(store, false, (tx) => disableUser(tx, name, req.user!.name)));
    ctx.log(`user disabled: ${name} by ${req.user!.name}`);
    return redirectWith(req, reply, '/users', {
      ok: true,
      text: `disabled ${name}: their sessions end at their next request`,
    });
  });

  app.post('/users/:name/password', supervisor, async (req, reply) => {
    const name = userOf(req.params);
    const password = field(req.body, 'password');
    await ctx.stores.use((store) =>
      changeOrDryRun(store, false, (tx) => setPassword(tx, name, password, req.user!.name)),
    );
    return redirectWith(req, reply, '/users', { ok: true, text: `set the password of ${name}` });
  });
}
