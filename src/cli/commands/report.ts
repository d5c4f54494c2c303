/** `recon report`: the morning report of a run date, one self-contained HTML file (reports/morning-report.ts). */
import { writeFileSync } from 'node:fs';
import { UsageError } from '../../core/usage-error.js';
import { checkDate } from '../checks.js';
import type { Command } from '../command.js';
import { cannotWrite } from '../output.js';
import { dbOption, withExistingStore } from '../store-access.js';

export const reportCommand: Command = {
  name: 'report',
  register: (cli, { io, env }) =>
    cli.command(
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
        const { renderReport, reportData } = await import('../../reports/morning-report.js');
        const data = await withExistingStore({ io, env }, a.db, (store) => reportData(store, a.date, a.days), true);
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
    ),
};
