/**
 * A store from before cases (migrations up to 0006) is upgraded by migration 0007: every finding gets
 * its id (the same one a run gives it: F + 12 base32 of sha256(kind|side|file sha256|line)), an open
 * finding a new case, a resolved one a case closed by the run that resolved it; on both stores.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { findingId } from '../../src/core/finding-id.js';
import { loadMigrations, migrate } from '../../src/store/migrate.js';
import { storeCases } from '../helpers/stores.js';

function expectedId(kind: string, side: string, fileSha: string, line: number): string {
  const bits = createHash('sha256').update(`${kind}|${side}|${fileSha}|${line}`).digest().readBigUInt64BE(0);
  let id = 'F';
  for (let i = 0; i < 12; i++) id += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Number((bits >> BigInt(59 - 5 * i)) & 31n)];
  return id;
}

describe.each(storeCases())('migration 0007 on a store with findings ($name store)', (sc) => {
  afterAll(() => sc.dispose());

  it('gives every finding its id and its case', async () => {
    const { target } = await sc.fresh();
    // A template store is migrated to the end: start from an empty schema instead.
    const { openStore } = await import('../../src/store/open-store.js');
    const store = await openStore(target);
    try {
      await store.exec('drop schema recon cascade; create schema recon;');
      await migrate(
        store,
        loadMigrations().filter((m) => m.id < 7),
      );
      const sha = 'ab'.repeat(32);
      await store.exec(`
        insert into recon.run (run_date, status, started_at, finished_at, duration_ms, workers, options, summary)
          values ('2026-11-16', 'committed', now(), now(), 1, 1, '{}', '{}'), ('2026-11-17', 'committed', now(), now(), 1, 1, '{}', '{}');
        insert into recon.input_file (run_date, file_no, side, path, sha256, bytes, rows_in, rejected)
          values ('2026-11-16', 1, 'journal', '/j.csv', '${sha}', 10, 1, 0);
        insert into recon.exception (raised_on, kind, status, resolved_on, s_side, s_run, s_file, s_line, merchant_id, txn_time, txn_business_date, amount_at_stake)
          values ('2026-11-16', 'MISSING_CREDIT', 'resolved', '2026-11-17', 'J', '2026-11-16', 1, 2, '898310148160568', now(), '2026-11-16', 100),
                 ('2026-11-16', 'DELAYED_CREDIT', 'open', null, 'J', '2026-11-16', 1, 3, '898310148160568', now(), '2026-11-16', 100);`);
      await migrate(store);
      const rows = await store.query<{
        id: string;
        kind: string;
        s_line: number;
        state: string;
        reason: string | null;
        due_on: string;
      }>(
        `select e.id, e.kind, e.s_line, c.state, c.reason, c.due_on::text as due_on
           from recon.exception e join recon.case c on c.finding_id = e.id order by e.s_line`,
      );
      expect(rows).toEqual([
        {
          id: expectedId('MISSING_CREDIT', 'J', sha, 2),
          kind: 'MISSING_CREDIT',
          s_line: 2,
          state: 'closed',
          reason: 'RESOLVED_BY_RUN',
          due_on: '2026-11-17',
        },
        {
          id: expectedId('DELAYED_CREDIT', 'J', sha, 3),
          kind: 'DELAYED_CREDIT',
          s_line: 3,
          state: 'new',
          reason: null,
          due_on: '2026-11-19',
        },
      ]);
      // The run's TypeScript (core/finding-id.ts) and the store's function agree, on every kind and side.
      const cases = Array.from({ length: 200 }, (_, i) => ({
        kind: ['MISSING_CREDIT', 'DUPLICATE_CREDIT', 'RISK_HOLD', 'AMBIGUOUS_MATCH'][i % 4]!,
        side: i % 3 === 0 ? 'C' : 'J',
        sha:
          i % 7 === 0 ? `run:2026-11-${10 + (i % 9)}:${i % 4}` : createHash('sha256').update(String(i)).digest('hex'),
        line: 2 + i * 7919,
      }));
      const sql = await store.query<{ id: string }>(
        `select recon.finding_id(k, s, h, l) as id from unnest($1::text[], $2::text[], $3::text[], $4::int[]) as u(k, s, h, l)`,
        [cases.map((c) => c.kind), cases.map((c) => c.side), cases.map((c) => c.sha), cases.map((c) => c.line)],
      );
      expect(sql.map((r) => r.id)).toEqual(cases.map((c) => findingId(c.kind, c.side, c.sha, c.line)));
      expect(findingId('MISSING_CREDIT', 'J', sha, 2)).toBe(expectedId('MISSING_CREDIT', 'J', sha, 2));
    } finally {
      await store.close();
    }
  });
});
