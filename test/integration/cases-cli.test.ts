/**
 * Working the findings through the CLI (DESIGN §10), on both stores: users and their roles, the work
 * queue and its filters in its three formats, a case in full, the actions (on ids, on filters, with
 * --dry-run), four eyes, the spreadsheet loop, and the audit trail (verify, export, a tampered event
 * named). Each refusal is one line and exit 2, and changes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/chain.js';
import { recon, testStore, useKeptStores, useSharedPool } from '../helpers/cli.js';
import { testPool } from '../helpers/pool.js';
import { credit, Scenario, sale } from '../helpers/scenario.js';
import { storeCases } from '../helpers/stores.js';

useSharedPool();
useKeptStores();

const MON = '2026-11-16';
const TUE = '2026-11-17';
const WED = '2026-11-18';
const THU = '2026-11-19';
const at = (day: string): string => `${day}T10:00:00+08:00`;

describe.each(storeCases())('cases through the CLI ($name store)', (sc) => {
  afterAll(() => sc.dispose());
  const cwd = tempDir('cases-cli');

  it('users, the queue, a case, actions, four eyes, the spreadsheet loop and the audit trail', async () => {
    const { db, target } = await sc.fresh();
    // A week's findings: four MISSING_CREDIT (one of 20,000.00 CNY, above the approval threshold) and
    // a DUPLICATE_CREDIT, raised on Wednesday.
    const store = await testStore(target);
    try {
      await new Scenario(testPool(), {}, store)
        .journal(
          MON,
          sale({ stan: '000001', txn_time: at(MON) }),
          sale({ stan: '000002', txn_time: at(MON) }),
          sale({ stan: '000003', txn_time: at(MON) }),
          sale({ stan: '000004', txn_time: at(MON), amount_minor: '2000000' }),
          sale({ stan: '000005', txn_time: at(MON) }),
        )
        .clearing(
          TUE,
          credit({ stan: '000005', txn_time: at(MON), settle_date: TUE }),
          credit({ stan: '000005', txn_time: at(MON), settle_date: TUE }),
        )
        .run(MON, TUE, WED);
    } finally {
      await store.close();
    }
    const r = (args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string) =>
      recon(cwd, [...args, '--db', db], { RECON_TODAY: THU, ...env }, stdin);
    const refused = async (args: string[], message: string | RegExp, env?: NodeJS.ProcessEnv) => {
      const x = await r(args, env);
      expect(x.code, `${args.join(' ')}: ${x.stderr}`).toBe(2);
      expect(x.stderr.trim().split('\n'), x.stderr).toHaveLength(1);
      expect(x.stderr).toMatch(message);
    };

    // People: the first user is a supervisor; the rest are added by one.
    await refused(['user', 'add', 'olga', '--role', 'operator'], 'the first user of a store must be a supervisor');
    expect((await r(['user', 'add', 'sue', '--role', 'supervisor'])).code).toBe(0);
    await refused(
      ['user', 'add', 'olga', '--role', 'operator'],
      'adding a user needs its actor: give --as NAME or set RECON_USER',
    );
    expect((await r(['user', 'add', 'olga', '--role', 'operator', '--as', 'sue'])).code).toBe(0);
    expect((await r(['user', 'add', 'sam', '--role', 'supervisor'], { RECON_USER: 'sue' })).code).toBe(0);
    expect((await r(['user', 'add', 'vic', '--role', 'viewer', '--as', 'sam'])).code).toBe(0);
    await refused(
      ['user', 'add', 'eve', '--role', 'operator', '--as', 'olga'],
      'adding a user needs the role supervisor; olga is a operator',
    );
    const short = await r(['user', 'passwd', 'olga', '--as', 'olga'], {}, 'too short\n');
    expect([short.code, short.stderr]).toEqual([2, 'recon: a password needs at least 12 characters\n']);
    expect((await r(['user', 'passwd', 'olga', '--as', 'olga'], {}, 'a long enough secret\n')).code).toBe(0);
    expect((await r(['user', 'list'])).stdout).toMatch(/olga +operator +yes\n/);

    // The queue: JSON lines start with the case (id, state, owner, due_on, reason), then the finding.
    const queue = async (...filters: string[]) =>
      (await r(['cases', '--format', 'json', ...filters])).stdout
        .trim()
        .split('\n')
        .filter((l) => l)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const all = await queue();
    expect(Object.keys(all[0]!).slice(0, 6)).toEqual(['id', 'state', 'owner', 'due_on', 'reason', 'business_date']);
    // By due date (then id): the MISSING_CREDITs due Thursday first.
    expect(all.map((c) => c.due_on)).toEqual([THU, THU, THU, THU, '2026-11-20']);
    expect(all.map((c) => [c.kind, c.stan, c.state]).sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['MISSING_CREDIT', '000001', 'new'],
      ['MISSING_CREDIT', '000002', 'new'],
      ['MISSING_CREDIT', '000003', 'new'],
      ['MISSING_CREDIT', '000004', 'new'],
      ['DUPLICATE_CREDIT', '000005', 'new'],
    ]);
    const id = (stan: string) => all.find((c) => c.stan === stan)!.id as string;
    expect((await queue('--kind', 'DUPLICATE_CREDIT')).map((c) => c.stan)).toEqual(['000005']);
    expect((await queue('--min-amount', '1000000')).map((c) => c.stan)).toEqual(['000004']);
    expect(await queue('--overdue')).toEqual([]); // due Thursday: not yet overdue on Thursday
    expect(
      (await r(['cases', '--format', 'json', '--overdue'], { RECON_TODAY: '2026-11-20' })).stdout.trim().split('\n'),
    ).toHaveLength(4);
    const table = (await r(['cases'])).stdout;
    expect(table.split('\n')[0]).toMatch(/^id +state +owner +due +kind +merchant +at stake +reason$/);
    expect(table).toContain('5 case(s)');
    await refused(
      ['cases', '--state', 'done'],
      '--state must be one of new, assigned, pending_approval, closed, reopened (got "done")',
    );

    // Actions: refused without an actor, for a viewer, without a reason or note; nothing changes.
    await refused(['case', 'close', id('000001'), '--reason', 'RECOVERED'], 'close needs its actor');
    await refused(
      ['case', 'close', id('000001'), '--reason', 'RECOVERED', '--as', 'vic'],
      'close needs the role operator; vic is a viewer',
    );
    await refused(
      ['case', 'close', id('000001'), '--reason', 'NOT_AN_ERROR', '--as', 'olga'],
      `${id('000001')}: closing as NOT_AN_ERROR needs a note saying why (-m)`,
    );
    await refused(['case', 'close', 'FNOTAREALCASE', '--reason', 'RECOVERED', '--as', 'olga'], 'no case FNOTAREALCASE');
    await refused(
      ['case', 'close', '--reason', 'RECOVERED', '--as', 'olga'],
      'needs finding ids, or at least one filter',
    );
    // Assign, note, and close by a filter, first as a dry run.
    expect((await r(['case', 'assign', id('000001'), '--to', 'olga', '--as', 'sue'])).stdout).toContain(
      'new → assigned (owner olga)',
    );
    expect((await r(['case', 'note', id('000002'), '-m', 'called the acquirer', '--as', 'olga'])).code).toBe(0);
    const dry = await r([
      'case',
      'close',
      '--kind',
      'DUPLICATE_CREDIT',
      '--reason',
      'RECOVERED',
      '--as',
      'olga',
      '--dry-run',
    ]);
    expect(dry.stdout).toContain('would close 1 case(s) (--dry-run: nothing changed)');
    expect((await queue('--kind', 'DUPLICATE_CREDIT'))[0]!.state).toBe('new');
    expect(
      (await r(['case', 'close', '--kind', 'DUPLICATE_CREDIT', '--reason', 'RECOVERED', '--as', 'olga'])).code,
    ).toBe(0);
    const byStan = (rows: Record<string, unknown>[], ...keys: string[]) =>
      rows.map((c) => [c.stan, ...keys.map((k) => c[k])]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(byStan(await queue('--state', 'assigned'), 'owner')).toEqual([
      ['000001', 'olga'],
      ['000002', 'olga'],
    ]);

    // Four eyes: a write-off, and a closing of 20,000.00 CNY, wait for a supervisor who is not the maker.
    expect(
      (
        await r([
          'case',
          'close',
          id('000003'),
          '--reason',
          'WRITTEN_OFF',
          '-m',
          'below the cost of chasing',
          '--as',
          'olga',
        ])
      ).stdout,
    ).toContain('WRITTEN_OFF awaits a supervisor');
    expect((await r(['case', 'close', id('000004'), '--reason', 'CREDITED_OUTSIDE', '--as', 'sue'])).stdout).toContain(
      'new → pending approval',
    );
    await refused(
      ['case', 'approve', id('000004'), '--as', 'sue'],
      'sue made this closing: another supervisor approves it (four eyes)',
    );
    await refused(['case', 'approve', id('000003'), '--as', 'olga'], 'approve needs the role supervisor');
    expect((await r(['case', 'approve', id('000004'), '--as', 'sam'])).code).toBe(0);
    await refused(['case', 'reject', id('000003'), '--as', 'sam'], "needs the checker's note");
    expect((await r(['case', 'reject', id('000003'), '-m', 'get the bank slip first', '--as', 'sam'])).code).toBe(0);
    const shown = JSON.parse((await r(['case', 'show', id('000003'), '--format', 'json'])).stdout) as {
      state: string;
      owner: string;
      events: { actor: string; action: string; from_state: string; to_state: string; note: string | null }[];
    };
    expect([shown.state, shown.owner]).toEqual(['assigned', 'olga']);
    expect(shown.events.map((e) => [e.actor, e.action, e.from_state, e.to_state, e.note])).toEqual([
      ['olga', 'close', 'new', 'pending_approval', 'below the cost of chasing'],
      ['sam', 'reject', 'pending_approval', 'assigned', 'get the bank slip first'],
    ]);
    expect((await r(['case', 'show', id('000004')])).stdout).toMatch(
      /closed as CREDITED_OUTSIDE[\s\S]*sam +approve pending_approval → closed/,
    );

    // The spreadsheet loop: the queue as CSV, filled in; a bad line stops it all, naming line and column.
    const sheet = (await r(['cases', '--format', 'csv', '--state', 'assigned'])).stdout;
    const lines = sheet.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^id,state,current_owner,due_on,current_reason,business_date,.*,action,reason,note,owner$/,
    );
    // The line of a case, by its stan (the queue's order is by due date, then id).
    const lineOf = (stan: string) => lines.find((l) => l.startsWith(id(stan)))!;
    const fill = (line: string, action: string, reason: string, note: string) =>
      line.replace(/,,,,$/, `,${action},${reason},"${note}",`);
    const file = join(cwd, `sheet-${sc.name}.csv`);
    writeFileSync(
      file,
      [
        lines[0],
        fill(lineOf('000001'), 'close', 'MERCHANT_CONFIRMED', 'paid, says the merchant'),
        fill(lineOf('000002'), 'close', 'PAID', ''),
      ].join('\n'),
    );
    await refused(
      ['case', 'apply', file, '--as', 'olga'],
      `${file}, line 3, column reason: ${id('000002')}: unknown reason "PAID"`,
    );
    expect((await queue('--state', 'closed')).length).toBe(2); // nothing applied
    writeFileSync(
      file,
      [
        lines[0],
        fill(lineOf('000001'), 'close', 'MERCHANT_CONFIRMED', 'paid, says the merchant'),
        fill(lineOf('000002'), 'note', '', 'chasing'),
      ].join('\n'),
    );
    expect((await r(['case', 'apply', file, '--as', 'olga', '--dry-run'])).stdout).toContain('would apply 2 line(s)');
    expect((await queue('--state', 'closed')).length).toBe(2);
    expect((await r(['case', 'apply', file, '--as', 'olga'])).code).toBe(0);
    expect(byStan(await queue('--state', 'closed'), 'reason')).toEqual([
      ['000001', 'MERCHANT_CONFIRMED'],
      ['000004', 'CREDITED_OUTSIDE'],
      ['000005', 'RECOVERED'],
    ]);

    // recon status shows the cases: by state, overdue (as of Friday: the four due Thursday not
    // closed, but here three are closed), who owns what, and the longest overdue by id.
    const status = await r(['status', '--json'], { RECON_TODAY: '2026-11-20' });
    const cs = (
      JSON.parse(status.stdout) as {
        cases: {
          byState: { state: string; count: number }[];
          overdue: { count: number };
          owners: { owner: string; open: number; overdue: number }[];
          longestOverdue: { id: string }[];
        };
      }
    ).cases;
    expect(cs.byState.map((x) => [x.state, x.count])).toEqual([
      ['assigned', 2],
      ['closed', 3],
    ]);
    expect(cs.overdue.count).toBe(2);
    expect(cs.owners).toEqual([{ owner: 'olga', open: 2, overdue: 2 }]);
    expect(cs.longestOverdue.map((o) => o.id).sort()).toEqual([id('000002'), id('000003')].sort());
    expect((await r(['status'], { RECON_TODAY: '2026-11-20' })).stdout).toMatch(
      /cases \(as of 2026-11-20\)[\s\S]*overdue +2[\s\S]*who owns what is open: olga 2 \(2 overdue\)/,
    );

    // A disabled user can do nothing more.
    expect((await r(['user', 'disable', 'olga', '--as', 'sue'])).code).toBe(0);
    await refused(['case', 'note', id('000002'), '-m', 'x', '--as', 'olga'], 'user olga is disabled');

    // The audit trail: every act above, in order, chained; export; a changed event is named, exit 1.
    const verify = await r(['audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
    const exported = (await r(['audit', 'export', '--format', 'json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; actor: string; action: string });
    expect(exported.map((e) => `${e.actor} ${e.action}`)).toEqual([
      'sue user_add',
      'sue user_add',
      'sue user_add',
      'sam user_add',
      'olga user_passwd',
      'sue assign',
      'olga note',
      'olga close',
      'olga close',
      'sue close',
      'sam approve',
      'sam reject',
      'olga close',
      'olga note',
      'sue user_disable',
    ]);
    expect(verify.stdout).toBe(`the audit trail holds: ${exported.length} event(s) chained\n`);
    expect((await r(['audit', 'export'])).stdout.split('\n')[0]).toBe(
      'seq,at,actor,finding_id,action,from_state,to_state,reason,note,details,prev_hash,hash',
    );
    // The approval threshold: shown, refused to an operator, changed by a supervisor (an event).
    expect((await r(['db', 'settings'])).stdout).toBe('approval threshold: 1000000 minor units (10000.00)\n');
    await refused(['db', 'settings', '--approval-threshold', '5000', '--as', 'vic'], 'needs the role supervisor');
    expect((await r(['db', 'settings', '--approval-threshold', '5000', '--as', 'sam'])).stdout).toBe(
      'approval threshold: 5000 minor units (50.00)\n',
    );
    expect((await r(['audit', 'verify'])).stdout).toBe(
      `the audit trail holds: ${exported.length + 1} event(s) chained\n`,
    );
    const s2 = await testStore(target);
    try {
      await s2.exec(`alter table recon.case_event disable trigger case_event_append_only;
        update recon.case_event set note = 'nothing to see' where seq = 12;
        alter table recon.case_event enable trigger case_event_append_only;`);
    } finally {
      await s2.close();
    }
    const broken = await r(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      /^recon: the audit trail is broken at event 12 \(.*\): its content does not match its hash \(it was changed after it was written\); the 11 event\(s\) before it hold\n$/,
    );
    expect(readFileSync(file, 'utf8')).toContain('chasing');
  });
});
