/**
 * Once before the test files (vitest globalSetup):
 * 1. Builds dist/ as `npm run build` does (tsconfig.build.json: src, workers, data-gen, bench; the
 *    tests run from their TypeScript), which the worker pool loads (dist/workers/index.js) and the
 *    CLI tests run (bin/recon), so a test never runs stale code after an edit. It only emits
 *    (--noCheck, incremental), with tsgo (TSGO: TypeScript's native compiler, the same JavaScript as
 *    tsc, 1.0 s of CPU where tsc took 4.2): the tests wait for it. The type check of everything
 *    (tests too), by tsgo as well (3.7 s of CPU; tsc took 12.5), starts in its own process once the
 *    embedded template is made, on the core that leaves idle while the build goes on, and goes on
 *    beside the test files (test/unit/typecheck.test.ts waits for its result). `npm run build`
 *    and `npm run typecheck` use tsc: `npm ci` builds with it, so CI checks src with both.
 * 2. Makes the template stores that test stores are copied from, instead of each running initdb
 *    and the migrations (about 2 s of CPU for each embedded store): a migrated embedded store
 *    directory, and on the server (when DATABASE_URL is set) a migrated template database.
 * 3. Makes the directory the run's temporary files go in (test stores, generated days, the
 *    engine's own spill files and the child processes' too, through TMPDIR); removed, with the
 *    templates, at the end. It lies in RAM (/dev/shm) when there is one with room: a test store is
 *    a copy of the 39 MB, thousand-file template directory, which costs about 0.6 s of CPU on this
 *    machine's disk (ext4 mounted with discard; deleting it costs too) and 0.06 s in RAM, and the
 *    embedded stores' own file I/O is cheaper there as well.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { packagePath } from '../src/core/package-path.js';
import { migrate } from '../src/store/migrate.js';
import { openStore } from '../src/store/open-store.js';
import { serverAdmin as admin } from './helpers/server-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, empty embedded store directory to copy (test/helpers/stores.ts). */
    embeddedTemplate: string;
    /** The same store as a dumped data directory (a tar file), to start in-memory stores from. */
    embeddedImage: string;
    /** Name of a migrated, empty database on the DATABASE_URL server to create test databases from, or ''. */
    serverTemplate: string;
    /** Where tests make their temporary directories (tempDir); removed after the run. */
    testRoot: string;
    /** The file the type check writes its output to when it ends ('' when clean; test/unit/typecheck.test.ts). */
    typecheckResult: string;
    /** The system's temporary directory (TMPDIR points into testRoot during the run): kept browsers. */
    systemTmp: string;
  }
}

const run = promisify(execFile);

/** TypeScript's native compiler (@typescript/native-preview): tsc's checks and output, in a fraction of its CPU. */
const TSGO = 'node_modules/@typescript/native-preview/bin/tsgo';

/**
 * Starts the type check of everything under tsconfig.json's strict settings (tsgo, incremental) in
 * a child process; when it ends, its output ('' when clean) is written to `result`. Returns what
 * stops it if it is still running at the end (a run of a few files that does not wait for it).
 */
function startTypeCheck(result: string): () => Promise<void> {
  const info = packagePath('dist/.tsbuildinfo-check');
  const args = [packagePath(TSGO), '-p', packagePath('tsconfig.json'), '--incremental', '--tsBuildInfoFile', info];
  const child = execFile(process.execPath, args, { cwd: packagePath('.'), maxBuffer: 64 << 20 }, (e, stdout) => {
    if (e?.killed) return;
    try {
      writeFileSync(`${result}.part`, e ? stdout || e.message : '');
      renameSync(`${result}.part`, result);
    } catch {
      // The run is over and its directory gone: nobody waits for the result.
    }
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return async () => {
    if (child.exitCode === null) child.kill();
    await closed;
  };
}

async function build(): Promise<void> {
  const info = packagePath('dist/.tsbuildinfo-emit');
  try {
    await run(
      process.execPath,
      [
        packagePath(TSGO),
        '-p',
        packagePath('tsconfig.build.json'),
        '--noCheck',
        '--incremental',
        '--tsBuildInfoFile',
        info,
      ],
      { cwd: packagePath('.') },
    );
  } catch (e) {
    const out = (e as { stdout?: string }).stdout ?? '';
    throw new Error(`the build failed (tsgo -p tsconfig.build.json):\n${out || String(e)}`);
  }
  await run(process.execPath, [packagePath('scripts/copy-assets.mjs')]);
}

/** Free space a RAM file system must have to hold the run's temporary files (peak about 2 GB). */
const RAM_ROOM = 6 * 2 ** 30;

/** /dev/shm when it is a writable file system with RAM_ROOM free, else the OS's temporary directory. */
function tempBase(): string {
  try {
    const fs = statfsSync('/dev/shm');
    accessSync('/dev/shm', constants.W_OK);
    if (fs.bavail * fs.bsize >= RAM_ROOM) return '/dev/shm';
  } catch {
    // No /dev/shm here.
  }
  return tmpdir();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = mkdtempSync(join(tempBase(), 'recon-test-'));
  const typecheckResult = join(root, 'typecheck.txt');
  let stopTypeCheck = async (): Promise<void> => {};
  // The engine's temporary files (spill files) and those of the child processes, in the same place.
  const systemTmp = tmpdir();
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = join(root, 'tmp');
  mkdirSync(process.env.TMPDIR);
  const serverUrl = process.env.DATABASE_URL;
  const serverTemplate = serverUrl ? `recon_template_${process.pid}_${Date.now().toString(36)}` : '';
  const teardown = async (): Promise<void> => {
    await stopTypeCheck();
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(root, { recursive: true, force: true });
    if (serverUrl && serverTemplate) {
      await admin(serverUrl, async (c) => {
        await c.query(`drop database if exists ${serverTemplate} with (force)`);
      });
    }
  };
  try {
    // The build runs in its own process while this one makes the templates.
    const built = build();
    const embedded = join(root, 'template', 'db');
    const image = join(root, 'template', 'db.tar');
    const store = await openStore({ kind: 'embedded', dir: embedded });
    try {
      await migrate(store);
    } finally {
      await store.close();
    }
    const db = await PGlite.create(embedded);
    writeFileSync(image, Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
    await db.close();
    // The type check takes the core the template leaves: started with the build and the template,
    // a third process on two cores, it held back the build the tests wait for.
    stopTypeCheck = startTypeCheck(typecheckResult);
    if (serverUrl) {
      await admin(serverUrl, (c) => c.query(`create database ${serverTemplate}`));
      const u = new URL(serverUrl);
      u.pathname = `/${serverTemplate}`;
      const s = await openStore({ kind: 'server', url: u.toString() });
      try {
        await migrate(s);
      } finally {
        await s.close();
      }
    }
    await built;
    project.provide('embeddedTemplate', embedded);
    project.provide('embeddedImage', image);
    project.provide('serverTemplate', serverTemplate);
    project.provide('testRoot', root);
    project.provide('typecheckResult', typecheckResult);
    project.provide('systemTmp', systemTmp);
  } catch (e) {
    await teardown();
    throw e;
  }
  return teardown;
}
