/** `recon exceptions`: the findings a run raised, with their current status, as CSV or JSON lines. */
import { KIND_NAMES } from '../../core/codes.js';
import { checkDate } from '../checks.js';
import type { Command } from '../command.js';
import { dbOption, withExistingStore } from '../store-access.js';

export const exceptionsCommand: Command = {
  name: 'exceptions',
  register: (cli, { io, env }) =>
    cli.command(
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
          { io, env },
          a.db,
          async (store) => {
            const { exportExceptions } = await import('../../reports/exceptions-export.js');
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
    ),
};
