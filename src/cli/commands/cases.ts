/**
 * `recon cases`: the work queue across dates (DESIGN §10; cases/queue.ts), filtered, in the order
 * people work it (due date, then id), as a table, as CSV for the spreadsheet loop (with the empty
 * action, reason, note and owner columns `recon case apply` reads back) or as JSON lines. Streams.
 */
import type { Argv } from 'yargs';
import { KIND_NAMES } from '../../core/codes.js';
import { parseIsoDate } from '../../core/dates.js';
import { UsageError } from '../../core/usage-error.js';
import type { Store } from '../../store/store.js';
import type { CliEnv } from '../cli-env.js';
import type { Command, FlagsOf } from '../command.js';
import { dbOption, withExistingStore } from '../store-access.js';

/** The filters of `recon cases`, which the actions of `recon case` take instead of ids. */
export function queueFilters<T>(y: Argv<T>) {
  return y
    .option('state', {
      describe: 'only cases in these states',
      type: 'array',
      string: true,
      choices: ['new', 'assigned', 'pending_approval', 'closed', 'reopened'],
    })
    .option('owner', { describe: "only this user's cases", type: 'string' })
    .option('kind', { describe: 'only these kinds', type: 'array', string: true, choices: [...KIND_NAMES] })
    .option('merchant', { describe: 'only these merchant ids', type: 'array', string: true })
    .option('overdue', { describe: 'only cases past their due date and not closed', type: 'boolean' })
    .option('orphaned', { describe: 'only cases whose finding a rerun or replay no longer raises', type: 'boolean' })
    .option('min-amount', {
      describe: 'only findings with at least this much at stake, in minor units (fen)',
      type: 'number',
    });
}

type QueueFlags = FlagsOf<typeof queueFilters>;

export function filterOf(a: QueueFlags): import('../../cases/queue.js').QueueFilter {
  return {
    ...(a.state?.length ? { states: a.state.map(String) } : {}),
    ...(a.owner !== undefined ? { owner: a.owner } : {}),
    ...(a.kind?.length ? { kinds: a.kind.map(String) } : {}),
    ...(a.merchant?.length ? { merchants: a.merchant.map(String) } : {}),
    ...(a.overdue ? { overdue: true } : {}),
    ...(a.orphaned ? { orphaned: true } : {}),
    ...(a.minAmount !== undefined ? { minAmount: a.minAmount } : {}),
  };
}

/** The date overdue counts from: RECON_TODAY, else today in the zone of the store's latest run. */
export async function todayOf(env: CliEnv, store: Store): Promise<string> {
  if (env.today !== undefined) {
    if (Number.isNaN(parseIsoDate(env.today)))
      throw new UsageError(`RECON_TODAY must be a date YYYY-MM-DD, got ${JSON.stringify(env.today)}`);
    return env.today;
  }
  const { storeZone, todayIn } = await import('../../cases/queue.js');
  return todayIn(await storeZone(store));
}

export const casesCommand: Command = {
  name: 'cases',
  register: (cli, { io, env }) =>
    cli.command(
      'cases',
      'the work queue: cases across dates, by due date (filters as below)',
      (y) =>
        queueFilters(y)
          .option('format', {
            describe: 'table for people, csv for the spreadsheet loop (recon case apply), json lines for programs',
            choices: ['table', 'csv', 'json'] as const,
            default: 'table' as const,
          })
          .option('db', dbOption),
      async (a) => {
        const { streamQueue } = await import('../../cases/queue.js');
        await withExistingStore(
          { io, env },
          a.db,
          async (store) => streamQueue(store, filterOf(a), await todayOf(env, store), a.format, io.stdout),
          true,
        );
      },
    ),
};
