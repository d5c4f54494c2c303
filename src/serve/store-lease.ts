/**
 * The console's connections to the store. A Store is one connection: its transaction() runs on that
 * connection, so two requests must never share one at the same time (a second request's queries
 * would land inside the first one's transaction). Each request's work therefore leases a store of
 * its own for as long as it uses it:
 * - embedded (PGlite): the one store this process has open (it holds the store's lock); requests
 *   take turns on it;
 * - server: up to SERVER_CONNECTIONS connections, opened as they are needed; a request waits for a
 *   free one. Nightly runs connect on their own beside them. A connection that was lost (the server
 *   restarted) is closed and replaced by a new one at the next request.
 */
import { openStore, type StoreTarget } from '../store/open-store.js';
import { type Store, StoreError } from '../store/store.js';

/** Connections to a server store the console opens at most. */
export const SERVER_CONNECTIONS = 4;

export class StoreLease {
  private readonly idle: Store[] = [];
  private readonly all: Store[] = [];
  private readonly waiting: { resolve: (s: Store) => void; reject: (e: unknown) => void }[] = [];
  private opening = 0;
  private closed = false;
  readonly kind: Store['kind'];
  readonly location: string;

  /** `first`: the store already open (and migrated); more are opened from `target` for a server. */
  constructor(
    first: Store,
    private readonly target: StoreTarget,
  ) {
    this.all.push(first);
    this.idle.push(first);
    this.kind = first.kind;
    this.location = first.location;
  }

  private get max(): number {
    return this.target.kind === 'server' ? SERVER_CONNECTIONS : 1;
  }

  private async acquire(): Promise<Store> {
    const free = this.idle.pop();
    if (free) return free;
    if (this.all.length + this.opening < this.max) {
      this.opening++;
      try {
        const s = await openStore(this.target, true);
        this.all.push(s);
        return s;
      } finally {
        this.opening--;
      }
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(s: Store, lost: boolean): void {
    if (lost) {
      this.all.splice(this.all.indexOf(s), 1);
      void s.close();
      // A request waiting for a connection gets a new one.
      const next = this.waiting.shift();
      if (next) this.acquire().then(next.resolve, next.reject);
      return;
    }
    const next = this.waiting.shift();
    if (next) next.resolve(s);
    else this.idle.push(s);
  }

  /** `fn` with a store no other request uses meanwhile. */
  async use<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the console is shutting down');
    const s = await this.acquire();
    let lost = false;
    try {
      return await fn(s);
    } catch (e) {
      lost = this.kind === 'server' && e instanceof StoreError && /lost the connection/.test(e.message);
      throw e;
    } finally {
      this.release(s, lost);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((s) => s.close()));
  }
}
