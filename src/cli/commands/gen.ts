/** `recon gen`: synthetic days (journals, clearing files, payouts, merchants) and their ground truth (data-gen/). */
import { UsageError } from '../../core/usage-error.js';
import { loadCalendar } from '../../inputs/calendar.js';
import { checkDate } from '../checks.js';
import type { Command } from '../command.js';
import { writingTo } from '../output.js';

/** --days and --rows at least 1, --seed at least 0, all whole numbers. */
function checkCounts(a: { days: number; rows: number; seed: number }): true {
  for (const [k, v] of [
    ['--days', a.days],
    ['--rows', a.rows],
    ['--seed', a.seed],
  ] as const) {
    if (!Number.isInteger(v) || v < (k === '--seed' ? 0 : 1))
      throw new UsageError(`${k} must be a positive integer, got ${v}`);
  }
  return true;
}

export const genCommand: Command = {
  name: 'gen',
  register: (cli, { io }) =>
    cli.command(
      'gen',
      'generate synthetic days (journals, clearing files, payouts, merchants) and their ground truth',
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
          .option('payouts', {
            describe:
              'write the payout results (DIR/payout/D.csv: paid on time, late, never, short, over, returned, failed, held, twice, split, unexpected) and their findings; --no-payouts: journals and clearing files only',
            type: 'boolean',
            default: true,
          })
          .option('force', {
            describe:
              'write into an --out that holds day files, merchants.csv or truth.csv an earlier gen did not write (they are kept unless gen writes the same name)',
            type: 'boolean',
            default: false,
          })
          .check(checkDate)
          .check(checkCounts),
      async (a) => {
        const t0 = performance.now();
        const calendar = loadCalendar(a.calendar);
        const generate = writingTo(
          '--out',
          a.out,
          'the generated files',
          (await import('../../../data-gen/generate.js')).generate,
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
          payouts: a.payouts,
        });
        const secs = (performance.now() - t0) / 1000;
        io.stderr.write(
          `recon gen: ${s.days.length} days (${s.days[0]}..${s.days.at(-1)}) in ${a.out}: ${s.journalRows.toLocaleString('en-US')} journal rows, ${s.clearingRows.toLocaleString('en-US')} clearing rows, ${s.payoutRows.toLocaleString('en-US')} payout rows, ${s.truth.length} planted findings in truth.csv (${secs.toFixed(1)}s)\n`,
        );
      },
    ),
};
