/**
 * Stores for integration tests: always an in-memory PGlite; also a private database on the
 * PostgreSQL server when DATABASE_URL is set (CI always sets it). Each test file gets its own
 * database, dropped afterwards.
 */

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export interface StoreCase {
  name: string;
  /** A fresh, migrated, empty store. */
  open(): Promise<Store>;
  /** Drops what `open` created. */
  dispose(): Promise<void>;
}

const serverUrl = process.env.DATABASE_URL;

function pgliteCase(): StoreCase {
  return {
    name: 'pglite',
    async open() {
      const s = await openStore({ kind: 'embedded', dir: undefined });
      await migrate(s);
      return s;
    },
    async dispose() {},
  };
}

function serverCase(url: string): StoreCase {
  const created: string[] = [];
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    name: 'server',
    async open() {
      const name = `recon_test_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`create database ${name}`));
      created.push(name);
      const u = new URL(url);
      u.pathname = `/${name}`;
      const s = await openStore({ kind: 'server', url: u.toString() });
      await migrate(s);
      return s;
    },
    async dispose() {
      await admin(async (c) => {
        for (const name of created.splice(0)) await c.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}

/** The stores every store test runs on. */
export function storeCases(): StoreCase[] {
  return serverUrl ? [pgliteCase(), serverCase(serverUrl)] : [pgliteCase()];
}
