/**
 * Crashes and concurrency, against the CLI as cron runs it (bin/recon in a child process), on one
 * store (test/integration/crash.test.ts on the embedded store, crash-server.test.ts on the server;
 * two files so that they run side by side):
 * - kill -9 during the scan, during the joins (findings already written into the run's
 *   transaction) and during the commit leaves the store exactly as before the run, and the rerun
 *   ends with the same store as a run that was never interrupted;
 * - a worker task that throws fails the run with one line and a non-zero exit, never a hang;
 * - on the server: PostgreSQL going away in the middle of the commit is a one-line store error with
 *   nothing written, and two runs of the same date at once are serialised by the advisory lock;
 * - on the embedded store: a second process is refused by the lock file naming the holder, and the
 *   lock a killed run leaves does not block the runs after it, even when several start at once.
 * The kill points are RECON_FAULT pause points (src/core/fault.ts, src/run/fault-point.ts): the run
 * stops there with its transaction open and the test kills it from outside.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type StoreTarget } from '../../src/store/open-store.js';
import { readHolder } from '../../src/store/store-lock.js';
import { generateChain, RUN_TABLES, tableSnapshot, tempDir } from './chain.js';
import { BIN, environment, NODE_FLAGS, recon } from './cli.js';
import { serverAdmin } from './server-admin.js';
import { type StoreCase, storeCases } from './stores.js';

const serverUrl = process.env.DATABASE_URL;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns the CLI; `until` resolves once stderr shows `marker` (or the process ends). */
function start(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  marker?: string,
): { child: ChildProcess; reached: Promise<boolean>; done: Promise<Exit> } {
  const e = environment(env);
  const child = spawn(process.execPath, [...NODE_FLAGS, BIN, ...args], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalReached: (v: boolean) => void = () => {};
  const reached = new Promise<boolean>((resolve) => {
    signalReached = resolve;
  });
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (marker && stderr.includes(marker)) signalReached(true);
  });
  const done = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      signalReached(false);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, reached, done };
}

/** Every table a run writes, with run records reduced to what does not depend on time or place. */
async function snapshot(target: StoreTarget): Promise<string[][]> {
  // Lean: small shared buffers, as the commands that only read open it (0.1 s less CPU per open).
  const store = await openStore(target, true);
  try {
    const out: string[][] = [];
    for (const [t, o] of RUN_TABLES) out.push(await tableSnapshot(store, t, o, true));
    const runs = await store.query<{ run_date: string; status: string; summary: unknown }>(
      'select run_date::text, status, summary from recon.run order by run_date',
    );
    out.push(
      runs.map((r) => {
        const s = (typeof r.summary === 'string' ? JSON.parse(r.summary) : r.summary) as Record<string, unknown>;
        return JSON.stringify([
          r.run_date,
          r.status,
          s.journal,
          s.clearing,
          s.carried,
          s.openItems,
          s.findings,
          s.resolved,
        ]);
      }),
    );
    return out;
  } finally {
    await store.close();
  }
}

const DAY1 = '2026-11-16';
const DAY2 = '2026-11-17';

/** The crash tests on the embedded store or on the server (none when DATABASE_URL is not set). */
export function crashSuite(store: 'pglite' | 'server'): void {
  const cases = storeCases().filter((c) => c.name === store);
  afterAll(async () => {
    for (const c of cases) await c.dispose();
  });
  for (const t of cases) crashTests(t);
}

function crashTests(t: StoreCase): void {
  const embedded = t.name === 'pglite';
  describe(`crashes on the ${embedded ? 'embedded' : t.name} store`, () => {
    const { dir } = generateChain(DAY1, 2, 1500, 31);
    const run = (
      db: string,
      date: string,
      env: NodeJS.ProcessEnv = {},
      extra: string[] = [],
    ): ReturnType<typeof start> =>
      start(
        ['run', '--date', date, '--data-dir', dir, '--db', db, '--workers', '1', '--quiet', ...extra],
        env,
        'recon: fault point',
      );
    const engine = {};

    let reference: string[][];
    /** The store after DAY1, closed: each test starts from a copy instead of running DAY1 again. */
    let day1 = '';
    const afterDay1 = (): ReturnType<typeof t.fresh> => t.fresh(day1);
    it('an uninterrupted chain gives the reference store', async () => {
      // In this process (the same CLI and options, without a process start): the runs below are
      // compared with it.
      const { db, target } = await t.fresh();
      const args = (date: string): string[] => ['run', '--date', date, '--data-dir', dir, '--db', db, '--workers', '1'];
      const first = await recon(dir, [...args(DAY1), '--quiet']);
      expect(first.code, first.stderr).toBe(0);
      day1 = (await t.fresh(db)).db;
      const second = await recon(dir, [...args(DAY2), '--quiet']);
      expect(second.code, second.stderr).toBe(0);
      reference = await snapshot(target);
      expect(reference[0]!.length).toBeGreaterThan(10); // findings were made
    });

    // Each starts from its own copy of the store after DAY1: they run side by side (their work is
    // in child processes).
    describe.concurrent('from the store after the first day', () => {
      it('kill -9 during scan, join and commit leaves the store as before; the rerun gives the reference', async () => {
        const { db, target } = await afterDay1();
        const before = await snapshot(target);
        for (const point of ['scan', 'join', 'commit']) {
          const r = run(db, DAY2, { ...engine, RECON_FAULT: `${point}:pause` });
          expect(await r.reached, `never reached ${point}`).toBe(true);
          r.child.kill('SIGKILL');
          const exit = await r.done;
          expect(exit.signal).toBe('SIGKILL');
          expect(await snapshot(target), `store changed by a run killed at ${point}`).toEqual(before);
        }
        const rerun = await run(db, DAY2, engine).done;
        expect(rerun.code, rerun.stderr).toBe(0);
        expect(await snapshot(target)).toEqual(reference);
      });

      it('a worker that throws fails the run in one line, closes the pool and writes nothing', async () => {
        const { db, target } = await afterDay1();
        const before = await snapshot(target);
        const r = await run(db, DAY2, { ...engine, RECON_FAULT: 'worker:throw' }).done;
        expect(r.code).toBe(1);
        expect(r.stderr.trim().split('\n')).toEqual([
          expect.stringMatching(/^recon: internal error: injected fault in the join task/),
        ]);
        expect(await snapshot(target)).toEqual(before);
      });

      it('a spill file that cannot be written (a full disk) fails the run in one line naming the settings, exit 2, nothing written, no spill left behind', async () => {
        const { db, target } = await afterDay1();
        const before = await snapshot(target);
        const spillDir = join(tempDir('crash-spill'), 'spill');
        mkdirSync(spillDir);
        const r = await run(db, DAY2, { ...engine, RECON_FAULT: 'spill:enospc' }, [
          '--memory',
          '1m',
          '--spill-dir',
          spillDir,
        ]).done;
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr.trim().split('\n')).toEqual([
          expect.stringMatching(
            /^recon: cannot write the spill file .*\/chunk-\d+\.arrow: ENOSPC \(free some space, or give --spill-dir on a larger disk, or a larger --memory\)$/,
          ),
        ]);
        // The store is as it was before the run, which the kill test shows reruns to the reference.
        expect(await snapshot(target)).toEqual(before);
        expect(readdirSync(spillDir)).toEqual([]);
      });

      it('an input file rewritten during the run fails it in one line naming the file and line, exit 3, nothing written', async () => {
        const { db, target } = await afterDay1();
        const before = await snapshot(target);
        // A copy of the chain's files: the other tests read the originals.
        const own = join(tempDir('crash-changed'), 'data');
        cpSync(dir, own, { recursive: true });
        const path = join(own, 'journal', `${DAY2}.csv`);
        const r = start(
          ['run', '--date', DAY2, '--data-dir', own, '--db', db, '--workers', '1', '--quiet'],
          { RECON_FAULT: 'join:pause:4000' }, // time for the rewrite on a loaded machine (1.5 s once ran out)
          'recon: fault point',
        );
        expect(await r.reached).toBe(true);
        // The scan is done. Every row's stan gets another first digit, in place: the same bytes at
        // the same offsets, but not the rows the run scanned. The open items' read-back sees it.
        writeFileSync(path, changeStans(readFileSync(path, 'utf8')));
        const exit = await r.done;
        expect(exit.code, exit.stderr).toBe(3);
        const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        expect(
          exit.stderr
            .trim()
            .split('\n')
            .filter((l) => !l.startsWith('recon: fault point')),
        ).toEqual([
          expect.stringMatching(
            new RegExp(`^recon: ${escaped} changed while the run read it: line \\d+ is not the row the run scanned$`),
          ),
        ]);
        expect(await snapshot(target)).toEqual(before);
      });

      if (!embedded) {
        it('PostgreSQL going away in the middle of the commit: one line, exit 4, nothing written', async () => {
          const { db, target } = await afterDay1();
          const before = await snapshot(target);
          const r = run(db, DAY2, { ...engine, RECON_FAULT: 'commit:pause:1500' });
          expect(await r.reached).toBe(true);
          const name = new URL(db).pathname.slice(1);
          const killed = await serverAdmin(serverUrl!, (c) =>
            c.query(
              'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
              [name],
            ),
          );
          expect(killed.rowCount).toBeGreaterThan(0);
          const exit = await r.done;
          expect(exit.code, exit.stderr).toBe(4);
          const lines = exit.stderr
            .trim()
            .split('\n')
            .filter((l) => !l.startsWith('recon: fault point'));
          expect(lines).toEqual([
            expect.stringMatching(
              /^recon: lost the connection to PostgreSQL \(terminating connection due to administrator command\); nothing of this run was committed$/,
            ),
          ]);
          // As before the run, which the kill test shows reruns to the reference.
          expect(await snapshot(target)).toEqual(before);
        });

        it('two runs of the same date at once are serialised: both complete, the store is as if it ran once', async () => {
          const { db, target } = await afterDay1();
          // The first holds the lock (paused before its commit ends) while the second starts.
          const first = run(db, DAY2, { ...engine, RECON_FAULT: 'commit:pause:2000' });
          expect(await first.reached).toBe(true);
          const second = run(db, DAY2, engine);
          const [a, b] = await Promise.all([first.done, second.done]);
          expect(a.code, a.stderr).toBe(0);
          expect(b.code, b.stderr).toBe(0);
          expect(await snapshot(target)).toEqual(reference);
        });
      } else {
        it('a second process is refused naming the holder; after it is killed, runs started at the same moment take its stale lock one at a time: the store is one clean run', async () => {
          const { db, target } = await afterDay1();
          const first = run(db, DAY2, { ...engine, RECON_FAULT: 'join:pause' });
          expect(await first.reached).toBe(true);
          const second = await run(db, DAY2, engine).done;
          expect(second.code).toBe(4);
          expect(second.stderr.trim()).toMatch(
            /^recon: the embedded store .* is in use by another recon process \(pid \d+, recon run --date 2026-11-17 .*, since \d{4}-.*\); wait for it to finish$/,
          );
          // Killed, it leaves its lock behind; three runs start at once.
          first.child.kill('SIGKILL');
          await first.done;
          expect(readHolder(`${db}.lock`)?.pid).toBe(first.child.pid);
          const runs = await Promise.all(Array.from({ length: 3 }, () => run(db, DAY2, engine).done));
          expect(runs.filter((r) => r.code === 0).length).toBeGreaterThanOrEqual(1);
          for (const r of runs.filter((x) => x.code !== 0)) {
            expect(r.code, r.stderr).toBe(4);
            expect(r.stderr.trim()).toMatch(
              /^recon: the embedded store .* is in use by another recon process \(pid \d+, recon run --date 2026-11-17 /,
            );
          }
          expect(await snapshot(target)).toEqual(reference);
        });
      }
    });
  });
}

/** A journal file's text with the first digit of every row's stan changed (same length, same line ends). */
function changeStans(text: string): string {
  const lines = text.split('\n');
  const stan = lines[0]!.replace(/\r$/, '').split(',').indexOf('stan');
  expect(stan).toBeGreaterThanOrEqual(0);
  let changed = 0;
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i]!.split(',');
    const v = fields[stan];
    if (v === undefined || !/^\d{6}$/.test(v)) continue;
    fields[stan] = `${(Number(v[0]) + 1) % 10}${v.slice(1)}`;
    lines[i] = fields.join(',');
    changed++;
  }
  expect(changed).toBeGreaterThan(100);
  return lines.join('\n');
}
