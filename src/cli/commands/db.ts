/** `recon db`: store maintenance; `db migrate` brings the schema up to date, `db prune` removes old audit trail. */
import { migrate, RECON_LOCK_KEY } from '../../store/migrate.js';
import type { AuditPrune } from '../../store/retention.js';
import type { Store } from '../../store/store.js';
import { dateCheck } from '../checks.js';
import { addCommands, type Command } from '../command.js';
import { dbOption, openCommandStore, storeTarget, withExistingStore } from '../store-access.js';

const migrateCommand: Command = {
  name: 'migrate',
  register: (cli, { io, env }) =>
    cli.command(
      'migrate',
      'create or upgrade the store schema (recon run does it too)',
      (y) => y.option('db', dbOption),
      async (a) => {
        const store = await openCommandStore({ io, env }, storeTarget(env, a.db));
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
    ),
};

const pruneCommand: Command = {
  name: 'prune',
  register: (cli, { io, env }) =>
    cli.command(
      'prune',
      'remove the audit trail (findings, rejected rows, runs) before a date; --dry-run says what it would remove',
      (y) =>
        y
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
        const r = await withExistingStore({ io, env }, a.db, (store) => pruneAudit(store, a.before, a.dryRun));
        io.stdout.write(a.json ? `${JSON.stringify({ dryRun: a.dryRun, ...r })}\n` : `${prunedLine(r, a.dryRun)}\n`);
      },
    ),
};

/**
 * The audit trail before `before` removed (`dryRun`: counted only) under recon's lock, as a run
 * holds it, and the space it took made reusable.
 */
async function pruneAudit(store: Store, before: string, dryRun: boolean): Promise<AuditPrune> {
  const { pruneAuditTrail, reclaimAudit } = await import('../../store/retention.js');
  const out = await store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [RECON_LOCK_KEY]);
    return pruneAuditTrail(tx, before, dryRun);
  });
  if (!dryRun) await reclaimAudit(store);
  return out;
}

function prunedLine(r: AuditPrune, dryRun: boolean): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const kept =
    r.runsKept > 0 ? ` (${r.runsKept} earlier runs stay: kept findings or open items point into their files)` : '';
  const trail =
    r.cases + r.events > 0
      ? `; ${n(r.cases)} closed cases and their ${n(r.events)} audit events${dryRun ? '' : ` (the trail still verifies across the ${n(r.cuts)} stretch(es) recorded)`}`
      : '';
  return `${dryRun ? 'would remove' : 'removed'} before ${r.before}: ${n(r.findings)} findings, ${n(r.changeLog)} undo entries, ${n(r.rejectedRows)} rejected rows, ${n(r.runs)} runs and ${n(r.inputFiles)} input-file records${kept}${trail}`;
}

const settingsCommand: Command = {
  name: 'settings',
  register: (cli, { io, env }) =>
    cli.command(
      'settings',
      "the store's settings of the case workflow: show them, or set the approval threshold (a supervisor)",
      (y) =>
        y
          .option('approval-threshold', {
            describe: 'minor units at stake from which a closing waits for a second supervisor (four eyes)',
            type: 'number',
          })
          .option('as', { describe: 'who changes it (default: $RECON_USER)', type: 'string' })
          .option('db', dbOption),
      async (a) => {
        const { approvalThreshold, setApprovalThreshold } = await import('../../cases/settings.js');
        const now = await withExistingStore({ io, env }, a.db, async (store) => {
          if (a.approvalThreshold !== undefined)
            await store.transaction((tx) => setApprovalThreshold(tx, a.approvalThreshold!, a.as ?? env.user));
          return approvalThreshold(store);
        });
        io.stdout.write(`approval threshold: ${now} minor units (${(now / 100).toFixed(2)})\n`);
      },
    ),
};

export const dbCommand: Command = {
  name: 'db',
  register: (cli, ctx) =>
    cli.command('db', 'store maintenance', (y) =>
      addCommands(y, [migrateCommand, pruneCommand, settingsCommand], ctx, 'db command'),
    ),
};
