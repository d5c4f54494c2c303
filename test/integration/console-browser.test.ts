/**
 * The console in a real browser (headless Chromium from npm, test/helpers/browser.ts, driven by
 * playwright-core), over HTTP on the embedded store: an operator's morning end to end — sent to the
 * login page, a wrong password, logged in, the queue filtered, a finding opened with both sides'
 * source lines, assigned, closed with a reason; a write-off approved by a second user (a supervisor);
 * the audit trail verified — and, in the same browser, a form sent without its CSRF token (403,
 * nothing changed) and order numbers with markup shown as text, with no script run (no dialog opens);
 * then the refusals a browser can still send when the page offers no such button (a form forged in
 * the page with its own CSRF token): a viewer closing (403), a supervisor approving their own
 * write-off (403), and 30 wrong passwords typed into the login form (429 after LOGIN_FAILURES, even
 * for the right one). The refusals one by one, on both stores, are in console.test.ts. Screenshots of
 * the queue and of a finding are kept in test-output/ (the README's docs/console-*.png are made by
 * scripts/console-screenshots.ts, on a generated world).
 */
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/cases/users.js';
import { packagePath } from '../../src/core/package-path.js';
import type { Pool } from '../../src/run/pool.js';
import { buildConsole } from '../../src/serve/console-server.js';
import { LOGIN_FAILURES } from '../../src/serve/pages/login.js';
import { StoreLease } from '../../src/serve/store-lease.js';
import { openStore } from '../../src/store/open-store.js';
import { launchBrowser } from '../helpers/browser.js';
import { caseNow, cheapHash, consoleWorld, IMG_ORDER, PASSWORDS, SCRIPT_ORDER, THU } from '../helpers/console.js';
import { testPool } from '../helpers/pool.js';
import { openMemoryStore, storeCases } from '../helpers/stores.js';

const sc = storeCases()[0]!; // the embedded store
let pool: Pool;
let browser: Browser;
let app: FastifyInstance;
let lease: StoreLease;
let base: string;
let ids: Record<string, string>;

beforeAll(async () => {
  pool = testPool();
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
  await sc.dispose();
});

const text = async (p: Page, sel: string) => (await p.textContent(sel))?.trim();
const now = (stan: string) => lease.use((s) => caseNow(s, ids[stan]!));

/** Fills the login form of the page and sends it; the answer to the POST. */
async function login(page: Page, name: string, password: string) {
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="password"]', password);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/login' && r.request().method() === 'POST'),
    page.click('section.login button[type="submit"]'),
  ]);
  await page.waitForLoadState();
  return answer;
}

/**
 * What a person can send from the page whatever it offers: a form made in it, posting `fields` to
 * `action` with the page's own CSRF token (the logout button's). The answer to the POST.
 */
async function forge(page: Page, action: string, fields: Record<string, string>) {
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(action) && r.request().method() === 'POST'),
    page.evaluate(
      ([to, values]) => {
        // The page's DOM, as much of it as this uses (the tests' TypeScript has no DOM library).
        interface El {
          method: string;
          action: string;
          type: string;
          name: string;
          value: string;
          append(child: El): void;
          submit(): void;
        }
        const doc = (
          globalThis as unknown as {
            document: { createElement(tag: string): El; querySelector(sel: string): El; body: El };
          }
        ).document;
        const form = doc.createElement('form');
        form.method = 'post';
        form.action = to;
        const token = doc.querySelector('input[name="_csrf"]').value;
        for (const [k, v] of Object.entries({ ...values, _csrf: token })) {
          const input = doc.createElement('input');
          input.type = 'hidden';
          input.name = k;
          input.value = v;
          form.append(input);
        }
        doc.body.append(form);
        form.submit();
      },
      [action, fields] as const,
    ),
  ]);
  await page.waitForLoadState();
  return answer;
}

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

    // No session: the queue sends to the login page, which comes back to it.
    await page.goto(`${base}/cases`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect((await login(page, 'olga', 'not-her-password')).status()).toBe(401);
    expect(await text(page, '[data-testid="login-problem"]')).toBe('Wrong name or password.');
    await login(page, 'olga', PASSWORDS.olga);
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
    await login(page, 'sue', PASSWORDS.sue);
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

  it('refused whatever the page offers: a viewer closing, a supervisor approving their own write-off (403, nothing changed)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();

    // vic, a viewer, is offered no action; a closing sent anyway is refused and changes nothing.
    await page.goto(`${base}/findings/${ids['000002']}`);
    await login(page, 'vic', PASSWORDS.vic);
    expect(await text(page, '[data-testid="finding-id"]')).toBe(ids['000002']);
    expect(await page.locator('form.action').count()).toBe(0);
    const before = await now('000002');
    const viewer = await forge(page, `/findings/${ids['000002']}/close`, { reason: 'RECOVERED', seq: '0' });
    expect(viewer.status()).toBe(403);
    expect(await text(page, '[data-testid="refusal"]')).toBe(
      'This needs the role operator; vic is a viewer. Nothing was changed.',
    );
    expect(await now('000002')).toEqual(before);
    await page.click('header .who button');

    // sam, a supervisor, writes 000004 off: it waits, and his own approval is neither offered nor taken.
    await page.goto(`${base}/findings/${ids['000004']}`);
    await login(page, 'sam', PASSWORDS.sam);
    await page.selectOption('[data-testid="action-close"] select[name="reason"]', 'WRITTEN_OFF');
    await page.fill('[data-testid="action-close"] textarea[name="note"]', 'the merchant agreed to forgo it');
    await page.click('[data-testid="action-close"] button');
    expect(await text(page, '[data-testid="state"]')).toBe('pending approval');
    expect(await text(page, '[data-testid="waiting"]')).toContain('you made it, so another supervisor approves');
    expect(await page.locator('[data-testid="action-approve"], [data-testid="action-reject"]').count()).toBe(0);
    const pending = await now('000004');
    const seq = await page.locator('input[name="seq"]').first().inputValue();
    const own = await forge(page, `/findings/${ids['000004']}/approve`, { seq });
    expect(own.status()).toBe(403);
    expect(await text(page, '[data-testid="refusal"]')).toBe(
      `${ids['000004']}: sam made this closing: another supervisor approves it (four eyes)`,
    );
    expect(await now('000004')).toEqual(pending);
    expect(pending.state).toBe('pending_approval');
    await context.close();
  });

  it('30 wrong passwords typed into the login form: 429 after the limit, the right one too', async () => {
    // A console of its own (the limit is per address, and every browser request comes from 127.0.0.1).
    const own = new StoreLease(await openMemoryStore(), { kind: 'embedded', dir: undefined });
    await own.use((s) =>
      s.transaction(async (tx) => {
        await addUser(tx, 'sue', 'supervisor', undefined);
        await tx.query('update recon.user set password_hash = $2 where name = $1', ['sue', cheapHash(PASSWORDS.sue)]);
      }),
    );
    const limited = await buildConsole(own);
    try {
      const url = await limited.listen({ host: '127.0.0.1', port: 0 });
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${url}/login`);
      const codes: number[] = [];
      for (let i = 0; i < 30; i++) codes.push((await login(page, 'sue', `wrong-password-${i}`)).status());
      expect(codes).toEqual([...Array(LOGIN_FAILURES).fill(401), ...Array(30 - LOGIN_FAILURES).fill(429)]);
      expect(await text(page, '[data-testid="login-problem"]')).toMatch(
        /^Too many failed logins from this address or for this name: try again in \d+ minutes?\.$/,
      );
      const right = await login(page, 'sue', PASSWORDS.sue);
      expect(right.status()).toBe(429);
      expect(Number(await right.headerValue('retry-after'))).toBeGreaterThan(0);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.goto(`${url}/`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await context.close();
    } finally {
      await limited.close();
    }
  });
});
