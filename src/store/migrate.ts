/**
 * Numbered SQL migrations (src/store/migrations/NNNN_name.sql), one transaction each, ledger row
 * first, so a failed migration leaves neither its changes nor its ledger row (as graphile/worker).
 * The same files serve the embedded store and the server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Store, StoreError } from './store.js';

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** The migrations beside this module: src/store/migrations, copied to dist by the build. */
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      id: Number(f.slice(0, 4)),
      name: f.replace(/\.sql$/, ''),
      sql: readFileSync(join(dir, f), 'utf8'),
    }));
}

/** Key of the advisory lock that serialises migrations and runs across processes. */
export const RECON_LOCK_KEY = 0x7265636f; // 'reco'

export interface MigrateResult {
  applied: string[];
  current: number;
}

/**
 * Whether the store holds recon's tables (its migration ledger): not a new database, nor the empty
 * schema `recon` an administrator makes for recon's role before the first `recon db migrate`.
 */
export async function hasReconTables(store: Store): Promise<boolean> {
  const rows = await store.query<{ found: boolean }>(`select to_regclass('recon.migration') is not null as found`);
  return rows[0]?.found === true;
}

/** Brings the schema up to date; returns the migrations it applied. */
export async function migrate(store: Store, migrations = loadMigrations()): Promise<MigrateResult> {
  const applied: string[] = [];
  await store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [RECON_LOCK_KEY]);
    // A schema an administrator made for recon's role is used as it is: creating one (even "if not
    // exists") needs the CREATE right on the database, which that role need not have.
    const schema = await tx.query(`select 1 from pg_namespace where nspname = 'recon'`);
    if (schema.length === 0) await tx.exec('create schema recon');
    await tx.exec(
      'create table if not exists recon.migration (id integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
  });
  for (const m of migrations) {
    await store.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [RECON_LOCK_KEY]);
      const done = await tx.query('select 1 from recon.migration where id = $1', [m.id]);
      if (done.length > 0) return;
      await tx.query('insert into recon.migration (id, name) values ($1, $2)', [m.id, m.name]);
      try {
        await tx.exec(m.sql);
      } catch (e) {
        throw new StoreError(`migration ${m.name} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      applied.push(m.name);
    });
  }
  const latest = migrations.at(-1)?.id ?? 0;
  const rows = await store.query<{ id: number }>('select coalesce(max(id), 0)::int as id from recon.migration');
  const current = rows[0]?.id ?? 0;
  if (current > latest) {
    throw new StoreError(
      `the store's schema (migration ${current}) is newer than this recon (${latest}); upgrade recon`,
    );
  }
  return { applied, current };
}
