/**
 * Logging in and out (DESIGN §11): a name and a password (scrypt, recon.user; `recon user passwd`).
 * - Wrong name, wrong password, a disabled user and a user with no password get the same answer,
 *   after the same work (users.ts checkLogin hashes even for an unknown name).
 * - Failed logins are limited with @fastify/rate-limit: LOGIN_FAILURES per LOGIN_WINDOW per client
 *   address and per user name; past either, 429 until the window passes, before any password is
 *   checked. Only failures count (the plugin's documented peek, then count on failure), so a team
 *   behind one address can all log in at 9:00. Logins are checked one at a time: the peek and the
 *   count cannot be raced by parallel requests, and scrypt's 32 MiB are taken once at a time.
 * - A login starts a new session (its id regenerated: no session fixation) and a new CSRF secret.
 */
import type { FastifyInstance } from 'fastify';
import { checkLogin } from '../../cases/users.js';
import { printable } from '../../core/printable.js';
import { type ConsoleContext, field, localPath, redirectWith, sendPage } from '../console-context.js';
import { html } from '../html.js';
import { csrfField } from './layout.js';

/** Failed logins allowed per client address and per user name in LOGIN_WINDOW. */
export const LOGIN_FAILURES = 10;
export const LOGIN_WINDOW = '5 minutes';

function loginForm(csrf: string, next: string, name: string, problem: string | null) {
  return html`<section class="login"><h1>recon — log in</h1>
  ${problem ? html`<p class="flash refused" role="alert" data-testid="login-problem">${problem}</p>` : ''}
  <form method="post" action="/login">${csrfField(csrf)}
    <input type="hidden" name="next" value="${next}">
    <label>Name <input name="name" autocomplete="username" value="${name}" required maxlength="64" autofocus></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
    <button type="submit">Log in</button>
  </form></section>`;
}

/** One at a time: each login waits for the one before it. */
function serially() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = last.then(fn, fn);
    last = run.catch(() => {});
    return run;
  };
}

export function loginRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  // A peek says "exceeded" once the count is past max: after LOGIN_FAILURES failures, max is one less.
  const byAddress = app.createRateLimit({ max: LOGIN_FAILURES - 1, timeWindow: LOGIN_WINDOW });
  const byName = app.createRateLimit({
    max: LOGIN_FAILURES - 1,
    timeWindow: LOGIN_WINDOW,
    keyGenerator: (req) => `name:${field(req.body, 'name').trim().toLowerCase().slice(0, 64)}`,
  });
  const oneAtATime = serially();

  app.get('/login', { config: { access: 'public' } }, async (req, reply) => {
    const next = localPath(field(req.query, 'next'), '/');
    if (req.session.user !== undefined) return reply.redirect(next, 303);
    return sendPage(req, reply, 'Log in', 'login', loginForm(reply.generateCsrf(), next, '', null));
  });

  app.post('/login', { config: { access: 'public' } }, async (req, reply) => {
    const name = field(req.body, 'name').trim();
    const password = field(req.body, 'password');
    const next = localPath(field(req.body, 'next'), '/');
    const refuse = (status: number, problem: string) =>
      sendPage(req, reply, 'Log in', 'login', loginForm(reply.generateCsrf(), next, name, problem), status);
    return oneAtATime(async () => {
      const [a, n] = await Promise.all([byAddress(req, { increment: false }), byName(req, { increment: false })]);
      const over = [a, n].find((l) => !l.isAllowed && l.isExceeded);
      if (over && !over.isAllowed) {
        const wait = Math.max(1, Math.ceil(over.ttlInSeconds / 60));
        ctx.log(`login refused (too many failures): ${printable(name.slice(0, 64))} from ${req.ip}`);
        reply.header('retry-after', String(over.ttlInSeconds));
        return refuse(
          429,
          `Too many failed logins from this address or for this name: try again in ${wait} minute${wait === 1 ? '' : 's'}.`,
        );
      }
      const user = name === '' ? undefined : await ctx.stores.use((store) => checkLogin(store, name, password));
      if (!user) {
        await Promise.all([byAddress(req), byName(req)]);
        ctx.log(`login failed: ${printable(name.slice(0, 64))} from ${req.ip}`);
        return refuse(401, 'Wrong name or password.');
      }
      await req.session.regenerate();
      req.session.user = user.name;
      req.session.loginAt = Date.now();
      ctx.log(`login: ${user.name} (${user.role}) from ${req.ip}`);
      return redirectWith(req, reply, next);
    });
  });

  app.post('/logout', { config: { access: 'public' } }, async (req, reply) => {
    const who = req.session.user;
    await req.session.destroy();
    reply.clearCookie(app.sessionCookieName, { path: '/' });
    if (who) ctx.log(`logout: ${who}`);
    return reply.redirect('/login', 303);
  });
}
