/**
 * The console's sessions, in this process's memory (a store for @fastify/session: get, set, destroy).
 * One process serves the console, so memory is enough; a restart logs everyone out, which is fine
 * for a team's console (they log in again). @fastify/session's own MemoryStore never forgets a session
 * (its README: "will leak memory"); this one does:
 * - idle: a session not used for `idleMs` is gone (every request saves its session, rolling, so use
 *   is the last request's time);
 * - absolute: a logged-in session ends `absoluteMs` after its login, used or not (OWASP Session
 *   Management: an idle timeout and an absolute one);
 * - bounded: at most MAX_USERS logged-in and MAX_ANONYMOUS anonymous sessions (a visit to the login
 *   page makes one, to hold its CSRF secret), the least recently used forgotten first, so a flood of
 *   visits to /login can neither fill memory nor push out the sessions of people logged in.
 */

/** What a session holds beyond the plugin's own cookie record (declared for fastify in console-server.ts). */
export interface SessionData {
  /** The user logged in, by name (looked up again on every request: a disabled user is out at once). */
  user?: string;
  /** When they logged in (ms since the epoch), for the absolute timeout. */
  loginAt?: number;
  [key: string]: unknown;
}

interface Entry {
  session: SessionData;
  usedAt: number;
}

type Callback<T = void> = (err: Error | null, value?: T) => void;

/** Sessions kept at most: logged in, and anonymous (the login page's). */
export const MAX_USERS = 10_000;
export const MAX_ANONYMOUS = 5_000;

export class SessionStore {
  private readonly users = new Map<string, Entry>();
  private readonly anonymous = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly idleMs: number,
    readonly absoluteMs: number,
    private readonly now: () => number = Date.now,
  ) {
    // Expired sessions that nobody comes back with are dropped once a minute.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Live sessions: logged in, and anonymous. */
  get size(): { users: number; anonymous: number } {
    return { users: this.users.size, anonymous: this.anonymous.size };
  }

  private expired(e: Entry, at: number): boolean {
    return at - e.usedAt > this.idleMs || (e.session.loginAt !== undefined && at - e.session.loginAt > this.absoluteMs);
  }

  get(id: string, cb: Callback<SessionData | undefined>): void {
    const e = this.users.get(id) ?? this.anonymous.get(id);
    if (e && this.expired(e, this.now())) {
      this.users.delete(id);
      this.anonymous.delete(id);
      cb(null, undefined);
      return;
    }
    cb(null, e?.session);
  }

  set(id: string, session: SessionData, cb: Callback): void {
    // Maps keep insertion order: re-inserting puts the session last, so the first is the least recently used.
    this.users.delete(id);
    this.anonymous.delete(id);
    const into = session.user !== undefined ? this.users : this.anonymous;
    into.set(id, { session, usedAt: this.now() });
    const max = into === this.users ? MAX_USERS : MAX_ANONYMOUS;
    while (into.size > max) into.delete(into.keys().next().value!);
    cb(null);
  }

  destroy(id: string, cb: Callback): void {
    this.users.delete(id);
    this.anonymous.delete(id);
    cb(null);
  }

  /** Forgets every expired session. */
  sweep(): void {
    const at = this.now();
    for (const map of [this.users, this.anonymous]) for (const [id, e] of map) if (this.expired(e, at)) map.delete(id);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
