/**
 * Running recon commands from tests, on the embedded store unless a test says otherwise:
 * - `recon`: in this process, through the CLI's `main` with captured stdout and stderr, the way
 *   bin/recon calls it (the same parsing, messages and exit codes) without a process start,
 *   a WASM compile and module loading per command;
 * - `reconProcess`: bin/recon as a child process, asynchronously, for what only a process shows
 *   (the binary itself, signals, fault points, locks between processes).
 * A file that runs many commands on a store keeps it open between them (useKeptStores).
 */
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { main } from '../../src/cli/main.js';
import { packagePath } from '../../src/core/package-path.js';
import type { Pool } from '../../src/run/pool.js';
import { openStore, type StoreTarget } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testPool } from './pool.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const BIN = packagePath('bin/recon');

/**
 * Node flags of the child processes: `--liftoff-only` keeps V8 from optimising PGlite's WASM with
 * TurboFan in the background, which a test's short run never earns back (it costs about a third of
 * a small run's CPU on this 2-core machine); `--no-opt` does the same for the JavaScript (a
 * 1,500-row day's run from a fresh process: 1.14 -> 0.93 s of CPU). They change when code is
 * compiled, not what it does.
 */
export const NODE_FLAGS = ['--liftoff-only', '--no-opt'];

/** Flags whose values are paths: relative ones are taken from `cwd`, as a shell in that directory would. */
const PATH_FLAGS = new Set([
  '--data-dir',
  '--journal',
  '--clearing',
  '--payout',
  '--merchants',
  '--calendar',
  '--db',
  '--out',
  '--spill-dir',
]);

/** Path flags whose defaults are relative to the working directory, by command. */
const RELATIVE_DEFAULTS: Record<string, [flag: string, value: string][]> = {
  gen: [['--out', 'data']],
  run: [['--db', '.recon/db']],
  exceptions: [['--db', '.recon/db']],
  status: [['--db', '.recon/db']],
  report: [
    ['--db', '.recon/db'],
    ['--out', 'report.html'],
  ],
  db: [['--db', '.recon/db']],
  cases: [['--db', '.recon/db']],
  case: [['--db', '.recon/db']],
  user: [['--db', '.recon/db']],
  audit: [['--db', '.recon/db']],
  rejects: [['--db', '.recon/db']],
};

function absolute(cwd: string, args: readonly string[]): string[] {
  const out: string[] = [];
  let flag = '';
  for (const a of args) {
    if (a.startsWith('--')) flag = a;
    else if (PATH_FLAGS.has(flag) && !isAbsolute(a) && !a.startsWith('postgres')) {
      out.push(join(cwd, a));
      continue;
    }
    out.push(a);
  }
  const given = new Set(args.filter((a) => a.startsWith('--')));
  for (const [flag, value] of RELATIVE_DEFAULTS[args[0] ?? ''] ?? []) {
    if (!given.has(flag)) out.push(flag, join(cwd, value));
  }
  return out;
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/**
 * The environment of a command: this process's, without DATABASE_URL (the embedded store), with
 * small shared buffers for the embedded store (RECON_SHARED_BUFFERS: a test's short commands do not
 * need PGlite's 128MB, which cost about 0.2 s of CPU to clear at each open), plus `env`.
 */
export function environment(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, RECON_SHARED_BUFFERS: '16MB' };
  delete e.DATABASE_URL;
  return { ...e, ...env };
}

/**
 * Runs `recon <args>` in this process as a shell in `cwd` would: relative paths in path flags, and
 * the defaults that are relative paths (.recon/db, data, report.html), are taken from `cwd`.
 */
export async function recon(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  stdin?: string,
): Promise<CliResult> {
  const stdout = new Collect();
  const stderr = new Collect();
  const code = await main(absolute(cwd, args), {
    stdout,
    stderr,
    env: environment(env),
    ...(stdin !== undefined ? { stdin: Readable.from([Buffer.from(stdin)]) } : {}),
    ...(shared ? { pool: shared } : {}),
    ...(keeping ? { openStore: keptStore } : {}),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Whether this file's in-process commands keep their embedded stores open (useKeptStores). */
let keeping = false;
/** The embedded stores kept open, by directory. */
const kept = new Map<string, Store>();

/**
 * Keeps the embedded stores this file's in-process commands (and its tests, through testStore)
 * open from command to command, through the CLI's opener (CliIo.openStore), instead of starting
 * PGlite again for every command: about 0.25 s of CPU each on this 2-core machine, most of a short
 * command. The commands are the same (the flags, the checks before opening, the migration check,
 * the transactions); only the start and stop of the database between them go. The stores are
 * closed after each test, and by closeKeptStores before anything outside this process (a child
 * process: reconProcess does it) or a copy reads the directory.
 */
export function useKeptStores(): void {
  beforeAll(() => {
    keeping = true;
  });
  afterEach(closeKeptStores);
  afterAll(async () => {
    await closeKeptStores();
    keeping = false;
  });
}

/** Closes the stores the commands kept open (useKeptStores). */
export async function closeKeptStores(): Promise<void> {
  for (const store of [...kept.values()]) await store.close();
  kept.clear();
}

/** The store of a command: kept open for its directory (useKeptStores); `close` leaves it open. */
async function keptStore(target: StoreTarget, lean: boolean): Promise<Store> {
  if (target.kind !== 'embedded' || target.dir === undefined) return openStore(target, lean);
  const dir = resolve(target.dir);
  let store = kept.get(dir);
  if (!store) {
    store = await openStore(target, lean);
    kept.set(dir, store);
  }
  const open = store;
  return {
    kind: open.kind,
    location: open.location,
    query: (sql, params) => open.query(sql, params),
    exec: (sql) => open.exec(sql),
    copyIn: (table, columns, chunks, format) => open.copyIn(table, columns, chunks, format),
    copyOut: (query, format) => open.copyOut(query, format),
    transaction: (fn) => open.transaction(fn),
    close: async () => {},
  };
}

/**
 * The store at `target` for a test to read or change: the one the commands keep open, when they do
 * (useKeptStores; its `close` leaves it open), else opened for the test.
 */
export function testStore(target: StoreTarget): Promise<Store> {
  return keeping ? keptStore(target, true) : openStore(target);
}

let shared: Pool | undefined;

/**
 * Gives this file's in-process commands the test process's worker pool (test/helpers/pool.ts)
 * instead of a new pool (threads, module loading, cold code) for every `run`.
 */
export function useSharedPool(): void {
  beforeAll(() => {
    shared = testPool();
  });
  afterAll(() => {
    shared = undefined;
  });
}

/** Runs bin/recon in a child process in `cwd` (after closing the stores kept open in this one). */
export async function reconProcess(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  await closeKeptStores();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, BIN, ...args], {
      cwd,
      env: environment(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Puts a fresh, migrated, empty embedded store at `path` (a copy of the run's template). */
export function templateStoreAt(path: string): string {
  if (kept.has(resolve(path))) throw new Error(`${path} is kept open: closeKeptStores() first`);
  cpSync(inject('embeddedTemplate'), path, { recursive: true });
  return path;
}
