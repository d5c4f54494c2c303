/**
 * The operators' console (DESIGN §11): a Fastify server rendering HTML on the server, over the same
 * store as the runs, built as a security boundary with Fastify's own plugins (STYLE 16):
 * - @fastify/helmet: a Content-Security-Policy with no inline script or style (script-src 'self':
 *   the one script is /static/console.js), no framing, no referrer, nosniff, and helmet's other
 *   headers; HSTS only behind a TLS proxy (--trust-proxy);
 * - @fastify/cookie + @fastify/session: a session cookie, HttpOnly, SameSite=Strict, Secure when the
 *   request came over TLS through a trusted proxy; signed with a secret made at start (a restart logs
 *   everyone out); the sessions in this process's memory (session-store.ts: idle and absolute
 *   timeouts, bounded);
 * - @fastify/csrf-protection: every POST carries the session's token in the form field _csrf, or is
 *   refused 403 before its handler runs (nothing changes);
 * - @fastify/rate-limit: failed logins per address and per name (pages/login.ts);
 * - @fastify/formbody, @fastify/static (the stylesheet and the script, nothing else).
 * One preHandler checks every request: the CSRF token of a POST, then the session and the role the
 * route names (`config.access`); a route that does not say 'public' needs a user. The case table's
 * own checks (case-states.ts, through actOnCases) come after it. Pages escape every value by default
 * (html.ts).
 */
import { randomBytes } from 'node:crypto';
import { fastifyCookie } from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { fastifySession } from '@fastify/session';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CaseChanged } from '../cases/case-actions.js';
import { CaseRefusal, type Role, roleAtLeast } from '../cases/case-states.js';
import { storeZone, todayIn } from '../cases/queue.js';
import { findUser } from '../cases/users.js';
import { packagePath } from '../core/package-path.js';
import { UsageError } from '../core/usage-error.js';
import { StoreError } from '../store/store.js';
import { type ConsoleContext, sendPage } from './console-context.js';
import { html } from './html.js';
import { auditRoutes } from './pages/audit-page.js';
import { findingRoutes } from './pages/finding-page.js';
import { loginRoutes } from './pages/login.js';
import { overviewRoutes } from './pages/overview-page.js';
import { queueRoutes } from './pages/queue-page.js';
import { runsRoutes } from './pages/runs-page.js';
import { usersRoutes } from './pages/users-page.js';
import { SessionStore } from './session-store.js';
import type { StoreLease } from './store-lease.js';

export interface ConsoleOptions {
  /** Minutes without a request after which a session ends. Default 30. */
  readonly idleMinutes?: number;
  /** Hours after a login after which its session ends, however busy. Default 12. */
  readonly absoluteHours?: number;
  /**
   * The reverse proxy in front (IP addresses or CIDRs, comma-separated), whose X-Forwarded-For (the
   * client's address, for the login limits) and X-Forwarded-Proto (https: Secure cookies, HSTS) are
   * believed. Default none: those headers are ignored, as anyone can send them.
   */
  readonly trustProxy?: string | undefined;
  /** The date overdue counts from (YYYY-MM-DD). Default: today in the zone of the latest run. */
  readonly today?: string | undefined;
  /** Where a line per login, logout and server failure goes. Default: nowhere. */
  readonly log?: (line: string) => void;
}

export const CONSOLE_DEFAULTS = Object.freeze({ idleMinutes: 30, absoluteHours: 12 });

/** Bytes of a request body at most (a bulk action of a thousand ids is ~20 KB). */
const BODY_LIMIT = 256 << 10;
export const SESSION_COOKIE = 'recon_session';

function checkOptions(o: ConsoleOptions): Required<Omit<ConsoleOptions, 'trustProxy' | 'today'>> & ConsoleOptions {
  const filled = { ...CONSOLE_DEFAULTS, log: () => {}, ...o };
  if (!(Number.isFinite(filled.idleMinutes) && filled.idleMinutes > 0))
    throw new TypeError('idleMinutes must be a positive number of minutes');
  if (!(Number.isFinite(filled.absoluteHours) && filled.absoluteHours > 0))
    throw new TypeError('absoluteHours must be a positive number of hours');
  if (filled.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(filled.today))
    throw new TypeError('today must be a date YYYY-MM-DD');
  return filled;
}

/** An HTTP refusal of the console's own (no session, a role too low), with its status. */
export class Refused extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'Refused';
  }
}

const TITLES: Record<number, string> = {
  400: 'Not done',
  401: 'Log in first',
  403: 'Refused',
  404: 'Not found',
  409: 'Changed meanwhile',
  413: 'Too large',
  415: 'Not a form',
  422: 'Not done',
  429: 'Too many requests',
  503: 'The store is not available',
};

function statusOf(e: unknown): number {
  if (e instanceof CaseRefusal) return e.field === 'action' ? 403 : 422;
  if (e instanceof CaseChanged) return 409;
  if (e instanceof UsageError) return 400;
  if (e instanceof StoreError) return 503;
  const code = (e as FastifyError).statusCode;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
}

function messageOf(e: unknown, status: number, method: string): string {
  const code = (e as FastifyError).code;
  if (code === 'FST_CSRF_MISSING_SECRET' || code === 'FST_CSRF_INVALID_TOKEN')
    return "The form's security token (CSRF) is missing or not this session's: nothing was changed. Reload the page and try again.";
  if (status >= 500)
    return `${status === 503 ? 'The store did not answer' : 'Something went wrong in the console (its log says what)'}${method === 'POST' ? ': nothing was changed' : ''}.`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Builds the console over `stores` (open and migrated); `listen` or `inject` it. Closing it closes
 * the stores.
 */
export async function buildConsole(stores: StoreLease, options: ConsoleOptions = {}): Promise<FastifyInstance> {
  const o = checkOptions(options);
  const ctx: ConsoleContext = {
    stores,
    today: async (store) => o.today ?? todayIn(await storeZone(store)),
    log: o.log,
  };
  const behindTls = o.trustProxy !== undefined && o.trustProxy !== '';
  const app = Fastify({
    logger: false,
    trustProxy: behindTls ? o.trustProxy! : false,
    bodyLimit: BODY_LIMIT,
    // A path parameter (a finding id, a user name) is short.
    routerOptions: { maxParamLength: 200 },
  });
  const sessions = new SessionStore(o.idleMinutes * 60_000, o.absoluteHours * 3_600_000);
  app.addHook('onClose', async () => {
    sessions.close();
    await stores.close();
  });
  app.decorateRequest('user', null);
  app.decorate('sessionCookieName', SESSION_COOKIE);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: behindTls ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
  await app.register(fastifyFormbody, { bodyLimit: BODY_LIMIT });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: randomBytes(32).toString('base64url'),
    cookieName: SESSION_COOKIE,
    cookie: { httpOnly: true, sameSite: 'strict', secure: false, path: '/', maxAge: o.idleMinutes * 60_000 },
    rolling: true,
    saveUninitialized: false,
    store: sessions as never,
  });
  if (behindTls)
    // Behind a trusted TLS proxy the request's protocol is the proxy's (X-Forwarded-Proto): the cookie is Secure.
    app.addHook('onRequest', async (req) => {
      if (req.protocol === 'https' && typeof req.session?.options === 'function') req.session.options({ secure: true });
    });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/session',
    // The token comes in the form, never in a header or a query string.
    getToken: (req) => {
      const v = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof v === 'string' ? v : undefined;
    },
  });
  await app.register(fastifyRateLimit, { global: false });

  // Pages hold what people work on: never kept by a browser's or a proxy's cache.
  app.addHook('onSend', async (_req, reply) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
      reply.header('cache-control', 'no-store');
  });

  // The one check of every request: a POST's CSRF token, then the session and the route's role.
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'POST') app.csrfProtection(req, reply, done as () => void);
    else done();
  });
  app.addHook('preHandler', async (req, reply) => {
    const access = req.routeOptions.config?.access;
    if (access === 'public') return;
    const needs: Role = access ?? 'viewer';
    const name = req.session?.user;
    const user = name === undefined ? undefined : await stores.use((s) => findUser(s, name));
    if (!user || user.disabled || !user.hasPassword) {
      // A session of a user disabled since, or removed: it ends now.
      if (name !== undefined) await req.session.regenerate();
      if (req.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      throw new Refused(401, 'Your session has ended (or never began): log in, then try again. Nothing was changed.');
    }
    req.user = user;
    if (!roleAtLeast(user.role, needs))
      throw new Refused(403, `This needs the role ${needs}; ${user.name} is a ${user.role}. Nothing was changed.`);
  });

  app.setErrorHandler(async (err, req, reply) => {
    const status = statusOf(err);
    if (status >= 500)
      ctx.log(
        `error: ${req.method} ${req.url.split('?')[0]}: ${err instanceof Error ? (err.stack ?? err.message) : err}`,
      );
    const message = messageOf(err, status, req.method);
    if (status === 429 && !reply.getHeader('retry-after')) reply.header('retry-after', '300');
    return errorPage(req, reply, status, message);
  });
  app.setNotFoundHandler(async (req, reply) => errorPage(req, reply, 404, 'There is no such page.'));

  // Static files: the stylesheet and the script; public (the login page needs them).
  await app.register(async (pub) => {
    pub.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), access: 'public' } as typeof route.config;
    });
    await pub.register(fastifyStatic, {
      root: packagePath('src/serve/static'),
      prefix: '/static/',
      index: false,
      list: false,
      dotfiles: 'deny',
      decorateReply: false,
    });
  });
  loginRoutes(app, ctx);
  overviewRoutes(app, ctx);
  queueRoutes(app, ctx);
  findingRoutes(app, ctx);
  auditRoutes(app, ctx);
  runsRoutes(app, ctx);
  usersRoutes(app, ctx);
  return app;
}

function errorPage(req: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply {
  const title = TITLES[status] ?? (status >= 500 ? 'Error' : 'Not done');
  const body = html`<section class="problem"><h1>${title}</h1><p data-testid="refusal">${message}</p>
    <p>${req.user ? html`<a href="/">Overview</a> · <a href="/cases">Queue</a>` : html`<a href="/login">Log in</a>`}</p></section>`;
  try {
    return sendPage(req, reply, title, 'error', body, status);
  } catch {
    return reply.code(status).type('text/plain; charset=utf-8').send(`${title}: ${message}\n`);
  }
}
