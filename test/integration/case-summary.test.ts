/**
 * The summary of the cases (reports/case-summary.ts: recon status, the morning report, the console's
 * overview) read from what migration 0010 keeps — each case's amount at stake and the tally of cases
 * by state, owner and due date — equals, on both stores, a straightforward recomputation from every
 * case and its finding (the summary as it was read before 0010), as of several dates, after:
 * - runs that raise findings, and people who assign, close (some waiting for a checker) and approve;
 * - a DUPLICATE_CREDIT that grows (its amount at stake with it), a rerun that no longer grows it (the
 *   undo takes the amount back) and one that grows it again; findings resolved by runs;
 * - a rerun that orphans a case and one that restores it, a replay from the first date, a prune;
 * - migration 0010 run again on the store (its backfill).
 * After a run the tally holds one row a key.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCases } from '../../src/cases/case-actions.js';
import { setApprovalThreshold } from '../../src/cases/settings.js';
import { addUser } from '../../src/cases/users.js';
import { type CaseSummary, caseSummary, OVERDUE_LISTED } from '../../src/reports/case-summary.js';
import { fillRunOptions } from '../../src/run/options.js';
import type { Pool } from '../../src/run/pool.js';
import { replay } from '../../src/run/replay.js';
import { migrate } from '../../src/store/migrate.js';
import { pruneAuditTrail } from '../../src/store/retention.js';
import type { Store } from '../../src/store/store.js';
import { testPool } from '../helpers/pool.js';
import { credit, Scenario, sale } from '../helpers/scenario.js';
import { storeCases } from '../helpers/stores.js';

const MON = '2026-11-16';
const TUE = '2026-11-17';
const WED = '2026-11-18';
const THU = '2026-11-19';
const FRI = '2026-11-20';
const MON2 = '2026-11-23';
const at = (day: string): string => `${day}T10:00:00+08:00`;
/** The dates the summary is taken as of: before anything is due, in the middle, after everything. */
const AS_OF = [MON, WED, FRI, '2026-11-25', '2026-12-31'];

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});

const STATE_ORDER = ['new', 'assigned', 'reopened', 'pending_approval', 'closed'];

/** The summary from every case joined to its finding (a case without its finding has nothing at stake). */
async function recomputed(store: Store, asOf: string): Promise<CaseSummary> {
  const rows = await store.query<{
    id: string;
    kind: string;
    merchant: string;
    state: string;
    owner: string | null;
    due: string;
    orphaned: boolean;
    amount: string | null;
  }>(
    `select c.finding_id as id, c.kind, c.merchant_id as merchant, c.state, c.owner, c.due_on::text as due, c.orphaned,
            e.amount_at_stake::text as amount
       from recon.case c left join recon.exception e on e.id = c.finding_id`,
  );
  const stake = (r: (typeof rows)[number]): number => Number(r.amount ?? 0);
  const open = rows.filter((r) => r.state !== 'closed');
  const late = open.filter((r) => r.due < asOf).sort((a, b) => a.due.localeCompare(b.due) || cmp(a.id, b.id));
  const states = STATE_ORDER.filter((s) => rows.some((r) => r.state === s));
  const owners = [...new Set(open.map((r) => r.owner))]
    .map((owner) => ({
      owner,
      open: open.filter((r) => r.owner === owner).length,
      overdue: late.filter((r) => r.owner === owner).length,
    }))
    .sort((a, b) => b.open - a.open || cmp(a.owner ?? '\uffff', b.owner ?? '\uffff'));
  return {
    asOf,
    byState: states.map((state) => {
      const of = rows.filter((r) => r.state === state);
      return { state, count: of.length, amountAtStake: of.reduce((n, r) => n + stake(r), 0) };
    }),
    overdue: {
      count: late.length,
      amountAtStake: late.reduce((n, r) => n + stake(r), 0),
      oldestDue: late[0]?.due ?? null,
    },
    pendingApproval: rows.filter((r) => r.state === 'pending_approval').length,
    orphaned: rows.filter((r) => r.orphaned).length,
    owners: owners.filter((o) => o.owner !== null).map((o) => ({ owner: o.owner!, open: o.open, overdue: o.overdue })),
    unowned: owners.find((o) => o.owner === null)?.open ?? 0,
    longestOverdue: late.slice(0, OVERDUE_LISTED).map((r) => ({
      id: r.id,
      kind: r.kind,
      merchant: r.merchant,
      dueOn: r.due,
      owner: r.owner,
      amountAtStake: stake(r),
    })),
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The summary equals the recomputation as of every date; returns the one as of the last date. */
async function expectSame(store: Store, when: string): Promise<CaseSummary> {
  for (const asOf of AS_OF)
    expect(await caseSummary(store, asOf), `${when}, as of ${asOf}`).toEqual(await recomputed(store, asOf));
  return caseSummary(store, AS_OF.at(-1)!);
}

/** The DUPLICATE_CREDIT's amount at stake, as its finding has it. */
async function duplicateStake(store: Store): Promise<number> {
  const rows = await store.query<{ a: string }>(
    `select amount_at_stake::text as a from recon.exception where kind = 'DUPLICATE_CREDIT'`,
  );
  expect(rows.length).toBe(1);
  return Number(rows[0]!.a);
}

const total = (s: CaseSummary): number => s.byState.reduce((n, b) => n + b.amountAtStake, 0);

describe.each(storeCases())('the case summary ($name store)', (sc) => {
  afterAll(() => sc.dispose());

  it('equals a recomputation from every case and its finding, through runs, people, reruns, a replay, a prune and the migration', async () => {
    const store = await sc.open();
    try {
      const s = new Scenario(pool, {}, store)
        .journal(
          MON,
          sale({ stan: '000001', txn_time: at(MON) }), // credited on Friday, after olga closed it as credited outside
          sale({ stan: '000002', txn_time: at(MON), amount_minor: '25000' }), // credited three times
          sale({ stan: '000003', txn_time: at(MON), amount_minor: '7000' }), // credited on Friday
          sale({ stan: '000004', txn_time: at(MON), amount_minor: '12000' }), // never credited
          sale({ stan: '000005', txn_time: at(MON), amount_minor: '3000' }), // never credited
        )
        .clearing(
          TUE,
          credit({ stan: '000002', txn_time: at(MON), settle_date: TUE, gross_minor: '25000' }),
          credit({ stan: '000002', txn_time: at(MON), settle_date: TUE, gross_minor: '25000' }),
        )
        .clearing(THU, credit({ stan: '000002', txn_time: at(MON), settle_date: THU, gross_minor: '25000' }))
        .clearing(
          FRI,
          credit({ stan: '000001', txn_time: at(MON), settle_date: FRI }),
          credit({ stan: '000003', txn_time: at(MON), settle_date: FRI, gross_minor: '7000' }),
        );
      expect(await expectSame(store, 'an empty store')).toMatchObject({ byState: [], owners: [], unowned: 0 });
      await s.run(MON, TUE, WED);
      await expectSame(store, 'after the first runs');
      const id = async (kind: string, stan: string): Promise<string> =>
        (
          await store.query<{ id: string }>('select id from recon.exception where kind = $1 and stan = $2', [
            kind,
            stan,
          ])
        )[0]!.id;
      const [m1, m4, m5, dup] = [
        await id('MISSING_CREDIT', '000001'),
        await id('MISSING_CREDIT', '000004'),
        await id('MISSING_CREDIT', '000005'),
        await id('DUPLICATE_CREDIT', '000002'),
      ];

      // People: closings of 110.00 or more wait for a checker.
      await store.transaction(async (tx) => {
        await addUser(tx, 'sue', 'supervisor', undefined);
        await addUser(tx, 'olga', 'operator', 'sue');
        await addUser(tx, 'omar', 'operator', 'sue');
        await setApprovalThreshold(tx, 11_000, 'sue');
      });
      await store.transaction((tx) => actOnCases(tx, [m4, m5], { action: 'assign', actor: 'sue', to: 'omar' }));
      await store.transaction((tx) => actOnCases(tx, [m1], { action: 'assign', actor: 'sue', to: 'olga' }));
      await store.transaction((tx) =>
        actOnCases(tx, [m1], { action: 'close', actor: 'olga', reason: 'CREDITED_OUTSIDE', note: 'paid by hand' }),
      );
      await store.transaction((tx) =>
        actOnCases(tx, [m4, dup], { action: 'close', actor: 'olga', reason: 'RECOVERED' }),
      );
      const people = await expectSame(store, 'after people worked the cases');
      expect(people.pendingApproval).toBe(2);
      await store.transaction((tx) => actOnCases(tx, [m4], { action: 'approve', actor: 'sue' }));
      expect((await expectSame(store, 'after an approval')).pendingApproval).toBe(1);

      // Thursday: a third copy of the credit: the duplicate grows, and so does what is at stake.
      const before = await duplicateStake(store);
      await s.run(THU);
      const grown = await duplicateStake(store);
      expect(grown).toBeGreaterThan(before);
      expect(total(await expectSame(store, 'after the duplicate grew'))).toBe(total(people) + grown - before);
      // A rerun of Thursday without that copy: the undo takes the growth back, and nothing regrows it.
      s.replaceClearing(THU);
      await s.run(THU);
      expect(await duplicateStake(store)).toBe(before);
      expect(total(await expectSame(store, 'after a rerun that no longer grows it'))).toBe(total(people));
      s.replaceClearing(THU, credit({ stan: '000002', txn_time: at(MON), settle_date: THU, gross_minor: '25000' }));
      await s.run(THU);
      expect(await duplicateStake(store)).toBe(grown);
      await expectSame(store, 'after a rerun that grows it again');

      // Friday: the late credits resolve two MISSING_CREDITs (one case closes, one reopens).
      await s.run(FRI);
      await expectSame(store, 'after findings were resolved');
      // A rerun of Friday without the credit of 000003 orphans its DELAYED_CREDIT's case; with it, restores it.
      s.replaceClearing(FRI, credit({ stan: '000001', txn_time: at(MON), settle_date: FRI }));
      await s.run(FRI);
      expect((await expectSame(store, 'after a rerun that orphans a case')).orphaned).toBe(1);
      // Its credit comes back for 71.00 (an AMOUNT_MISMATCH besides): the restored case takes its finding's new amount.
      s.replaceClearing(
        FRI,
        credit({ stan: '000001', txn_time: at(MON), settle_date: FRI }),
        credit({ stan: '000003', txn_time: at(MON), settle_date: FRI, gross_minor: '7100' }),
      );
      await s.run(FRI);
      expect(
        await store.query(
          `select kind, amount_at_stake::int as stake from recon.exception where stan = '000003' order by kind`,
        ),
      ).toEqual([
        { kind: 'AMOUNT_MISMATCH', stake: 100 },
        { kind: 'DELAYED_CREDIT', stake: 7100 },
        { kind: 'MISSING_CREDIT', stake: 7000 },
      ]);
      expect((await expectSame(store, 'after a rerun that restores it')).orphaned).toBe(0);

      // A replay from the first date.
      await replay(
        store,
        fillRunOptions({
          date: MON,
          journal: [join(s.dir, 'journal', `${MON}.csv`)],
          clearing: [join(s.dir, 'clearing', `${MON}.csv`)],
          workers: 2,
          partitions: 3,
        }),
        { pool },
      );
      await expectSame(store, 'after a replay');
      // Monday, keeping one run replayable and a window of two days: what a prune may remove before Friday.
      await s.runWith({ keepRuns: 1, windowDays: 2 }, MON2);
      // After a run, one tally row a key.
      const [keys] = await store.query<{ rows: number; keys: number }>(
        `select count(*)::int as rows, count(distinct (state, owner, due_on, orphaned))::int as keys from recon.case_tally`,
      );
      expect(keys!.rows).toBe(keys!.keys);
      // People working cases append to the tally; the summary is the same before the next run folds it.
      await store.transaction((tx) => actOnCases(tx, [m5], { action: 'assign', actor: 'sue', to: 'olga' }));
      await store.transaction((tx) => actOnCases(tx, [m5], { action: 'note', actor: 'olga', note: 'chasing' }));
      await expectSame(store, 'after more work');

      // A prune removes closed findings with their cases.
      const pruned = await store.transaction((tx) => pruneAuditTrail(tx, FRI, false));
      expect(pruned.cases).toBeGreaterThan(0);
      const after = await expectSame(store, 'after a prune');
      expect(after.byState.length).toBeGreaterThan(0);

      // Migration 0010 again on this store, as on a store from before it: the backfill gives the same.
      await store.exec(`drop trigger exception_amount_to_case on recon.exception;
        drop function recon.case_amount_follows_finding();
        drop table recon.case_tally;
        drop trigger case_tally_insert on recon.case; drop trigger case_tally_update on recon.case;
        drop trigger case_tally_delete on recon.case; drop trigger case_tally_truncate on recon.case;
        drop function recon.case_tally_change();
        alter table recon.case drop column amount_at_stake;
        delete from recon.migration where id = 10;`);
      await migrate(store);
      expect(await expectSame(store, 'after migration 0010 again')).toEqual(after);
    } finally {
      await store.close();
    }
  });
});
