/**
 * The narrow interface the engine needs from PostgreSQL, implemented by the embedded adapter
 * (PGlite, pglite-store.ts) and the server adapter (node-postgres + pg-copy-streams, pg-store.ts).
 * Only what is used is declared: parameterised queries, multi-statement scripts (migrations), COPY
 * in and out in CSV format, and a transaction.
 */

export interface Store {
  /** 'embedded' (PGlite) or 'server' (PostgreSQL over the network). */
  readonly kind: 'embedded' | 'server';
  /** Where the store is, for messages: a directory or a URL without its password. */
  readonly location: string;
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** COPY table (columns) FROM the given bytes: CSV without a header, or COPY binary; returns the rows copied. */
  copyIn(
    table: string,
    columns: readonly string[],
    chunks: readonly Uint8Array[],
    format?: 'csv' | 'binary',
  ): Promise<number>;
  /** COPY (query) TO CSV with a header row, or to PostgreSQL's binary format; returns the bytes. */
  copyOut(query: string, format?: 'csv' | 'binary'): Promise<Uint8Array>;
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A failure of the store (connection, SQL), keeping the driver's error and SQLSTATE as cause. */
export class StoreError extends Error {
  readonly code: string | undefined;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    const c = options?.cause as { code?: unknown } | undefined;
    this.code = typeof c?.code === 'string' ? c.code : undefined;
  }
}

/**
 * The text of a thrown value for a one-line message. PGlite and Emscripten may throw plain objects
 * (an exit status, `{ message }`), which String() would print as "[object Object]".
 */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'object' && e !== null) {
    const o = e as { message?: unknown; status?: unknown; name?: unknown };
    if (typeof o.message === 'string' && o.message) return o.message;
    if (typeof o.name === 'string' && o.status !== undefined) return `${o.name} ${String(o.status)}`;
    try {
      return JSON.stringify(e);
    } catch {
      return Object.prototype.toString.call(e);
    }
  }
  return String(e);
}

/** Quotes an identifier that comes from code (never from input). */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_.]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  return name
    .split('.')
    .map((p) => `"${p}"`)
    .join('.');
}
