/** `recon run`: one date reconciled and committed (src/run), or replayed with the dates after it. */
import { dataDirFiles } from '../../inputs/data-dir.js';
import { InputError } from '../../inputs/errors.js';
import { OWN_FORMAT, SHIPPED_PROFILES } from '../../inputs/profiles/profile-file.js';
import { fillRunOptions } from '../../run/options.js';
import { createPool } from '../../run/pool.js';
import { logProgress, silentProgress, ttyProgress } from '../../run/progress.js';
import { runDay } from '../../run/run-day.js';
import { reclaim } from '../../store/retention.js';
import { checkDate } from '../checks.js';
import type { Command } from '../command.js';
import { formatSummary } from '../format-summary.js';
import { dbOption, withStore } from '../store-access.js';

/** --journal-format / --clearing-format: recon's own layout or a profile (docs/profiles.md). */
function formatOption(side: 'journal' | 'clearing') {
  return {
    describe: `layout of the ${side} files: recon (its own CSV), a shipped profile (${SHIPPED_PROFILES.join(', ')}) or a profile file (docs/profiles.md)`,
    type: 'string',
    default: OWN_FORMAT,
  } as const;
}

export const runCommand: Command = {
  name: 'run',
  register: (cli, { io, env }) =>
    cli.command(
      'run',
      'reconcile one date and commit its exceptions to the store',
      (y) =>
        y
          .option('date', { describe: 'the run date D, YYYY-MM-DD', type: 'string', demandOption: true })
          .option('data-dir', {
            describe: 'read DIR/journal/D*.csv, DIR/clearing/D*.csv and DIR/merchants.csv',
            type: 'string',
          })
          .option('journal', { describe: 'journal file(s)', type: 'array', string: true })
          .option('clearing', { describe: 'clearing file(s)', type: 'array', string: true })
          .option('merchants', { describe: 'merchants file (cycle, mdr_bps, fee_cap_minor)', type: 'string' })
          .option('calendar', {
            describe: 'calendar JSON (default: the shipped mainland-China calendar)',
            type: 'string',
          })
          .option('journal-format', formatOption('journal'))
          .option('clearing-format', formatOption('clearing'))
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
          .conflicts('data-dir', ['journal', 'clearing'])
          .check(checkDate),
      async (a) => {
        let journal = (a.journal ?? []).map(String);
        let clearing = (a.clearing ?? []).map(String);
        let merchants = a.merchants;
        if (a.dataDir) {
          const f = dataDirFiles(a.dataDir, a.date);
          journal = f.journal;
          clearing = f.clearing;
          merchants ??= f.merchants;
          if (journal.length === 0 && clearing.length === 0)
            throw new InputError(
              a.dataDir,
              `no input files for ${a.date} (looked for journal/${a.date}*.csv and clearing/${a.date}*.csv, or .csv.gz or .zip, in any case)`,
            );
        }
        const options = fillRunOptions({
          date: a.date,
          journal,
          clearing,
          merchants,
          calendar: a.calendar,
          journalFormat: a.journalFormat,
          clearingFormat: a.clearingFormat,
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
        // A terminal gets a live line; a log (cron, CI) a plain line every 10 s; --quiet neither.
        const progress = a.quiet
          ? silentProgress
          : io.stderr.isTTY
            ? ttyProgress(io.stderr as NodeJS.WriteStream)
            : logProgress(io.stderr, env.progressEveryMs);
        // The workers start now, while the store opens and the inputs are planned: each takes a
        // few hundred milliseconds to load its code, and the first scan tasks used to wait for it.
        const pool = io.pool ?? createPool(options.workers, options.fault);
        try {
          if (a.replay) {
            const { replay } = await import('../../run/replay.js');
            const summaries = await withStore(env, a.db, async (store) => {
              const out = await replay(store, options, { progress, pool });
              await reclaim(
                store,
                out.map((s) => s.pruned),
              ).catch((e: unknown) =>
                io.stderr.write(`recon: warning: VACUUM after the replay failed: ${(e as Error).message}\n`),
              );
              return out;
            });
            io.stdout.write(
              a.json ? `${JSON.stringify({ replay: summaries })}\n` : `${summaries.map(formatSummary).join('\n\n')}\n`,
            );
            return;
          }
          const summary = await withStore(env, a.db, async (store) => {
            const s = await runDay(store, options, { progress, pool });
            // Retention: the space the run pruned made reusable (store/retention.ts). The run is
            // committed: a failure here is a warning, not the run's.
            await reclaim(store, [s.pruned]).catch((e: unknown) =>
              io.stderr.write(`recon: warning: VACUUM after the run failed: ${(e as Error).message}\n`),
            );
            return s;
          });
          io.stdout.write(a.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
        } finally {
          if (!io.pool) await pool.destroy();
        }
      },
    ),
};
