/**
 * What every page of the console works with: the store (a lease of it per request, store-lease.ts),
 * today's date as the queue counts overdue, the log, and how a page answers (a page in the frame,
 * a redirect with a message for the next page, a refusal).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../cases/users.js';
import type { Store } from '../store/store.js';
import type { Html } from './html.js';
import { type Flash, layout, type Section } from './pages/layout.js';
import type { StoreLease } from './store-lease.js';

declare module 'fastify' {
  interface Session {
    /** The user logged in, by name (looked up again on every request). */
    user?: string;
    /** When they logged in (ms since the epoch): the absolute timeout counts from it. */
    loginAt?: number;
    /** The message the next page shows once. */
    flash?: Flash;
    /** The CSRF secret (@fastify/csrf-protection keeps it here). */
    _csrf?: string;
  }
  interface FastifyRequest {
    /** The user of the request, set by the access check (null on public routes). */
    user: User | null;
  }
  interface FastifyInstance {
    /** The session cookie's name (logout clears it). */
    sessionCookieName: string;
  }
  interface FastifyContextConfig {
    /**
     * Who may use a route: 'public' (the login page, static files) or the least role a user must have.
     * A route of the signed-in part without it needs a viewer.
     */
    access?: 'public' | User['role'];
  }
}

export interface ConsoleContext {
  readonly stores: StoreLease;
  /** The date overdue counts from: the configured one (RECON_TODAY), else today in the zone of the latest run. */
  today(store: Store): Promise<string>;
  /** A line for the operator's log (logins, refusals, failures). */
  log(line: string): void;
}

/** Answers with a page of the console: the frame around `body`, with the message left by the action before. */
export function sendPage(
  req: FastifyRequest,
  reply: FastifyReply,
  title: string,
  section: Section,
  body: Html,
  status = 200,
): FastifyReply {
  const flash = req.session?.flash;
  if (flash) req.session.flash = undefined;
  const user = req.user ? { name: req.user.name, role: req.user.role } : undefined;
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(layout({ title, section, user, csrf: reply.generateCsrf(), flash }, body));
}

/** Redirects (303: the next request is a GET) to `to`, which shows `flash` once. */
export function redirectWith(req: FastifyRequest, reply: FastifyReply, to: string, flash?: Flash): FastifyReply {
  if (flash) req.session.flash = flash;
  return reply.redirect(to, 303);
}

/** A path of this site to go back to after an action or a login: a local path, never another site. */
export function localPath(v: unknown, fallback: string): string {
  return typeof v === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(v) && v.length < 2048 ? v : fallback;
}

/** A form or query field as one string ('' when absent; the first when given more than once). */
export function field(o: unknown, name: string): string {
  const v = (o as Record<string, unknown> | undefined)?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' ? one : '';
}

/** A form or query field given any number of times (a=1&a=2), or as one comma-separated value. */
export function fields(o: unknown, name: string): string[] {
  const v = (o as Record<string, unknown> | undefined)?.[name];
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all
    .filter((x): x is string => typeof x === 'string')
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter((x) => x !== '');
}
