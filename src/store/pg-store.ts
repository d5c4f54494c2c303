/**
 * Server store: one node-postgres connection; COPY through pg-copy-streams (DESIGN §7).
 */

import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { ident, type Store, StoreError } from './store.js';

class PgStore implements Store {
  readonly kind = 'server' as const;
  private inTransaction = false;
  /** Why the connection dropped, once it has. */
  lost: Error | undefined;

  constructor(
    private readonly client: pg.Client,
    readonly location: string,
  ) {}

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      const r = await this.client.query(sql, params as unknown[]);
      return r.rows as R[];
    } catch (e) {
      throw this.wrap(e, sql);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.client.query(sql);
    } catch (e) {
      throw this.wrap(e, sql);
    }
  }

  async copyIn(
    table: string,
    columns: readonly string[],
    chunks: readonly Uint8Array[],
    format: 'csv' | 'binary' = 'csv',
  ): Promise<number> {
    const parts = chunks.filter((c) => c.length > 0);
    if (parts.length === 0) return 0;
    const sql = `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM STDIN WITH (FORMAT ${format})`;
    try {
      const stream = this.client.query(copyFrom(sql));
      for (const part of coalesce(parts, COPY_MESSAGE_BYTES)) {
        if (!stream.write(part)) await once(stream, 'drain');
      }
      stream.end();
      await finished(stream);
      return stream.rowCount ?? 0;
    } catch (e) {
      throw this.wrap(e, sql);
    }
  }

  async copyOut(query: string, format: 'csv' | 'binary' = 'csv'): Promise<Uint8Array> {
    const sql = `COPY (${query}) TO STDOUT WITH (FORMAT ${format === 'csv' ? 'csv, HEADER' : 'binary'})`;
    try {
      const stream = this.client.query(copyTo(sql));
      const parts: Buffer[] = [];
      for await (const chunk of stream) parts.push(chunk as Buffer);
      return Buffer.concat(parts);
    } catch (e) {
      throw this.wrap(e, sql);
    }
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    await this.exec('BEGIN');
    this.inTransaction = true;
    try {
      const result = await fn(this);
      try {
        await this.client.query('COMMIT');
      } catch (e) {
        if (this.lost === undefined && !CONNECTION_LOST.test(String(e))) throw this.wrap(e, 'COMMIT');
        // The server may or may not have committed before the connection dropped.
        throw new StoreError(
          `lost the connection to PostgreSQL while committing (${reason(this.lost ?? e)}): the run may or may not be committed; re-running the same date is safe either way`,
          { cause: e },
        );
      }
      return result;
    } catch (e) {
      try {
        await this.client.query('ROLLBACK');
      } catch {
        // The connection is gone: the server has rolled back already.
      }
      throw e;
    } finally {
      this.inTransaction = false;
    }
  }

  private wrap(e: unknown, sql: string): StoreError {
    if (e instanceof StoreError) return e;
    if (this.lost !== undefined || CONNECTION_LOST.test(reason(e))) {
      const what = this.inTransaction ? 'nothing of this run was committed' : 'nothing was written';
      return new StoreError(`lost the connection to PostgreSQL (${reason(this.lost ?? e)}); ${what}`, { cause: e });
    }
    return new StoreError(`postgres: ${reason(e)} (in: ${sql.split('\n')[0]!.slice(0, 120)})`, { cause: e });
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}

/** node-postgres's and the server's words for a connection that is gone. */
const CONNECTION_LOST = /Connection terminated|not queryable|terminating connection|ECONNRESET|EPIPE/;

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A URL with its password removed, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export async function openPg(url: string): Promise<Store> {
  const client = new pg.Client({ connectionString: url, application_name: 'recon' });
  const store = new PgStore(client, redactUrl(url));
  // A dropped connection surfaces as an error on the next query (the store says why); keep it
  // from crashing the process.
  client.on('error', (e) => {
    store.lost ??= e;
  });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new StoreError(`cannot connect to ${redactUrl(url)}: ${reason(e)}`, { cause: e });
  }
  return store;
}

/**
 * Bytes of one COPY data message at most when small parts are joined: each written part is a
 * message and a socket write of its own, and a binary COPY comes in many small pieces (a 2M-row
 * night's window pages are ~27,000 of them).
 */
const COPY_MESSAGE_BYTES = 1 << 20;

/** `parts` with runs of small consecutive parts joined into pieces of at most `max` bytes. */
function* coalesce(parts: readonly Uint8Array[], max: number): Generator<Uint8Array> {
  let run: Uint8Array[] = [];
  let bytes = 0;
  for (const p of parts) {
    if (bytes + p.length > max && run.length > 0) {
      yield run.length === 1 ? run[0]! : Buffer.concat(run, bytes);
      run = [];
      bytes = 0;
    }
    run.push(p);
    bytes += p.length;
  }
  if (run.length > 0) yield run.length === 1 ? run[0]! : Buffer.concat(run, bytes);
}
