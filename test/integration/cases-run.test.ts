/**
 * A run meets the cases (DESIGN §10; src/cases/run-cases.ts), on both stores, through a week of
 * hand-written days (November 2026, shipped calendar):
 * - every finding has its id: F and 12 base32 characters of sha256(kind|side|file sha256|line),
 *   computed here independently of the store's function;
 * - every finding gets its case, new, due after 1 working day (MISSING_CREDIT) or 3 (the rest);
 * - a run that resolves a finding closes its case (RESOLVED_BY_RUN, actor `run D`); a late credit
 *   for a MISSING_CREDIT a person closed as CREDITED_OUTSIDE reopens it (the money came twice), and a
 *   DUPLICATE_CREDIT closed as RECOVERED that grows reopens too;
 * - a rerun and a replay from the first date change no id, case or event; a rerun that no longer raises a finding
 *   orphans its case (an event), one that raises it again restores it;
 * - the audit trail verifies, and an event changed behind the triggers' back is named.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/cases/audit-chain.js';
import { actOnCases } from '../../src/cases/case-actions.js';
import { addUser } from '../../src/cases/users.js';
import { fillRunOptions } from '../../src/run/options.js';
import type { Pool } from '../../src/run/pool.js';
import { replay } from '../../src/run/replay.js';
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

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});

/** A finding's id as DESIGN §10 defines it, computed here with node:crypto and BigInt. */
function expectedId(kind: string, side: string, fileSha: string, line: number): string {
  const h = createHash('sha256').update(`${kind}|${side}|${fileSha}|${line}`).digest();
  const bits = h.readBigUInt64BE(0);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = 'F';
  for (let i = 0; i < 12; i++) id += alphabet[Number((bits >> BigInt(59 - 5 * i)) & 31n)];
  return id;
}

interface CaseRow {
  id: string;
  kind: string;
  stan: string;
  state: string;
  reason: string | null;
  due_on: string;
  orphaned: boolean;
}

async function cases(store: Store): Promise<CaseRow[]> {
  return store.query<CaseRow>(
    `select c.finding_id as id, c.kind, e.stan, c.state, c.reason, c.due_on::text as due_on, c.orphaned
       from recon.case c left join recon.exception e on e.id = c.finding_id order by c.kind, e.stan`,
  );
}

async function events(
  store: Store,
): Promise<{ seq: number; actor: string; finding_id: string | null; action: string; note: string | null }[]> {
  return (
    await store.query<{ seq: string; actor: string; finding_id: string | null; action: string; note: string | null }>(
      'select seq::text as seq, actor, finding_id, action, note from recon.case_event e order by e.seq',
    )
  ).map((e) => ({ ...e, seq: Number(e.seq) }));
}

describe.each(storeCases())('a run meets the cases ($name store)', (sc) => {
  afterAll(() => sc.dispose());

  it('ids, new cases with due dates, closing and reopening by runs, reruns and replays that change nothing, orphans', async () => {
    const store = await sc.open();
    try {
      const s = new Scenario(pool, {}, store)
        .journal(
          MON,
          sale({ stan: '000001', txn_time: at(MON) }), // credited only on Friday, after it was closed as credited outside
          sale({ stan: '000002', txn_time: at(MON) }), // credited three times
          sale({ stan: '000003', txn_time: at(MON) }), // credited on Friday, nobody touches its case
        )
        .clearing(
          TUE,
          credit({ stan: '000002', txn_time: at(MON), settle_date: TUE }),
          credit({ stan: '000002', txn_time: at(MON), settle_date: TUE }),
        )
        .clearing(THU, credit({ stan: '000002', txn_time: at(MON), settle_date: THU }))
        .clearing(
          FRI,
          credit({ stan: '000001', txn_time: at(MON), settle_date: FRI }),
          credit({ stan: '000003', txn_time: at(MON), settle_date: FRI }),
        );
      await s.run(MON, TUE, WED);

      // Ids: recomputed from the file's sha256 and the line, independently of the store's function.
      const found = await store.query<{ id: string; kind: string; s_side: string; sha256: string; s_line: number }>(
        `select e.id, e.kind, e.s_side, f.sha256, e.s_line from recon.exception e
           join recon.input_file f on f.run_date = e.s_run and f.file_no = e.s_file order by e.id`,
      );
      expect(found.length).toBe(3);
      for (const f of found) {
        expect(f.id).toMatch(/^F[A-Z2-7]{12}$/);
        expect(f.id).toBe(expectedId(f.kind, f.s_side, f.sha256, f.s_line));
      }
      // A case each, new, due after 1 working day (MISSING_CREDIT) or 3 (DUPLICATE_CREDIT of Tuesday: Friday).
      expect(await cases(store)).toEqual([
        {
          id: expect.any(String),
          kind: 'DUPLICATE_CREDIT',
          stan: '000002',
          state: 'new',
          reason: null,
          due_on: FRI,
          orphaned: false,
        },
        {
          id: expect.any(String),
          kind: 'MISSING_CREDIT',
          stan: '000001',
          state: 'new',
          reason: null,
          due_on: THU,
          orphaned: false,
        },
        {
          id: expect.any(String),
          kind: 'MISSING_CREDIT',
          stan: '000003',
          state: 'new',
          reason: null,
          due_on: THU,
          orphaned: false,
        },
      ]);
      expect(await events(store)).toEqual([]); // raising a finding is the run's record, not a person's act
      const [dup, missing1] = (await cases(store)).map((c) => c.id);

      // People: the first user is a supervisor; an operator closes two cases.
      await store.transaction(async (tx) => {
        await addUser(tx, 'sue', 'supervisor', undefined);
        await addUser(tx, 'olga', 'operator', 'sue');
      });
      await store.transaction((tx) =>
        actOnCases(tx, [missing1!], {
          action: 'close',
          actor: 'olga',
          reason: 'CREDITED_OUTSIDE',
          note: 'paid by hand',
        }),
      );
      await store.transaction((tx) => actOnCases(tx, [dup!], { action: 'close', actor: 'olga', reason: 'RECOVERED' }));

      // Thursday: a third copy of the credit: the recovered duplicate grew, and its case reopens.
      // Friday: the late credits: the case closed as credited outside reopens (the money came twice);
      // the untouched one closes, resolved by the run.
      await s.run(THU, FRI);
      const after = await cases(store);
      expect(after.map((c) => [c.kind, c.stan, c.state, c.reason])).toEqual([
        ['DELAYED_CREDIT', '000001', 'new', null],
        ['DELAYED_CREDIT', '000003', 'new', null],
        ['DUPLICATE_CREDIT', '000002', 'reopened', null],
        ['MISSING_CREDIT', '000001', 'reopened', null],
        ['MISSING_CREDIT', '000003', 'closed', 'RESOLVED_BY_RUN'],
      ]);
      const trail = await events(store);
      expect(
        trail.map((e) => [
          e.actor,
          e.action,
          e.finding_id === null ? null : after.find((c) => c.id === e.finding_id)?.stan,
        ]),
      ).toEqual([
        ['sue', 'user_add', null],
        ['sue', 'user_add', null],
        ['olga', 'close', '000001'],
        ['olga', 'close', '000002'],
        [`run ${THU}`, 'reopen', '000002'],
        [`run ${FRI}`, 'reopen', '000001'],
        [`run ${FRI}`, 'resolve', '000003'],
      ]);
      expect(trail[4]!.note).toBe('more copies of the credit arrived: 2 extra now, 1 when it was closed');
      expect(trail[5]!.note).toBe(
        `the credit arrived on ${FRI} after the case was closed as CREDITED_OUTSIDE: the money may have come twice`,
      );

      // A rerun of Friday and a replay from the first date change no id, case or event.
      const snapshot = async (): Promise<unknown> => ({
        ids: await store.query('select id, kind from recon.exception order by id'),
        cases: await store.query('select * from recon.case order by finding_id'),
        events: await store.query('select * from recon.case_event e order by e.seq'),
      });
      const before = await snapshot();
      await s.run(FRI);
      expect(await snapshot()).toEqual(before);
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
      expect(await snapshot()).toEqual(before);

      // A rerun of Friday without the credit of 000003 no longer raises its DELAYED_CREDIT: that case
      // is orphaned; the MISSING_CREDIT the first Friday run closed is open again, and reopens.
      s.replaceClearing(FRI, credit({ stan: '000001', txn_time: at(MON), settle_date: FRI }));
      await s.run(FRI);
      const orphan = await cases(store);
      expect(orphan.filter((c) => c.orphaned).map((c) => c.kind)).toEqual(['DELAYED_CREDIT']);
      expect(orphan.find((c) => c.kind === 'MISSING_CREDIT' && c.stan === '000003')!.state).toBe('reopened');
      const more = (await events(store)).slice(trail.length);
      expect(more.map((e) => [e.actor, e.action])).toEqual([
        [`run ${FRI}`, 'orphan'],
        [`run ${FRI}`, 'reopen'],
      ]);
      // Run again with the credit: the finding is raised again, and its case restored (not a new one).
      s.replaceClearing(
        FRI,
        credit({ stan: '000001', txn_time: at(MON), settle_date: FRI }),
        credit({ stan: '000003', txn_time: at(MON), settle_date: FRI }),
      );
      await s.run(FRI);
      const restored = (await events(store)).slice(trail.length + more.length);
      expect(restored.map((e) => [e.actor, e.action])).toEqual([
        [`run ${FRI}`, 'restore'],
        [`run ${FRI}`, 'resolve'],
      ]);
      expect((await cases(store)).filter((c) => c.orphaned)).toEqual([]);
      expect((await cases(store)).length).toBe(5);

      // Monday: nothing new; the trail holds together.
      await s.run(MON2);
      expect(await verifyChain(store)).toEqual({ events: trail.length + 4, cuts: 0 });
    } finally {
      await store.close();
    }
  });

  it('db prune removes closed cases and their events with their findings, keeps the cases people still work, and the trail verifies across the cut', async () => {
    const store = await sc.open();
    try {
      const d = (n: number): string => `2026-11-${String(n).padStart(2, '0')}`;
      const s = new Scenario(pool, { run: { keepRuns: 1, windowDays: 2 } }, store)
        .journal(MON, sale({ stan: '000001', txn_time: at(MON) }), sale({ stan: '000002', txn_time: at(MON) }))
        .clearing(
          THU,
          credit({ stan: '000001', txn_time: at(MON), settle_date: THU }),
          credit({ stan: '000002', txn_time: at(MON), settle_date: THU }),
        );
      await s.run(MON, TUE, WED);
      await store.transaction(async (tx) => {
        await addUser(tx, 'sue', 'supervisor', undefined);
        await addUser(tx, 'olga', 'operator', 'sue');
      });
      const missing = async (stan: string): Promise<string> =>
        (await cases(store)).find((c) => c.kind === 'MISSING_CREDIT' && c.stan === stan)!.id;
      const [one, two] = [await missing('000001'), await missing('000002')];
      await store.transaction((tx) => actOnCases(tx, [one], { action: 'note', actor: 'olga', note: 'chasing' }));
      // Thursday's credits resolve both and close their cases; olga reopens the second: still worked.
      await s.run(THU);
      await store.transaction((tx) =>
        actOnCases(tx, [two], { action: 'reopen', actor: 'olga', note: 'check the amount' }),
      );
      await s.run(FRI, d(21), d(22), MON2, d(24));
      const trail = await events(store);
      expect(trail.map((e) => [e.actor, e.action, e.finding_id])).toEqual([
        ['sue', 'user_add', null],
        ['sue', 'user_add', null],
        ['olga', 'note', one],
        [`run ${THU}`, 'resolve', one],
        [`run ${THU}`, 'resolve', two],
        ['olga', 'reopen', two],
      ]);
      const dry = await store.transaction((tx) => pruneAuditTrail(tx, d(20), true));
      expect([dry.findings, dry.cases, dry.events]).toEqual([1, 1, 2]);
      const done = await store.transaction((tx) => pruneAuditTrail(tx, d(20), false));
      expect([done.findings, done.cases, done.events, done.cuts]).toEqual([1, 1, 2, 1]);
      expect((await cases(store)).map((c) => c.id).filter((i) => i === one || i === two)).toEqual([two]);
      expect((await events(store)).map((e) => e.seq)).toEqual([1, 2, 5, 6]);
      expect(await verifyChain(store)).toEqual({ events: 4, cuts: 1 });
      // The chain goes on: a later event chains on the last one, and the whole still verifies.
      await store.transaction((tx) => actOnCases(tx, [two], { action: 'close', actor: 'olga', reason: 'RECOVERED' }));
      expect(await verifyChain(store)).toEqual({ events: 5, cuts: 1 });
    } finally {
      await store.close();
    }
  });

  it('names the first event changed behind the triggers: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const store = await sc.open();
    try {
      await store.transaction(async (tx) => {
        await addUser(tx, 'sue', 'supervisor', undefined);
        await addUser(tx, 'sam', 'supervisor', 'sue');
        await addUser(tx, 'olga', 'operator', 'sam');
      });
      expect(await verifyChain(store)).toEqual({ events: 3, cuts: 0 });
      for (const sql of [
        `update recon.case_event set note = 'x' where seq = 2`,
        'delete from recon.case_event where seq = 2',
        'truncate recon.case_event',
      ])
        await expect(store.query(sql), sql).rejects.toThrow(/append-only/);
      // An owner who turns the triggers off can change an event; the chain shows where.
      await store.exec(`alter table recon.case_event disable trigger case_event_append_only;
        update recon.case_event set details = '{"role": "supervisor", "user": "mallory"}' where seq = 2;
        alter table recon.case_event enable trigger case_event_append_only;`);
      expect(await verifyChain(store)).toMatchObject({
        events: 1,
        broken: { seq: 2, why: 'its content does not match its hash (it was changed after it was written)' },
      });
    } finally {
      await store.close();
    }
  });
});
