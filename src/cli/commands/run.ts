/** `recon run`: one date reconciled and committed (src/run), or replayed with the dates after it. */
import type { Argv } from 'yargs';
import { dataDirFiles } from '../../inputs/data-dir.js';
import { InputError } from '../../inputs/errors.js';
import { OWN_FORMAT, SHIPPED_PROFILES, SHIPPED_SIDES } from '../../inputs/profiles/profile-file.js';
import { type FilledRunOptions, fillRunOptions, type RunOptions } from '../../run/options.js';
import { createPool } from '../../run/pool.js';
import { logProgress, type Progress, silentProgress, ttyProgress } from '../../run/progress.js';
import { type RunDeps, runDay } from '../../run/run-day.js';
import { type Pruned, reclaim } from '../../store/retention.js';
import type { Store } from '../../store/store.js';
import { checkDate } from '../checks.js';
import type { CliIo } from '../cli-env.js';
import type { CliContext, Command, FlagsOf } from '../command.js';
import { formatSummary } from '../format-summary.js';
import { dbOption, withStore } from '../store-access.js';

/** --journal-format / --clearing-format: recon's own layout or a profile (docs/profiles.md). */
function formatOption(side: 'journal' | 'clearing' | 'payout') {
  const shipped = SHIPPED_PROFILES.filter((p) => SHIPPED_SIDES[p] === side);
  const named = shipped.length === 0 ? '' : `a shipped profile (${shipped.join(', ')}), `;
  return {
    describe: `layout of the ${side} files: recon (its own CSV), ${named}or a profile file (docs/profiles.md)`,
    type: 'string',
    default: OWN_FORMAT,
  } as const;
}

/** The options of `recon run` and their checks. */
function runFlags(y: Argv) {
  return y
    .option('date', { describe: 'the run date D, YYYY-MM-DD', type: 'string', demandOption: true })
    .option('data-dir', {
      describe: 'read DIR/journal/D*.csv, DIR/clearing/D*.csv, DIR/payout/D*.csv and DIR/merchants.csv',
      type: 'string',
    })
    .option('journal', { describe: 'journal file(s)', type: 'array', string: true })
    .option('clearing', { describe: 'clearing file(s)', type: 'array', string: true })
    .option('payout', {
      describe: "payout result file(s): the acquirer's payouts to the merchants' accounts (the third leg)",
      type: 'array',
      string: true,
    })
    .option('merchants', { describe: 'merchants file (cycle, mdr_bps, fee_cap_minor)', type: 'string' })
    .option('calendar', {
      describe: 'calendar JSON (default: the shipped mainland-China calendar)',
      type: 'string',
    })
    .option('journal-format', formatOption('journal'))
    .option('clearing-format', formatOption('clearing'))
    .option('payout-format', formatOption('payout'))
    .option('db', dbOption)
    .option('workers', { describe: 'worker threads (default: available cores)', type: 'number' })
    .option('grace', {
      describe: 'working days after the expected settle date before an item ages',
      type: 'number',
      default: 1,
    })
    .option('keep-runs', {
      describe:
        'the latest runs that can be re-run or replayed; older carried state (open-item snapshots, journal window) is pruned',
      type: 'number',
      default: 7,
    })
    .option('amount-tolerance', {
      describe: 'minor units of |gross − amount| tolerated',
      type: 'number',
      default: 0,
    })
    .option('max-rejects', {
      describe: 'rejected rows tolerated: a count (500) or a share (1%)',
      type: 'string',
      default: '1%',
    })
    .option('force', {
      describe: 'load files even if their content was loaded before',
      type: 'boolean',
      default: false,
    })
    .option('memory', {
      describe: 'memory budget for the rows (2g, 512m): beyond half of it they spill to Arrow IPC files',
      type: 'string',
      default: '2g',
    })
    .option('spill-dir', { describe: 'directory for spill files (default: the OS temp dir)', type: 'string' })
    .option('max-inflate-ratio', {
      describe:
        'a gzip input may decompress to at most N times its size, a zip entry declare at most N times its compressed size',
      type: 'number',
      default: 100,
    })
    .option('replay', {
      describe:
        'when later dates exist: redo D with these inputs, then each later date with its recorded inputs, in order',
      type: 'boolean',
      default: false,
    })
    .option('json', { describe: 'print one JSON summary on stdout', type: 'boolean', default: false })
    .option('quiet', { describe: 'no progress on stderr', type: 'boolean', default: false })
    .conflicts('data-dir', ['journal', 'clearing', 'payout'])
    .check(checkDate);
}

type RunFlags = FlagsOf<typeof runFlags>;

export const runCommand: Command = {
  name: 'run',
  register: (cli, ctx) =>
    cli.command('run', 'reconcile one date and commit its exceptions to the store', runFlags, (a) => reconcile(a, ctx)),
};

/** The flags as the run's options, then the run of D (or, with --replay, of D and the dates after it). */
async function reconcile(a: RunFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const options = runOptions(a, ctx);
  const progress = progressFor(a.quiet, ctx);
  // The workers start now, while the store opens and the inputs are planned: each takes a
  // few hundred milliseconds to load its code, and the first scan tasks used to wait for it.
  const pool = io.pool ?? createPool(options.workers, options.fault);
  try {
    if (a.replay) await replayDates(a, options, { progress, pool }, ctx);
    else await runDate(a, options, { progress, pool }, ctx);
  } finally {
    if (!io.pool) await pool.destroy();
  }
}

/** The run's options from its flags (and RECON_FAULT), checked by fillRunOptions. */
function runOptions(a: RunFlags, { env }: CliContext): FilledRunOptions {
  return fillRunOptions({
    date: a.date,
    ...inputFiles(a),
    calendar: a.calendar,
    journalFormat: a.journalFormat,
    clearingFormat: a.clearingFormat,
    payoutFormat: a.payoutFormat,
    ...(a.workers !== undefined ? { workers: a.workers } : {}),
    grace: a.grace,
    keepRuns: a.keepRuns,
    amountTolerance: a.amountTolerance,
    maxRejects: a.maxRejects,
    force: a.force,
    memory: a.memory,
    spillDir: a.spillDir,
    maxInflateRatio: a.maxInflateRatio,
    fault: env.fault,
  });
}

/**
 * The run's files: --journal, --clearing and --payout as given, or those of --data-dir for D, with its
 * merchants.csv unless --merchants names one; a --data-dir with neither kind for D is an input error.
 */
function inputFiles(a: RunFlags): Pick<RunOptions, 'journal' | 'clearing' | 'payout' | 'merchants'> {
  if (!a.dataDir) {
    return {
      journal: (a.journal ?? []).map(String),
      clearing: (a.clearing ?? []).map(String),
      payout: (a.payout ?? []).map(String),
      merchants: a.merchants,
    };
  }
  const f = dataDirFiles(a.dataDir, a.date);
  if (f.journal.length === 0 && f.clearing.length === 0)
    throw new InputError(
      a.dataDir,
      `no input files for ${a.date} (looked for journal/${a.date}*.csv and clearing/${a.date}*.csv, or .csv.gz or .zip, in any case)`,
    );
  return { journal: f.journal, clearing: f.clearing, payout: f.payout, merchants: a.merchants ?? f.merchants };
}

/** A terminal gets a live line; a log (cron, CI) a plain line every 10 s (RECON_PROGRESS_SECONDS); --quiet neither. */
function progressFor(quiet: boolean, { io, env }: CliContext): Progress {
  if (quiet) return silentProgress;
  return io.stderr.isTTY ? ttyProgress(io.stderr as NodeJS.WriteStream) : logProgress(io.stderr, env.progressEveryMs);
}

/** D's run, committed, and its summary on stdout. */
async function runDate(a: RunFlags, options: FilledRunOptions, deps: RunDeps, { io, env }: CliContext): Promise<void> {
  const summary = await withStore({ io, env }, a.db, async (store) => {
    const s = await runDay(store, options, deps);
    await reclaimOrWarn(store, [s.pruned], 'the run', io.stderr);
    return s;
  });
  io.stdout.write(a.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
}

/** --replay: D with these inputs, then each later date with its recorded ones, committed; their summaries on stdout. */
async function replayDates(
  a: RunFlags,
  options: FilledRunOptions,
  deps: RunDeps,
  { io, env }: CliContext,
): Promise<void> {
  const { replay } = await import('../../run/replay.js');
  const summaries = await withStore({ io, env }, a.db, async (store) => {
    const out = await replay(store, options, deps);
    await reclaimOrWarn(
      store,
      out.map((s) => s.pruned),
      'the replay',
      io.stderr,
    );
    return out;
  });
  io.stdout.write(
    a.json ? `${JSON.stringify({ replay: summaries })}\n` : `${summaries.map(formatSummary).join('\n\n')}\n`,
  );
}

/**
 * Retention: the space the runs pruned made reusable (store/retention.ts). The runs are committed:
 * a failure here is a warning, not theirs.
 */
async function reclaimOrWarn(
  store: Store,
  pruned: readonly Pruned[],
  what: string,
  stderr: CliIo['stderr'],
): Promise<void> {
  await reclaim(store, pruned).catch((e: unknown) =>
    stderr.write(`recon: warning: VACUUM after ${what} failed: ${(e as Error).message}\n`),
  );
}
