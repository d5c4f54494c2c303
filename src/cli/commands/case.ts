/**
 * `recon case show|assign|note|close|approve|reject|reopen|apply` (DESIGN §10): one case in full, the
 * actions people take on cases — on the ids given, or on every case the filters of `recon cases`
 * select — and the spreadsheet loop. Every change is checked for every case first and made in one
 * transaction, each with its event in the audit trail, or not at all; `--dry-run` checks and says
 * what would change, and changes nothing.
 */
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { CaseChange } from '../../cases/case-actions.js';
import type { CaseDetail } from '../../cases/case-detail.js';
import type { Action } from '../../cases/case-states.js';
import { UsageError } from '../../core/usage-error.js';
import { addCommands, type Command } from '../command.js';
import { dbOption, withExistingStore } from '../store-access.js';
import { filterOf, queueFilters, todayOf } from './cases.js';

const asOption = { describe: 'who acts (default: $RECON_USER)', type: 'string' } as const;

const show: Command = {
  name: 'show',
  register: (cli, { io, env }) =>
    cli.command(
      'show <id>',
      'a case: its finding, state, owner, due date and history',
      (y) =>
        y
          .positional('id', { describe: 'the finding id (F and 12 characters)', type: 'string', demandOption: true })
          .option('format', { describe: 'text or json', choices: ['text', 'json'] as const, default: 'text' as const })
          .option('db', dbOption),
      async (a) => {
        const { caseDetail } = await import('../../cases/case-detail.js');
        const d = await withExistingStore(
          { io, env },
          a.db,
          async (store) => caseDetail(store, a.id, await todayOf(env, store)),
          true,
        );
        io.stdout.write(a.format === 'json' ? `${JSON.stringify(detailJson(d))}\n` : detailText(d));
      },
    ),
};

function detailJson(d: CaseDetail): Record<string, unknown> {
  const { orphaned, amount_at_stake, ...row } = d.row;
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) o[k] = v === '' ? null : v;
  return {
    ...o,
    amount_at_stake: amount_at_stake === '' ? null : Number(amount_at_stake),
    orphaned,
    events: d.events.map((e) => ({
      seq: e.seq,
      at: e.at,
      actor: e.actor,
      action: e.action,
      from_state: e.from_state,
      to_state: e.to_state,
      reason: e.reason,
      note: e.note,
    })),
  };
}

function detailText(d: CaseDetail): string {
  const r = d.row as Record<string, string> & { orphaned: boolean };
  const lines = [
    `${r.id}  ${r.kind}  ${(r.state ?? '').replace('_', ' ')}${r.orphaned ? ' (orphaned: a rerun no longer raises its finding)' : ''}`,
    `owner ${r.owner || '-'}, due ${r.due_on}${r.reason ? `, closed as ${r.reason}` : ''}`,
    '',
  ];
  for (const [k, v] of Object.entries(r))
    if (!['id', 'kind', 'state', 'owner', 'due_on', 'reason', 'orphaned'].includes(k) && v !== '' && v !== null)
      lines.push(`  ${k.padEnd(22)} ${v}`);
  lines.push('', d.events.length === 0 ? 'history: none (raised by its run; nobody has acted on it)' : 'history:');
  for (const e of d.events)
    lines.push(
      `  ${e.seq}  ${e.at}  ${e.actor}  ${e.action}${e.from_state !== e.to_state && e.to_state ? ` ${e.from_state ?? ''} → ${e.to_state}` : ''}${e.reason ? ` ${e.reason}` : ''}${e.note ? `: ${e.note}` : ''}`,
    );
  return `${lines.join('\n')}\n`;
}

function printChanges(out: Writable, action: Action, changes: readonly CaseChange[], dryRun: boolean): void {
  for (const c of changes)
    out.write(
      `${c.findingId}: ${c.step.from.replace('_', ' ')} → ${c.step.to.replace('_', ' ')}${c.step.owner ? ` (owner ${c.step.owner})` : ''}${c.step.to === 'pending_approval' ? `, ${c.step.pendingReason} awaits a supervisor's approval` : ''}\n`,
    );
  out.write(
    `${dryRun ? 'would ' : ''}${action} ${changes.length} case(s)${dryRun ? ' (--dry-run: nothing changed)' : ''}\n`,
  );
}

/** An action on cases: on the ids given, or on every case the filters select. */
function actionCommand(action: Action, help: string): Command {
  return {
    name: action,
    register: (cli, { io, env }) =>
      cli.command(
        `${action} [ids..]`,
        help,
        (y) =>
          queueFilters(
            y.positional('ids', { describe: 'finding ids; or none, and filters', type: 'string', array: true }),
          )
            .option('to', { describe: 'assign: the new owner', type: 'string' })
            .option('reason', {
              describe:
                'close: why (CREDITED_OUTSIDE, MERCHANT_CONFIRMED, ADJUSTMENT_POSTED, RECOVERED, WRITTEN_OFF, NOT_AN_ERROR)',
              type: 'string',
            })
            .option('m', { alias: 'message', describe: 'the note (close, reject, note, reopen)', type: 'string' })
            .option('as', asOption)
            .option('dry-run', {
              describe: 'check and say what would change; change nothing',
              type: 'boolean',
              default: false,
            })
            .option('db', dbOption),
        async (a) => {
          const [{ actOnCases, changeOrDryRun }, { checkId }, { hasFilter, queueQuery, storeZone }] = await Promise.all(
            [
              import('../../cases/case-actions.js'),
              import('../../cases/case-detail.js'),
              import('../../cases/queue.js'),
            ],
          );
          const given = (a.ids ?? []).map(String).map(checkId);
          const filter = filterOf(a);
          if (given.length > 0 && hasFilter(filter)) throw new UsageError('give finding ids or filters, not both');
          if (given.length === 0 && !hasFilter(filter))
            throw new UsageError(
              `recon case ${action} needs finding ids, or at least one filter of recon cases (--state, --kind, …)`,
            );
          const changes = await withExistingStore({ io, env }, a.db, async (store) => {
            let ids = given;
            if (ids.length === 0) {
              const { sql, params } = queueQuery(filter, await storeZone(store), await todayOf(env, store));
              ids = (await store.query<{ id: string }>(sql, params)).map((r) => r.id);
              if (ids.length === 0) return [];
            }
            return changeOrDryRun(store, a.dryRun, (tx) =>
              actOnCases(tx, ids, {
                action,
                actor: a.as ?? env.user ?? '',
                ...(a.to !== undefined ? { to: a.to } : {}),
                ...(a.reason !== undefined ? { reason: a.reason } : {}),
                ...(a.m !== undefined ? { note: a.m } : {}),
              }),
            );
          });
          if (changes.length === 0 && given.length === 0) io.stdout.write('no case matches the filters\n');
          else printChanges(io.stdout, action, changes, a.dryRun);
        },
      ),
  };
}

const apply: Command = {
  name: 'apply',
  register: (cli, { io, env }) =>
    cli.command(
      'apply <file>',
      'the spreadsheet loop: apply the action, reason, note and owner filled in a recon cases --format csv file, all lines or none',
      (y) =>
        y
          .positional('file', { describe: 'the filled-in CSV', type: 'string', demandOption: true })
          .option('as', asOption)
          .option('dry-run', {
            describe: 'check every line and say what would change; change nothing',
            type: 'boolean',
            default: false,
          })
          .option('db', dbOption),
      async (a) => {
        const [{ applySheet, readSheet }, { changeOrDryRun }, { actorOf }] = await Promise.all([
          import('../../cases/apply-sheet.js'),
          import('../../cases/case-actions.js'),
          import('../../cases/users.js'),
        ]);
        let text: string;
        try {
          text = readFileSync(a.file, 'utf8');
        } catch (e) {
          throw new UsageError(`cannot read ${a.file}: ${(e as Error).message}`);
        }
        const lines = readSheet(text, a.file);
        const changes = await withExistingStore({ io, env }, a.db, async (store) => {
          const actor = await actorOf(store, a.as ?? env.user, 'operator', 'recon case apply');
          return changeOrDryRun(store, a.dryRun, (tx) => applySheet(tx, lines, a.file, actor.name));
        });
        for (const c of changes)
          io.stdout.write(`${c.findingId}: ${c.step.from.replace('_', ' ')} → ${c.step.to.replace('_', ' ')}\n`);
        io.stdout.write(
          `${a.dryRun ? 'would apply' : 'applied'} ${lines.length} line(s) of ${a.file}${a.dryRun ? ' (--dry-run: nothing changed)' : ''}\n`,
        );
      },
    ),
};

export const caseCommand: Command = {
  name: 'case',
  register: (cli, ctx) =>
    cli.command(
      'case',
      'one case, and what people do about cases: show, assign, note, close, approve, reject, reopen, apply',
      (y) =>
        addCommands(
          y,
          [
            show,
            actionCommand('assign', 'make a user (--to) the owner of cases'),
            actionCommand(
              'note',
              'add a note (-m) to cases; an operator acting on a new or reopened case becomes its owner',
            ),
            actionCommand(
              'close',
              'close cases with a reason; WRITTEN_OFF and closings at or above the approval threshold wait for a supervisor',
            ),
            actionCommand('approve', 'approve a closing that waits (a supervisor who is not its maker)'),
            actionCommand('reject', "send a closing that waits back to assigned, with the checker's note (-m)"),
            actionCommand('reopen', 'reopen closed cases'),
            apply,
          ],
          ctx,
          'case command',
        ),
    ),
};
