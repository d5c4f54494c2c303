/** `recon rejects`: the rejected rows of a run, with file, line, column, reason and masked raw text. */
import { checkDate } from '../checks.js';
import type { Command } from '../command.js';
import { dbOption, withExistingStore } from '../store-access.js';

export const rejectsCommand: Command = {
  name: 'rejects',
  register: (cli, { io, env }) =>
    cli.command(
      'rejects',
      'list the rejected rows of the run of a date: file, line, column, reason, raw text (card numbers masked)',
      (y) =>
        y
          .option('date', { describe: 'the run date, YYYY-MM-DD', type: 'string', demandOption: true })
          .option('format', {
            describe: 'csv (with header) or json (one object per line)',
            choices: ['csv', 'json'] as const,
            default: 'csv' as const,
          })
          .option('db', dbOption)
          .check(checkDate),
      async (a) => {
        const { exportRejects } = await import('../../reports/rejects.js');
        await withExistingStore({ io, env }, a.db, (store) => exportRejects(store, a.date, a.format, io.stdout), true);
      },
    ),
};
