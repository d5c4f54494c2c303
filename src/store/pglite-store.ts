/**
 * Embedded store: PGlite (PostgreSQL compiled to WASM) in a directory, so `recon run` works on a
 * machine with nothing installed (DESIGN §7). COPY FROM reads a file staged in PGlite's in-memory file
 * system; COPY TO writes to its /dev/blob device.
 *
 * PGlite is one process's database: a lock file beside the data directory keeps a second recon
 * process out while one has it open (store-lock.ts).
 */

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { errorText, ident, type Store, StoreError } from './store.js';
import { lockStore } from './store-lock.js';

type Queryable = Pick<Transaction, 'query' | 'exec'>;

/** Where copyIn stages its data: PGlite's in-memory file system, outside the data directory. */
const COPY_DIR = '/recon-copy';
let copySeq = 0;

class PGliteStore implements Store {
  readonly kind = 'embedded' as const;

  constructor(
    private readonly db: PGlite,
    private readonly q: Queryable,
    readonly location: string,
    private readonly release: () => void,
    private readonly inTransaction: boolean,
  ) {}

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      const r = await this.q.query<R>(sql, params as unknown[]);
      return r.rows;
    } catch (e) {
      throw wrap(e, sql);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.q.exec(sql);
    } catch (e) {
      throw wrap(e, sql);
    }
  }

  /**
   * COPY … FROM a file in PGlite's in-memory file system: PGlite's /dev/blob device hands the data
   * to PostgreSQL one byte at a time in JS (about 170 MB/s here, most of the coordinator's time in a
   * run's window segments), an in-memory file in one copy. The path is made here, never from input.
   */
  async copyIn(
    table: string,
    columns: readonly string[],
    chunks: readonly Uint8Array[],
    format: 'csv' | 'binary' = 'csv',
  ): Promise<number> {
    const parts = chunks.filter((c) => c.length > 0);
    if (parts.length === 0) return 0;
    const path = `${COPY_DIR}/${process.pid}-${++copySeq}.${format}`;
    const sql = `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM '${path}' WITH (FORMAT ${format})`;
    this.db.copyToFS(path, parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    try {
      const r = await this.q.query(sql);
      return r.affectedRows ?? 0;
    } catch (e) {
      throw wrap(e, sql);
    } finally {
      this.db.Module.FS.unlink(path);
    }
  }

  async copyOut(query: string, format: 'csv' | 'binary' = 'csv'): Promise<Uint8Array> {
    const sql = `COPY (${query}) TO '/dev/blob' WITH (FORMAT ${format === 'csv' ? 'csv, HEADER' : 'binary'})`;
    try {
      const r = await this.q.query(sql);
      if (!r.blob) return new Uint8Array(0);
      return new Uint8Array(await r.blob.arrayBuffer());
    } catch (e) {
      throw wrap(e, sql);
    }
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.db.transaction((tx) => fn(new PGliteStore(this.db, tx, this.location, () => {}, true)));
  }

  async close(): Promise<void> {
    try {
      if (!this.db.closed) await this.db.close();
    } finally {
      this.release();
    }
  }
}

function wrap(e: unknown, sql: string): StoreError {
  return new StoreError(`embedded store: ${errorText(e)} (in: ${sql.split('\n')[0]!.slice(0, 120)})`, { cause: e });
}

/**
 * Shared buffers of a store opened by a command that only reads a page at a time (the export):
 * PGlite's default of 128 MB is most of its resident memory.
 */
const LEAN_SHARED_BUFFERS = '16MB';

/**
 * Opens (creating if needed) an embedded store in `dir`; `dir` undefined = in memory (tests), from
 * the dumped data directory `image` when given. `lean` opens it with small shared buffers, for
 * commands that stream through it; `sharedBuffers` sets them (clearing PGlite's default 128MB costs
 * about 0.2 s of CPU at every open).
 */
export async function openPGlite(
  dir: string | undefined,
  lean = false,
  image?: Blob,
  sharedBuffers?: string,
): Promise<Store> {
  const location = dir ? resolve(dir) : 'memory://';
  const release = dir ? lockStore(location) : () => {};
  try {
    if (dir) mkdirSync(location, { recursive: true });
    const buffers = sharedBuffers ?? (lean ? LEAN_SHARED_BUFFERS : undefined);
    const options = buffers ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${buffers}`] } : {};
    const db = dir
      ? await PGlite.create(location, options)
      : await PGlite.create(image ? { ...options, loadDataDir: image } : options);
    return new PGliteStore(db, db, location, release, false);
  } catch (e) {
    release();
    if (e instanceof StoreError) throw e;
    throw new StoreError(`cannot open the embedded store at ${location}: ${errorText(e)}`, { cause: e });
  }
}
