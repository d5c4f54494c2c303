/**
 * Chooses and opens the store (DESIGN §7): `--db` takes a postgres:// URL (a server) or a directory
 * (an embedded store there); without it, DATABASE_URL picks a server; otherwise the embedded store
 * lives in .recon/db under the current directory.
 */
import { openPg } from './pg-store.js';
import { openPGlite } from './pglite-store.js';
import type { Store } from './store.js';

export const DEFAULT_EMBEDDED_DIR = '.recon/db';

/**
 * A server by URL, or an embedded store in a directory; `dir` undefined is an in-memory embedded
 * store (tests), empty or started from `image`, a data directory dumped by PGlite (dumpDataDir).
 */
export type StoreTarget = { kind: 'server'; url: string } | { kind: 'embedded'; dir: string | undefined; image?: Blob };

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** Where the store is, from the --db flag and the environment (read by the caller, once). */
export function resolveStoreTarget(db: string | undefined, databaseUrl: string | undefined): StoreTarget {
  if (db !== undefined && db !== '') {
    if (db === 'memory://') return { kind: 'embedded', dir: undefined };
    return isPostgresUrl(db) ? { kind: 'server', url: db } : { kind: 'embedded', dir: db };
  }
  if (databaseUrl) return { kind: 'server', url: databaseUrl };
  return { kind: 'embedded', dir: DEFAULT_EMBEDDED_DIR };
}

/** Opens the store; `lean` asks an embedded store for little memory (commands that stream). */
export async function openStore(target: StoreTarget, lean = false): Promise<Store> {
  const store = target.kind === 'server' ? await openPg(target.url) : await openPGlite(target.dir, lean, target.image);
  await store.exec(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'`);
  return store;
}
