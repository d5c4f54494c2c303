/**
 * The console in a real browser (headless Chromium from npm, test/helpers/browser.ts, driven by
 * playwright-core), over HTTP on the embedded store: an operator's morning end to end — sent to the
 * login page, a wrong password, logged in, the queue filtered, a finding opened with both sides'
 * source lines, assigned, closed with a reason; a write-off approved by a second user (a supervisor);
 * the audit trail verified — and, in the same browser, a form sent without its CSRF token (403,
 * nothing changed) and order numbers with markup shown as text, with no script run (no dialog opens).
 * The refusals one by one, on both stores, are in console.test.ts. Screenshots of the queue and of a
 * finding are kept in test-output/ (the README's docs/console-*.png are copies).
 */
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/package-path.js';
import { createPool, type Pool } from '../../src/run/pool.js';
import { buildConsole } from '../../src/serve/console-server.js';
import { StoreLease } from '../../src/serve/store-lease.js';
import { openStore } from '../../src/store/open-store.js';
import { launchBrowser } from '../helpers/browser.js';
import { caseNow, consoleWorld, IMG_ORDER, PASSWORDS, SCRIPT_ORDER, THU } from '../helpers/console.js';
import { storeCases } from '../helpers/stores.js';

const sc = storeCases()[0]!; // the embedded store
let pool: Pool;
let browser: Browser;
let app: FastifyInstance;
let lease: StoreLease;
let base: string;
let ids: Record<string, string>;

beforeAll(async () => {
  pool = createPool(2);
  const [world, b] = await Promise.all([consoleWorld(sc, pool), launchBrowser()]);
  browser = b;
  ids = { ...world.ids };
  lease = new StoreLease(await openStore(world.target), world.target);
  app = await buildConsole(lease, { today: THU });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await pool?.destroy();
  await sc.dispose();
});

describe('the console in a browser', () => {
  it("an operator's morning, a write-off approved by a supervisor, the audit trail; no CSRF token and markup refused", async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const text = async (p: Page, sel: string) => (await p.textContent(sel))?.trim();
    const now = (stan: string) => lease.use((s) => caseNow(s, ids[stan]!));
    const login = async (name: string, password: string) => {
      await page.fill('input[name="name"]', name);
      await page.fill('input[name="password"]', password);
      await page.click('section.login button[type="submit"]');
    };

    // No session: the queue sends to the login page, which comes back to it.
    await page.goto(`${base}/cases`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await login('olga', 'not-her-password');
    expect(await text(page, '[data-testid="login-problem"]')).toBe('Wrong name or password.');
    await login('olga', PASSWORDS.olga);
    expect(new URL(page.url()).pathname).toBe('/cases');
    expect(await text(page, '[data-testid="who"]')).toBe('olga');

    // The queue, filtered in its form: the new MISSING_CREDITs.
    await page.selectOption('select[name="state"]', ['new']);
    await page.selectOption('select[name="kind"]', ['MISSING_CREDIT']);
    await page.click('form.filters button[type="submit"]');
    expect(new URL(page.url()).search).toContain('state=new&kind=MISSING_CREDIT');
    const rows = page.locator('table.queue tbody tr[data-id]');
    expect(await rows.count()).toBe(6);
    // Order numbers with markup are text: shown as typed, no element made of them, no script run.
    expect(await text(page, `tr[data-id="${ids['000006']}"] td.ref`)).toBe(SCRIPT_ORDER);
    expect(await text(page, `tr[data-id="${ids['000007']}"] td.ref`)).toBe(IMG_ORDER);
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    // The bulk form's script: ticking rows counts them.
    await page.check(`tr[data-id="${ids['000001']}"] input[name="id"]`);
    expect(await text(page, '.ticked')).toBe('1');
    mkdirSync(packagePath('test-output'), { recursive: true });
    await page.screenshot({ path: packagePath('test-output/console-queue.png'), fullPage: true });

    // A finding with both sides' lines: assign it, then close it with a reason.
    await page.goto(`${base}/cases`);
    await page.click(`a[href="/findings/${ids['000008']}"]`);
    expect(await text(page, '[data-testid="finding-id"]')).toBe(ids['000008']);
    expect(await text(page, '[data-testid="line-journal"]')).toMatch(
      /^898310148160568,10023456,000001,000008,.*,12000,CNY,00,,622588\*{6}1234$/,
    );
    expect(await text(page, '[data-testid="line-clearing"]')).toMatch(
      /^SALE,898310148160568,10023456,000008,.*,11000,60,10940,CNY,SETTLED$/,
    );
    await page.screenshot({ path: packagePath('test-output/console-finding.png'), fullPage: true });
    await page.selectOption('[data-testid="action-assign"] select[name="to"]', 'olga');
    await page.click('[data-testid="action-assign"] button');
    expect(await text(page, '[data-testid="flash"]')).toBe('assign: new → assigned (owner olga)');
    await page.selectOption('[data-testid="action-close"] select[name="reason"]', 'ADJUSTMENT_POSTED');
    await page.fill('[data-testid="action-close"] textarea[name="note"]', 'the acquirer posted the 10.00');
    await page.click('[data-testid="action-close"] button');
    expect(await text(page, '[data-testid="state"]')).toBe('closed');
    expect(await text(page, '[data-testid="reason"]')).toBe('ADJUSTMENT_POSTED');
    expect(await page.locator('[data-testid="history"] tbody tr').count()).toBe(2);

    // A form sent without its CSRF token (taken out of the page): refused, 403, nothing changed.
    await page.goto(`${base}/findings/${ids['000002']}`);
    const before = await now('000002');
    await page
      .locator('[data-testid="action-assign"] input[name="_csrf"]')
      .evaluate((input) => (input as unknown as { remove(): void }).remove());
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/assign')),
      page.click('[data-testid="action-assign"] button'),
    ]);
    expect(refused.status()).toBe(403);
    expect(await text(page, '[data-testid="refusal"]')).toContain('security token (CSRF) is missing');
    expect(await now('000002')).toEqual(before);

    // Four eyes: olga writes a case off; it waits; sue, a supervisor, approves it.
    await page.goto(`${base}/findings/${ids['000003']}`);
    await page.selectOption('[data-testid="action-close"] select[name="reason"]', 'WRITTEN_OFF');
    await page.fill('[data-testid="action-close"] textarea[name="note"]', 'below the cost of chasing');
    await page.click('[data-testid="action-close"] button');
    expect(await text(page, '[data-testid="state"]')).toBe('pending approval');
    expect(await text(page, '[data-testid="waiting"]')).toContain('by olga waits for a supervisor');
    expect(await page.locator('[data-testid="action-approve"]').count()).toBe(0);
    await page.click('header .who button');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.goto(`${base}/findings/${ids['000003']}`);
    await login('sue', PASSWORDS.sue);
    expect(await text(page, '[data-testid="finding-id"]')).toBe(ids['000003']);
    await page.click('[data-testid="action-approve"] button');
    expect(await text(page, '[data-testid="state"]')).toBe('closed');
    expect(await text(page, '[data-testid="reason"]')).toBe('WRITTEN_OFF');

    // The finding of the order number with markup: text again, and no dialog.
    await page.goto(`${base}/findings/${ids['000006']}`);
    expect(await text(page, '[data-testid="detail-order-no"]')).toBe(SCRIPT_ORDER);
    expect(await text(page, '[data-testid="line-journal"]')).toContain(SCRIPT_ORDER);

    // The audit trail verifies.
    await page.click('header nav a[href="/audit"]');
    await page.click('[data-testid="verify"]');
    expect(await text(page, '[data-testid="verify-result"]')).toMatch(
      /^The audit trail holds: \d+ event\(s\) chained\.$/,
    );
    // Newest first: the approval, the two closings, the assignment, the four users added.
    expect(await page.locator('[data-testid="audit"] tbody tr td:nth-child(5)').allTextContents()).toEqual([
      'approve',
      'close',
      'close',
      'assign',
      'user_add',
      'user_add',
      'user_add',
      'user_add',
    ]);

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
