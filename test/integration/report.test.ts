/**
 * The morning report in a real browser (headless Chromium from npm, test/helpers/browser.ts, driven by playwright-core): after a
 * generated 5-day chain, the numbers the page shows — headline, per kind, per day, open items by
 * age, the table with its search and sort — equal the store's. A screenshot is kept as a test
 * artefact in test-output/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/package-path.js';
import { renderReport, reportData } from '../../src/reports/morning-report.js';
import type { Pool } from '../../src/run/pool.js';
import type { RunSummary } from '../../src/run/summary.js';
import { launchBrowser } from '../helpers/browser.js';
import { datesFrom, generateChain, runDate, tempDir } from '../helpers/chain.js';
import { testPool } from '../helpers/pool.js';
import { storeCases } from '../helpers/stores.js';

const money = (minor: number): string =>
  (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const int = (n: number): string => n.toLocaleString('en-US');

let pool: Pool;
let browser: Browser;
beforeAll(async () => {
  pool = testPool();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

for (const sc of storeCases()) {
  describe(`report on ${sc.name}`, () => {
    afterAll(() => sc.dispose());

    it('shows in the browser exactly the numbers of the store', async () => {
      const dates = datesFrom('2026-11-16', 5);
      const { dir } = generateChain(dates[0]!, 5, 3000, 61);
      const store = await sc.open();
      let last: RunSummary | undefined;
      try {
        for (const d of dates) last = await runDate(store, dir, d, pool);
        const date = dates.at(-1)!;
        const data = await reportData(store, date, 7);
        const file = join(tempDir('report'), 'report.html');
        writeFileSync(file, renderReport(data));

        // What the store says.
        const kinds = await store.query<{ kind: string; count: number; stake: string }>(
          `select kind, count(*)::int as count, sum(amount_at_stake)::text as stake from recon.exception where raised_on = $1::date group by kind`,
          [date],
        );
        const open = await store.query<{ count: number; stake: string }>(
          `select count(*)::int as count, sum(amount_at_stake)::text as stake from recon.exception where status = 'open'`,
        );
        const perDay = await store.query<{ d: string; count: number }>(
          `select raised_on::text as d, count(*)::int as count from recon.exception group by 1`,
        );
        const items = await store.query<{ count: number }>(
          `select count(*)::int as count from recon.open_item where created_by = $1::date`,
          [date],
        );
        const total = kinds.reduce((n, k) => n + k.count, 0);
        expect(total).toBeGreaterThan(10);
        expect(kinds.length).toBeGreaterThan(5);

        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        await page.goto(`file://${file}`);
        const shown = async (id: string): Promise<string> => (await page.textContent(`[data-testid="${id}"]`))!.trim();
        expect(await shown('transactions')).toBe(int(last!.journal.rowsIn + last!.clearing.rowsIn));
        expect(await shown('reconciled-amount')).toBe(money(last!.journal.amounts.reconciled));
        expect(last!.journal.amounts.reconciled).toBeGreaterThan(0);
        expect(await shown('exceptions')).toBe(int(total));
        expect(await shown('amount-at-stake')).toBe(money(kinds.reduce((n, k) => n + Number(k.stake), 0)));
        expect(await shown('open-findings')).toBe(int(open[0]!.count));
        for (const k of kinds) {
          expect(await shown(`kind-count-${k.kind}`)).toBe(int(k.count));
          expect(await shown(`kind-stake-${k.kind}`)).toBe(money(Number(k.stake)));
        }
        for (const d of dates)
          expect(await shown(`day-total-${d}`), d).toBe(int(perDay.find((p) => p.d === d)?.count ?? 0));
        let aged = 0;
        for (const b of ['0-1', '2-3', '4-7', '8-30', '>30'])
          aged += Number((await shown(`age-${b}`)).replace(/,/g, ''));
        expect(aged).toBe(items[0]!.count);
        // The cases, as of the morning after the date: by state, and overdue.
        const cases = await store.query<{ state: string; count: number; overdue: number }>(
          `select state, count(*)::int as count,
                  count(*) filter (where state <> 'closed' and due_on < $1::date + 1)::int as overdue
             from recon.case group by state`,
          [date],
        );
        expect(cases.find((c) => c.state === 'new')?.count).toBeGreaterThan(0);
        for (const c of cases) expect(await shown(`cases-${c.state}`), c.state).toBe(int(c.count));
        expect(await shown('cases-overdue')).toBe(int(cases.reduce((n, c) => n + c.overdue, 0)));

        // The table: every finding, largest at stake first; search and sort work.
        expect(await shown('table-shown')).toBe(int(total));
        expect(await page.locator('#findings tbody tr').count()).toBe(total);
        const stakes = async (): Promise<number[]> =>
          (await page.locator('#findings tbody tr td:nth-child(10)').allTextContents()).map((t) =>
            Number(t.replace(/,/g, '')),
          );
        const first = await stakes();
        expect(first).toEqual([...first].sort((a, b) => b - a));
        const someKind = kinds.sort((a, b) => a.kind.localeCompare(b.kind))[0]!;
        await page.fill('#search', someKind.kind.toLowerCase());
        expect(await shown('table-shown')).toBe(int(someKind.count));
        expect(await page.locator('#findings tbody tr').count()).toBe(someKind.count);
        await page.fill('#search', '');
        await page.click('#findings th[data-key="stake"]');
        const ascending = await stakes();
        expect(ascending).toEqual([...first].sort((a, b) => a - b));

        mkdirSync(packagePath('test-output'), { recursive: true });
        await page.screenshot({ path: packagePath(`test-output/report-${sc.name}.png`), fullPage: true });
        await page.close();
      } finally {
        await store.close();
      }
    });
  });
}
