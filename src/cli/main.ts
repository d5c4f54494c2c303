/**
 * The `recon` command line (DESIGN §8): yargs commands that read flags into typed options and call
 * the library. `main` reads the environment once (cli-env.ts) and writes to the streams it is given
 * (CliIo): bin/recon gives the process's, tests their own. Every failure ends as one line on stderr
 * and an exit code (failure.ts). Each command's own modules (the generator, the report, the export,
 * replay, status) are loaded by its handler: `recon run`, every night, does not pay for compiling
 * the others.
 */

import { writeFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { KIND_NAMES } from '../core/codes.js';
import { UsageError } from '../core/usage-error.js';
import { loadCalendar } from '../inputs/calendar.js';
import { dataDirFiles } from '../inputs/data-dir.js';
import { InputError } from '../inputs/errors.js';
import { OWN_FORMAT, SHIPPED_PROFILES } from '../inputs/profiles/profile-file.js';
import { fillRunOptions } from '../run/options.js';
import { createPool } from '../run/pool.js';
import { logProgress, silentProgress, ttyProgress } from '../run/progress.js';
import { runDay } from '../run/run-day.js';
import { migrate, RECON_LOCK_KEY } from '../store/migrate.js';
import { openStore } from '../store/open-store.js';
import { reclaim } from '../store/retention.js';
import { checkChoices, checkDate, dateCheck } from './checks.js';
import { type CliEnv, type CliIo, cliEnv, processIo } from './cli-env.js';
import { reportFailure } from './failure.js';
import { formatSummary } from './format-summary.js';
import { cannotWrite, writingTo } from './output.js';
import { dbOption, storeTarget, withExistingStore, withStore } from './store-access.js';

/** --journal-format / --clearing-format: recon's own layout or a profile (docs/profiles.md). */
function formatOption(side: 'journal' | 'clearing') {
  return {
    describe: `layout of the ${side} files: recon (its own CSV), a shipped profile (${SHIPPED_PROFILES.join(', ')}) or a profile file (docs/profiles.md)`,
    type: 'string',
    default: OWN_FORMAT,
  } as const;
}

/**
 * The commands. yargs' own messages are in English whatever LANG or LC_ALL say (.locale), as recon's
 * are; .fail keeps the first line of yargs' text (the lines below it list details), and choices are
 * checked by checkChoices before yargs would.
 */
export function buildCli(argv: string[], io: CliIo, env: CliEnv = cliEnv(io.env)): Argv {
  return yargs(argv)
    .scriptName('recon')
    .locale('en')
    .usage(
      '$0 <command> [options]\n\nNightly settlement reconciliation of POS terminal journals against acquirer clearing files.',
    )
    .command(
      'gen',
      'generate synthetic days (journals, clearing files, merchants) and their ground truth',
      (y) =>
        y
          .option('date', { describe: 'first day, YYYY-MM-DD', type: 'string', demandOption: true })
          .option('days', { describe: 'number of consecutive days', type: 'number', default: 3 })
          .option('rows', { describe: 'journal rows on a full working day', type: 'number', default: 10_000 })
          .option('seed', { describe: 'random seed (same seed, same files)', type: 'number', default: 1 })
          .option('out', { describe: 'output directory', type: 'string', default: 'data' })
          .option('clearing-format', {
            describe:
              "the clearing files' layout: recon, wechat-trade-bill, alipay-trade-bill or unionpay-zm (a world of order-keyed payments whose clearing files are in that layout; read them with recon run --clearing-format of the same name)",
            choices: ['recon', 'wechat-trade-bill', 'alipay-trade-bill', 'unionpay-zm'] as const,
            default: 'recon' as const,
          })
          .option('calendar', {
            describe: 'calendar JSON (default: the shipped mainland-China calendar)',
            type: 'string',
          })
          .option('force', {
            describe:
              'write into an --out that holds day files, merchants.csv or truth.csv an earlier gen did not write (they are kept unless gen writes the same name)',
            type: 'boolean',
            default: false,
          })
          .check(checkDate),
      async (a) => {
        for (const [k, v] of [
          ['--days', a.days],
          ['--rows', a.rows],
          ['--seed', a.seed],
        ] as const) {
          if (!Number.isInteger(v) || v < (k === '--seed' ? 0 : 1))
            throw new UsageError(`${k} must be a positive integer, got ${v}`);
        }
        const t0 = performance.now();
        const calendar = loadCalendar(a.calendar);
        const generate = writingTo(
          '--out',
          a.out,
          'the generated files',
          (await import('../../data-gen/generate.js')).generate,
        );
        const s = generate({
          date: a.date,
          days: a.days,
          rows: a.rows,
          seed: a.seed,
          out: a.out,
          calendar: calendar.spec,
          calendarPath: calendar.path,
          clearingFormat: a.clearingFormat,
          force: a.force,
        });
        const secs = (performance.now() - t0) / 1000;
        io.stderr.write(
          `recon gen: ${s.days.length} days (${s.days[0]}..${s.days.at(-1)}) in ${a.out}: ${s.journalRows.toLocaleString('en-US')} journal rows, ${s.clearingRows.toLocaleString('en-US')} clearing rows, ${s.truth.length} planted findings in truth.csv (${secs.toFixed(1)}s)\n`,
        );
      },
    )
    .command(
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
            const { replay } = await import('../run/replay.js');
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
    )
    .command(
      'exceptions',
      'list the exceptions raised by the run of a date, with their current status',
      (y) =>
        y
          .option('date', { describe: 'the run date, YYYY-MM-DD', type: 'string', demandOption: true })
          .option('kind', { describe: 'only these kinds', type: 'array', string: true, choices: [...KIND_NAMES] })
          .option('status', { describe: 'only open or only resolved', choices: ['open', 'resolved'] as const })
          .option('merchant', { describe: 'only these merchant ids', type: 'array', string: true })
          .option('min-amount', {
            describe: 'only findings with at least this amount at stake, in minor units (fen)',
            type: 'number',
          })
          .option('format', {
            describe: 'csv (with header) or json (one object per line)',
            choices: ['csv', 'json'] as const,
            default: 'csv' as const,
          })
          .option('db', dbOption)
          .check(checkDate),
      async (a) => {
        await withExistingStore(
          env,
          a.db,
          async (store) => {
            const { exportExceptions } = await import('../reports/exceptions-export.js');
            await exportExceptions(
              store,
              {
                date: a.date,
                kinds: (a.kind ?? []).map(String),
                merchants: (a.merchant ?? []).map(String),
                ...(a.status ? { status: a.status } : {}),
                ...(a.minAmount !== undefined ? { minAmount: a.minAmount } : {}),
              },
              a.format,
              io.stdout,
            );
          },
          true,
        );
      },
    )
    .command(
      'report',
      'write the morning report of a run date as one self-contained HTML file',
      (y) =>
        y
          .option('date', { describe: 'the run date, YYYY-MM-DD', type: 'string', demandOption: true })
          .option('days', {
            describe: 'runs shown in the chart of exceptions per day, up to D',
            type: 'number',
            default: 14,
          })
          .option('out', { describe: 'the HTML file to write', type: 'string', default: 'report.html' })
          .option('db', dbOption)
          .check(checkDate)
          .check((a) => {
            if (!Number.isInteger(a.days) || a.days < 1 || a.days > 366)
              throw new UsageError('--days must be a whole number from 1 to 366');
            return true;
          }),
      async (a) => {
        const { renderReport, reportData } = await import('../reports/morning-report.js');
        const data = await withExistingStore(env, a.db, (store) => reportData(store, a.date, a.days), true);
        const html = renderReport(data);
        try {
          writeFileSync(a.out, html);
        } catch (e) {
          throw cannotWrite('--out', a.out, 'the report', e);
        }
        io.stderr.write(
          `recon: wrote ${a.out} (${data.headline.exceptions.toLocaleString('en-US')} exceptions raised on ${a.date}, ${data.headline.openFindings.toLocaleString('en-US')} open)\n`,
        );
      },
    )
    .command(
      'status',
      'the chain of runs (counts, durations, dates with no run) and what is still open',
      (y) =>
        y
          .option('days', { describe: 'how many dates to list, up to the latest run', type: 'number', default: 14 })
          .option('json', { describe: 'print the status as one JSON object', type: 'boolean', default: false })
          .option('db', dbOption)
          .check((a) => {
            if (!Number.isInteger(a.days) || a.days < 1) throw new UsageError('--days must be a whole number ≥ 1');
            return true;
          }),
      async (a) => {
        const { formatStatus, storeStatus } = await import('../reports/status.js');
        const report = await withExistingStore(env, a.db, (store) => storeStatus(store, a.days), true);
        io.stdout.write(a.json ? `${JSON.stringify(report)}\n` : formatStatus(report));
      },
    )
    .command('db', 'store maintenance', (y) =>
      y
        .command(
          'migrate',
          'create or upgrade the store schema (recon run does it too)',
          (yy) => yy.option('db', dbOption),
          async (a) => {
            const store = await openStore(storeTarget(env, a.db));
            try {
              const r = await migrate(store);
              io.stdout.write(
                r.applied.length
                  ? `applied ${r.applied.join(', ')}; schema at ${r.current} (${store.location})\n`
                  : `schema up to date at ${r.current} (${store.location})\n`,
              );
            } finally {
              await store.close();
            }
          },
        )
        .command(
          'prune',
          'remove the audit trail (findings, rejected rows, runs) before a date; --dry-run says what it would remove',
          (yy) =>
            yy
              .option('before', {
                describe: 'YYYY-MM-DD: remove what is older than this date',
                type: 'string',
                demandOption: true,
              })
              .option('dry-run', { describe: 'count only: change nothing', type: 'boolean', default: false })
              .option('json', { describe: 'print the counts as JSON', type: 'boolean', default: false })
              .option('db', dbOption)
              .check(dateCheck('before')),
          async (a) => {
            const { pruneAuditTrail, reclaimAudit } = await import('../store/retention.js');
            const r = await withExistingStore(env, a.db, async (store) => {
              const out = await store.transaction(async (tx) => {
                await tx.query('select pg_advisory_xact_lock($1)', [RECON_LOCK_KEY]);
                return pruneAuditTrail(tx, a.before, a.dryRun);
              });
              if (!a.dryRun) await reclaimAudit(store);
              return out;
            });
            io.stdout.write(
              a.json
                ? `${JSON.stringify({ dryRun: a.dryRun, ...r })}\n`
                : `${a.dryRun ? 'would remove' : 'removed'} before ${r.before}: ${r.findings.toLocaleString('en-US')} findings, ${r.changeLog.toLocaleString('en-US')} undo entries, ${r.rejectedRows.toLocaleString('en-US')} rejected rows, ${r.runs.toLocaleString('en-US')} runs and ${r.inputFiles.toLocaleString('en-US')} input-file records${r.runsKept > 0 ? ` (${r.runsKept} earlier runs stay: kept findings or open items point into their files)` : ''}\n`,
            );
          },
        )
        .demandCommand(1, 'name a db command: migrate or prune'),
    )
    .demandCommand(1, 'name a command: gen, run, exceptions, report, status or db')
    .strict()
    .help()
    .version(false)
    .wrap(Math.min(110, io.stdout.columns ?? 100))
    .middleware(checkChoices as (argv: Record<string, unknown>) => void, true)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg.split('\n')[0]!);
    });
}

/**
 * yargs renders a command's whole help text before running its handler, to have it ready should
 * the handler fail; recon reports a failure in one line (.fail above) and never shows that text.
 * Rendering `run`'s help took ~60 ms of every run's start (string widths of each option line).
 * This reaches into yargs' usage object (not public API): where it is not there, nothing changes.
 */
function skipHelpCache(cli: Argv): void {
  type Internal = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (cli as unknown as Internal).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

export async function main(argv = hideBin(process.argv), io: CliIo = processIo()): Promise<number> {
  const env = cliEnv(io.env);
  if (io.stdout === process.stdout) {
    // A reader that stops early (`recon exceptions … | head`) is not an error.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  try {
    const cli = buildCli(argv, io, env);
    skipHelpCache(cli);
    await cli.parseAsync();
    return 0;
  } catch (e) {
    return reportFailure(e, io.stderr, env.debug);
  }
}
