/**
 * The store of a command: the --db flag (dbOption), the store it names with the environment
 * (storeTarget), and opening it for the length of a command (withStore, withExistingStore), by
 * openStore or by the opener the CLI was given (CliIo.openStore).
 */
import { resolve } from 'node:path';
import { UsageError } from '../core/usage-error.js';
import { hasReconTables, migrate } from '../store/migrate.js';
import {
  hasEmbeddedDatabase,
  isMemorySetting,
  openStore,
  resolveStoreTarget,
  type StoreTarget,
} from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { CliEnv } from './cli-env.js';
import type { CliContext } from './command.js';

/** --db, as every command that opens the store takes it. */
export const dbOption = {
  describe:
    'store: a postgres:// URL (server) or a directory (embedded PGlite). Default: $DATABASE_URL, else .recon/db',
  type: 'string',
} as const;

/**
 * The store of --db and the environment; a bad RECON_SHARED_BUFFERS is a usage error, and so is an
 * empty --db, or an empty DATABASE_URL when it is the one used (a script's unset variable): either
 * would otherwise fall back to .recon/db in whatever directory the command ran in.
 */
export function storeTarget(env: CliEnv, db: string | undefined): StoreTarget {
  if (env.sharedBuffers !== undefined && !isMemorySetting(env.sharedBuffers)) {
    throw new UsageError(`RECON_SHARED_BUFFERS must be a size such as 16MB or 128MB, got "${env.sharedBuffers}"`);
  }
  if (db !== undefined && db.trim() === '') {
    throw new UsageError(`--db must be a directory or a postgres:// URL, got ${JSON.stringify(db)}`);
  }
  if (db === undefined && env.databaseUrl !== undefined && env.databaseUrl.trim() === '') {
    throw new UsageError(
      'DATABASE_URL is set but empty: set it to a postgres:// URL, or unset it for the embedded store in .recon/db',
    );
  }
  return resolveStoreTarget(db, env.databaseUrl, env.sharedBuffers);
}

/** The store of `target`, opened by the CLI's opener (CliIo.openStore) if it was given one. */
export function openCommandStore({ io }: CliContext, target: StoreTarget, lean = false): Promise<Store> {
  return io.openStore ? io.openStore(target, lean) : openStore(target, lean);
}

/** `fn` on the store of --db, created and migrated if need be, and closed after it. */
export async function withStore<T>(
  ctx: CliContext,
  db: string | undefined,
  fn: (store: Store) => Promise<T>,
  lean = false,
): Promise<T> {
  const store = await openCommandStore(ctx, storeTarget(ctx.env, db), lean);
  try {
    await migrate(store);
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * The store of a command that only reads or prunes (exceptions, report, status, db prune): it never
 * creates one, as opening an embedded store, and migrating, would. A --db directory with no database
 * in it (a typo) is refused before anything is made there, a database without recon's tables once
 * connected; an existing store is brought up to date as by withStore.
 */
export async function withExistingStore<T>(
  ctx: CliContext,
  db: string | undefined,
  fn: (store: Store) => Promise<T>,
  lean = false,
): Promise<T> {
  const target = storeTarget(ctx.env, db);
  const noStore = (at: string) => new UsageError(`no store at ${at} (run recon run or recon db migrate first)`);
  if (target.kind === 'embedded' && target.dir !== undefined && !hasEmbeddedDatabase(target.dir)) {
    throw noStore(resolve(target.dir));
  }
  const store = await openCommandStore(ctx, target, lean);
  try {
    if (!(await hasReconTables(store))) throw noStore(store.location);
    await migrate(store);
    return await fn(store);
  } finally {
    await store.close();
  }
}
