/**
 * `recon audit verify|export`: the audit trail of every action on a finding (DESIGN §10;
 * cases/audit-chain.ts). `verify` recomputes the hash chain and names the first event that does not
 * fit (exit 1); `export` writes the events, as CSV or JSON lines, in order.
 */
import { dateCheck } from '../checks.js';
import { addCommands, type Command } from '../command.js';
import { ExitWith } from '../failure.js';
import { dbOption, withExistingStore } from '../store-access.js';

/** Exit code of a trail that does not verify: not a usage or input error, a finding. */
const EXIT_BROKEN = 1;

const verify: Command = {
  name: 'verify',
  register: (cli, { io, env }) =>
    cli.command(
      'verify',
      'recompute the hash chain of the audit trail; exit 1 naming the first event that does not fit',
      (y) => y.option('db', dbOption),
      async (a) => {
        const { verifyChain } = await import('../../cases/audit-chain.js');
        const check = await withExistingStore({ io, env }, a.db, (store) => verifyChain(store), true);
        const cuts = check.cuts > 0 ? `, across ${check.cuts} stretch(es) recon db prune removed` : '';
        if (check.broken) {
          const b = check.broken;
          throw new ExitWith(
            EXIT_BROKEN,
            `the audit trail is broken at event ${b.seq} (${b.at}): ${b.why}; the ${check.events} event(s) before it hold${cuts}`,
          );
        }
        io.stdout.write(`the audit trail holds: ${check.events} event(s) chained${cuts}\n`);
      },
    ),
};

const exportEvents: Command = {
  name: 'export',
  register: (cli, { io, env }) =>
    cli.command(
      'export',
      'the events of the audit trail, in order (dates in the zone of the latest run)',
      (y) =>
        y
          .option('from', { describe: 'from this date, YYYY-MM-DD', type: 'string' })
          .option('to', { describe: 'up to this date, YYYY-MM-DD, inclusive', type: 'string' })
          .option('format', {
            describe: 'csv (with header) or json (one object per line)',
            choices: ['csv', 'json'] as const,
            default: 'csv' as const,
          })
          .option('db', dbOption)
          .check(dateCheck('from', false))
          .check(dateCheck('to', false)),
      async (a) => {
        const { exportAudit } = await import('../../cases/audit-export.js');
        await withExistingStore(
          { io, env },
          a.db,
          (store) => exportAudit(store, { from: a.from, to: a.to }, a.format, io.stdout),
          true,
        );
      },
    ),
};

export const auditCommand: Command = {
  name: 'audit',
  register: (cli, ctx) =>
    cli.command('audit', 'the audit trail: verify, export', (y) =>
      addCommands(y, [verify, exportEvents], ctx, 'audit command'),
    ),
};
