/**
 * Chooses and opens the store (DESIGN §7): `--db` takes a postgres:// URL (a server) or a directory
 * (an embedded store there); without it, DATABASE_URL picks a server; otherwise the embedded store
 * lives in .recon/db under the current directory.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from './store.js';

export const DEFAULT_EMBEDDED_DIR = '.recon/db';

/**
 * A server by URL, or an embedded store in a directory; `dir` undefined is an in-memory embedded
 * store (tests), empty or started from `image`, a data directory dumped by PGlite (dumpDataDir).
 * `sharedBuffers` sets the embedded store's shared_buffers (RECON_SHARED_BUFFERS; PostgreSQL's
 * 128MB when not given, 16MB for commands that only stream).
 */
export type StoreTarget =
  | { kind: 'server'; url: string }
  | { kind: 'embedded'; dir: string | undefined; image?: Blob; sharedBuffers?: string };

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** Where the store is, from the --db flag and the environment (read by the caller, once). */
export function resolveStoreTarget(
  db: string | undefined,
  databaseUrl: string | undefined,
  sharedBuffers?: string,
): StoreTarget {
  const embedded = (dir: string | undefined): StoreTarget =>
    sharedBuffers ? { kind: 'embedded', dir, sharedBuffers } : { kind: 'embedded', dir };
  if (db !== undefined && db !== '') {
    if (db === 'memory://') return embedded(undefined);
    return isPostgresUrl(db) ? { kind: 'server', url: db } : embedded(db);
  }
  if (databaseUrl) return { kind: 'server', url: databaseUrl };
  return embedded(DEFAULT_EMBEDDED_DIR);
}

/**
 * Whether a directory holds an embedded store's database (PostgreSQL's PG_VERSION file). Opening an
 * embedded store makes one wherever it is pointed: the commands that must never create a store
 * (all but `run` and `db migrate`) ask this first.
 */
export function hasEmbeddedDatabase(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}

/** A PostgreSQL memory size as shared_buffers takes it: 16MB, 512kB, 1GB. */
export function isMemorySetting(s: string): boolean {
  return /^[1-9]\d*(kB|MB|GB)$/.test(s);
}

/** Opens the store; `lean` asks an embedded store for little memory (commands that stream). */
export async function openStore(target: StoreTarget, lean = false): Promise<Store> {
  // Each kind's client is loaded only when it is used: a run against a server does not pay for
  // loading the embedded PostgreSQL, nor an embedded run for the network client.
  const store =
    target.kind === 'server'
      ? await (await import('./pg-store.js')).openPg(target.url)
      : await (await import('./pglite-store.js')).openPGlite(target.dir, lean, target.image, target.sharedBuffers);
  await store.exec(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'`);
  return store;
}
