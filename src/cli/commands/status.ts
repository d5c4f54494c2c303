/** `recon status`: the chain of runs and what is still open (reports/status.ts). */
import { UsageError } from '../../core/usage-error.js';
import type { Command } from '../command.js';
import { dbOption, withExistingStore } from '../store-access.js';

export const statusCommand: Command = {
  name: 'status',
  register: (cli, { io, env }) =>
    cli.command(
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
        const { formatStatus, storeStatus } = await import('../../reports/status.js');
        const { todayOf } = await import('./cases.js');
        const report = await withExistingStore(
          { io, env },
          a.db,
          async (store) => storeStatus(store, a.days, await todayOf(env, store)),
          true,
        );
        io.stdout.write(a.json ? `${JSON.stringify(report)}\n` : formatStatus(report));
      },
    ),
};
