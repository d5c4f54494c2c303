/**
 * `npm run bench`: micro benchmarks of the hot path, then one end-to-end macro benchmark that times,
 * on the same generated files and the same cores, in separate processes:
 * - the byte floor (read both files, count lines),
 * - the naive baseline (fast-csv + Map, one thread),
 * - DuckDB with 1 and 2 threads (the hand-written join),
 * - `recon run` with 1 and 2 workers (CSV → every finding committed to a fresh, migrated store).
 * The programs run in rounds, one after the other in the same order each round (A B C A B C …), and
 * each is reported by the median of its rounds: this VM is noisy, and only times taken side by side
 * compare (bench/RESULTS.md). It prints a table (median seconds and the rounds' range, rows/s, MB/s,
 * peak RSS, speed against DuckDB-2, time against the floor), and with --json the results as JSON.
 * Speed is shown, never asserted.
 *
 *   npm run bench -- [--rows N] [--rounds N] [--quick] [--json] [--only micro|macro] [--skip name,…]
 *                    [--store embedded|server] [--workers 1,2] [--base DIR] [--payouts N]
 *
 * `--base DIR`: another build's checkout (a `git worktree` of an earlier commit, installed and built),
 * whose `bin/recon` runs in the same rounds beside this one's, right after it: a change is measured
 * against the build before it side by side (`--skip floor,naive,duckdb` leaves just the two).
 *
 * `--payouts N`: this build's `recon run` also runs reading a payout file of N rows
 * (bench/payout-file.ts), the third leg (issue 27), beside the run without it; the base build's
 * runs without one.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { generate } from '../data-gen/generate.js';
import { packagePath } from '../src/core/package-path.js';
import { loadCalendar } from '../src/inputs/calendar.js';
import { loadMerchants } from '../src/inputs/merchants-file.js';
import { type MicroResult, runMicro } from './micro.js';
import { writePayoutFile } from './payout-file.js';
import { profileScanRates } from './profile-scan.js';
import { freshServerDb } from './server-db.js';

interface Args {
  rows: number;
  quick: boolean;
  json: boolean;
  only: 'micro' | 'macro' | undefined;
  skip: Set<string>;
  store: 'embedded' | 'server';
  workers: number[];
  /** Rounds of the macro benchmark (default 3; 1 with --quick). */
  rounds: number;
  /** Another build's checkout, run beside this one (`recon-base`). */
  base: string | undefined;
  /** Rows of the payout file this build's run reads (0: none). */
  payouts: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    rows: 5_000_000,
    quick: false,
    json: false,
    only: undefined,
    skip: new Set(),
    store: process.env.DATABASE_URL ? 'server' : 'embedded',
    workers: [1, 2],
    rounds: 3,
    base: undefined,
    payouts: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--rows') a.rows = Number(v());
    else if (k === '--quick') a.quick = true;
    else if (k === '--json') a.json = true;
    else if (k === '--only') a.only = v() as Args['only'];
    else if (k === '--skip') for (const s of v().split(',')) a.skip.add(s);
    else if (k === '--store') a.store = v() as Args['store'];
    else if (k === '--workers') a.workers = v().split(',').map(Number);
    else if (k === '--rounds') a.rounds = Number(v());
    else if (k === '--base') a.base = v();
    else if (k === '--payouts') a.payouts = Number(v());
    else throw new Error(`unknown argument ${k}`);
  }
  if (a.quick && !argv.includes('--rows')) a.rows = 20_000;
  if (a.quick && !argv.includes('--rounds')) a.rounds = 1;
  if (!Number.isInteger(a.rounds) || a.rounds < 1) throw new Error('--rounds must be an integer ≥ 1');
  if (!Number.isInteger(a.rows) || a.rows < 1000) throw new Error('--rows must be an integer ≥ 1000');
  if (!Number.isInteger(a.payouts) || a.payouts < 0) throw new Error('--payouts must be an integer ≥ 0');
  if (a.store === 'server' && !process.env.DATABASE_URL) throw new Error('--store server needs DATABASE_URL');
  return a;
}

const DATE = '2026-11-19'; // a Thursday: a full working day

interface MacroResult {
  name: string;
  /** The median of `runs`. */
  seconds: number;
  /** Each round's seconds, in round order. */
  runs: number[];
  rows: number;
  bytes: number;
  peakRssMb: number | null;
  detail: Record<string, unknown>;
}

/** Runs a command, timing it and reading its peak RSS through /usr/bin/time when there is one. */
function measure(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { seconds: number; peakRssMb: number | null; stdout: string } {
  const timer = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = timer
    ? spawnSync('/usr/bin/time', ['-f', 'RECON_BENCH %e %M', cmd, ...args], {
        encoding: 'utf8',
        env,
        maxBuffer: 64 << 20,
      })
    : spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(`${name} failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  const m = timer ? /RECON_BENCH ([\d.]+) (\d+)/.exec(r.stderr) : null;
  return { seconds, peakRssMb: m ? Number(m[2]) / 1024 : null, stdout: r.stdout };
}

/** The median of `xs` (the lower middle one of an even count, so that it is one of them). */
function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}

function countLines(path: string): number {
  let lines = 0;
  const buf = Buffer.allocUnsafe(4 << 20);
  const fd = openSync(path, 'r');
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    for (let at = buf.indexOf(10); at >= 0 && at < n; at = buf.indexOf(10, at + 1)) lines++;
  }
  closeSync(fd);
  return lines - 1;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const out = packagePath('bench/out');
  const dataDir = join(out, `data-${args.rows}`);
  const journal = join(dataDir, 'journal', `${DATE}.csv`);
  const clearing = join(dataDir, 'clearing', `${DATE}.csv`);
  const merchants = join(dataDir, 'merchants.csv');
  if (!existsSync(journal)) {
    process.stderr.write(`bench: generating ${args.rows.toLocaleString('en-US')} rows into ${dataDir}\n`);
    generate({ date: DATE, days: 1, rows: args.rows, seed: 1, out: dataDir, calendar: loadCalendar(undefined).spec });
  }
  const payoutFile = join(dataDir, `payout-${args.payouts}.csv`);
  if (args.payouts > 0 && !existsSync(payoutFile)) writePayoutFile(payoutFile, merchants, DATE, args.payouts);
  const bytes = statSync(journal).size + statSync(clearing).size;
  const rows = countLines(journal) + countLines(clearing);
  const machine = {
    cpus: availableParallelism(),
    model: cpus()[0]?.model ?? 'unknown',
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };

  let micro: MicroResult[] = [];
  if (args.only !== 'macro') {
    process.stderr.write('bench: micro benchmarks\n');
    const sample = readFileSync(journal).subarray(0, args.quick ? 1 << 20 : 16 << 20);
    const cut = sample.lastIndexOf(10) + 1;
    micro = await runMicro(sample.subarray(0, cut), loadMerchants(merchants), args.quick);
    // Issue 13: the clearing side as a WeChat bill read through its profile, against recon's layout.
    const r = profileScanRates(dataDir, args.quick ? 4 : 32, args.quick ? 3 : 11, () => undefined);
    micro.push(
      { name: "scan (clearing, recon's own layout)", rate: r.own, unit: 'rows/s' },
      { name: 'scan (clearing as a WeChat bill, profile)', rate: r.wechat, unit: 'rows/s' },
      { name: 'WeChat bill / own layout (issue 13: >= 0.75)', rate: r.ratio, unit: 'x the rows/s' },
    );
  }

  const macro: MacroResult[] = [];
  if (args.only !== 'micro') {
    const node = process.execPath;
    const dist = packagePath('dist/bench');
    /** A program of the macro benchmark; `prepare` runs before each round's run, off the clock. */
    interface Program {
      name: string;
      cmd: string;
      argv: (target: string) => string[];
      prepare?: () => Promise<{ target: string; done: () => Promise<void> }>;
    }
    const programs: Program[] = [];
    const add = (p: Program): void => {
      if (!args.skip.has(p.name.split(' ')[0]!)) programs.push(p);
    };
    add({ name: 'floor (read + count lines)', cmd: node, argv: () => [join(dist, 'floor.js'), journal, clearing] });
    add({
      name: 'naive (fast-csv + Map, 1 thread)',
      cmd: node,
      argv: () => [join(dist, 'naive.js'), journal, clearing],
    });
    for (const t of [1, 2])
      add({
        name: `duckdb (${t} thread${t > 1 ? 's' : ''})`,
        cmd: node,
        argv: () => [join(dist, 'duck.js'), String(t), journal, clearing],
      });
    /** `recon run` of the build at `root` (this checkout, or --base), each round on a fresh, migrated store. */
    const reconProgram = (label: string, root: string, w: number, payout: string[] = []): Program => ({
      name: `${label} (${w} worker${w > 1 ? 's' : ''}, ${args.store} store${payout.length ? ', payouts' : ''})`,
      cmd: join(root, 'bin/recon'),
      argv: (db) =>
        ['run', '--date', DATE, '--journal', journal, '--clearing', clearing, '--merchants', merchants].concat([
          ...payout,
          '--db',
          db,
          '--workers',
          String(w),
          '--json',
          '--quiet',
        ]),
      // A fresh, migrated store each round: it exists before the clock starts (a nightly run
      // finds it there), and creating it is not part of a run.
      prepare: async () => {
        let db: string;
        let drop: () => Promise<void>;
        if (args.store === 'server') {
          const fresh = await freshServerDb();
          db = fresh.url;
          drop = fresh.drop;
        } else {
          db = join(out, `store-${process.pid}-${w}`);
          rmSync(db, { recursive: true, force: true });
          drop = async () => rmSync(db, { recursive: true, force: true });
        }
        const migrated = spawnSync(join(root, 'bin/recon'), ['db', 'migrate', '--db', db], { encoding: 'utf8' });
        if (migrated.status !== 0) {
          await drop();
          throw new Error(`recon db migrate failed: ${migrated.stderr}`);
        }
        return { target: db, done: drop };
      },
    });
    for (const w of args.workers) {
      add(reconProgram('recon', packagePath('.'), w));
      // With --payouts, this build with the payout file too: its difference from the run without
      // it is the leg's own work; from the base build's run, everything the leg added.
      if (args.payouts > 0) add(reconProgram('recon', packagePath('.'), w, ['--payout', payoutFile]));
      if (args.base !== undefined) add(reconProgram('recon-base', args.base, w));
    }
    const runs = programs.map(() => [] as { seconds: number; peakRssMb: number | null; stdout: string }[]);
    for (let round = 0; round < args.rounds; round++) {
      for (const [k, p] of programs.entries()) {
        process.stderr.write(`bench: round ${round + 1}/${args.rounds}: ${p.name}\n`);
        const prepared = p.prepare ? await p.prepare() : undefined;
        try {
          runs[k]!.push(measure(p.name, p.cmd, p.argv(prepared?.target ?? ''), process.env));
        } finally {
          await prepared?.done();
        }
      }
    }
    for (const [k, p] of programs.entries()) {
      const ms = runs[k]!;
      const seconds = median(ms.map((m) => m.seconds));
      const mid = ms.find((m) => m.seconds === seconds) ?? ms[0]!;
      let detail: Record<string, unknown> = {};
      try {
        detail = JSON.parse(mid.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
      } catch {
        detail = {};
      }
      const rss = ms.map((m) => m.peakRssMb).filter((r): r is number => r !== null);
      macro.push({
        name: p.name,
        seconds,
        runs: ms.map((m) => m.seconds),
        rows,
        bytes,
        peakRssMb: rss.length ? Math.max(...rss) : null,
        detail,
      });
    }
  }

  const duck2 = macro.find((m) => m.name.startsWith('duckdb (2'))?.seconds;
  const floor = macro.find((m) => m.name.startsWith('floor'))?.seconds;
  const result = {
    date: new Date().toISOString(),
    machine,
    rows,
    bytes,
    micro,
    macro: macro.map((m) => ({
      ...m,
      rowsPerSecond: m.rows / m.seconds,
      mbPerSecond: m.bytes / 1e6 / m.seconds,
      speedVsDuckdb2: duck2 ? duck2 / m.seconds : null,
      timesFloor: floor ? m.seconds / floor : null,
    })),
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (args.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const lines: string[] = [];
  lines.push(`machine: ${machine.cpus} cores (${machine.model}), ${machine.memGb} GiB, Node ${machine.node}`);
  lines.push(
    `input: ${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(0)} MB (journal + clearing of ${DATE})`,
  );
  if (micro.length) {
    lines.push('', 'micro                                          rate');
    for (const m of micro)
      lines.push(
        `  ${m.name.padEnd(42)} ${(m.rate < 100 ? m.rate.toFixed(2) : Math.round(m.rate).toLocaleString('en-US')).padStart(14)} ${m.unit}`,
      );
  }
  if (result.macro.length) {
    lines.push(
      '',
      `end to end, median of ${args.rounds} alternating round${args.rounds > 1 ? 's' : ''}`,
      'program                                      seconds       rows/s     MB/s   peak RSS   vs DuckDB-2   × floor   rounds',
    );
    for (const m of result.macro) {
      lines.push(
        `  ${m.name.padEnd(42)} ${m.seconds.toFixed(2).padStart(8)} ${Math.round(m.rowsPerSecond).toLocaleString('en-US').padStart(12)} ${m.mbPerSecond.toFixed(0).padStart(8)} ${(m.peakRssMb === null ? '?' : `${m.peakRssMb.toFixed(0)} MB`).padStart(10)} ${(m.speedVsDuckdb2 === null ? '' : `${m.speedVsDuckdb2.toFixed(2)}x`).padStart(13)} ${(m.timesFloor === null ? '' : `${m.timesFloor.toFixed(1)}`).padStart(9)}   ${m.runs.map((x) => x.toFixed(2)).join(' ')}`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
