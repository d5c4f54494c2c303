/**
 * Stores for integration tests: always an embedded PGlite store; also a private database on the
 * PostgreSQL server when DATABASE_URL is set (CI always sets it). Each store is a copy of a migrated
 * template made once by test/global-setup.ts (a directory, or a server template database), and is
 * dropped by `dispose`.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openStore, type StoreTarget } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from './chain.js';
import { serverAdmin } from './server-admin.js';

export interface StoreCase {
  name: string;
  /** A fresh, migrated, empty store. */
  open(): Promise<Store>;
  /**
   * A fresh, migrated, empty store, as its --db value and its target (for CLI tests); with `from`,
   * a copy of that store instead (a directory, or a database name on the server) that no one has open.
   */
  fresh(from?: string): Promise<{ db: string; target: StoreTarget }>;
  /** Drops what `open` and `fresh` created. */
  dispose(): Promise<void>;
}

const serverUrl = process.env.DATABASE_URL;

/**
 * The dumped template as PGlite reads it (a Blob, whose bytes it takes with `arrayBuffer()`), from
 * the bytes in memory: Node's own Blob hands its 40 MB over in small chunks, ~65 ms of CPU per store.
 */
class TemplateImage extends Blob {
  readonly #data: Uint8Array;
  constructor(data: Uint8Array) {
    super([]);
    this.#data = data;
  }
  override async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#data.slice().buffer;
  }
}

let image: Blob | undefined;

/**
 * A fresh, migrated, empty in-memory embedded store (started from the run's dumped template), with
 * small shared buffers (`lean`): in memory they would only cache memory, and clearing PGlite's
 * default 128 MB costs about 0.2 s of CPU per store.
 */
export async function openMemoryStore(): Promise<Store> {
  image ??= new TemplateImage(readFileSync(inject('embeddedImage')));
  return openStore({ kind: 'embedded', dir: undefined, image }, true);
}

function embeddedCase(): StoreCase {
  const created: string[] = [];
  const fresh = async (from?: string): Promise<{ db: string; target: StoreTarget }> => {
    const dir = join(tempDir('store'), 'db');
    cpSync(from ?? inject('embeddedTemplate'), dir, { recursive: true });
    created.push(dir);
    return { db: dir, target: { kind: 'embedded', dir } };
  };
  return {
    name: 'pglite',
    fresh,
    open: openMemoryStore,
    async dispose() {
      for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function serverCase(url: string): StoreCase {
  const created: string[] = [];
  const fresh = async (from?: string): Promise<{ db: string; target: StoreTarget }> => {
    const name = `recon_test_${randomBytes(6).toString('hex')}`;
    const template = from === undefined ? inject('serverTemplate') : new URL(from).pathname.slice(1);
    await serverAdmin(url, (c) => c.query(`create database ${name} template ${template}`));
    created.push(name);
    const u = new URL(url);
    u.pathname = `/${name}`;
    return { db: u.toString(), target: { kind: 'server', url: u.toString() } };
  };
  return {
    name: 'server',
    fresh,
    async open() {
      return openStore((await fresh()).target);
    },
    async dispose() {
      await serverAdmin(url, async (c) => {
        for (const name of created.splice(0)) await c.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}

/** The stores every store test runs on. */
export function storeCases(): StoreCase[] {
  return serverUrl ? [embeddedCase(), serverCase(serverUrl)] : [embeddedCase()];
}
