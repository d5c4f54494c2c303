/**
 * The console (DESIGN §11) through fastify.inject, on both stores: every refusal, and that it changed
 * nothing — no session (redirect to /login; a POST refused), a wrong password, no CSRF token or
 * another session's (403), a viewer closing (403), a maker approving their own write-off (403,
 * saying why), a page for supervisors, a case changed since it was shown (409), a disabled user's
 * session, 30 wrong passwords (429, by address and by name) — and the work: the queue's filters and
 * keyset pages, a finding with both sides' source lines, actions one by one and in bulk, four eyes,
 * the audit trail verified. Text from the inputs (order numbers with markup) comes out escaped.
 * The browser test (console-browser.test.ts) drives the same pages in Chromium; the lock between
 * `recon serve` and `recon run` on an embedded store is in the last test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../src/run/pool.js';
import { buildConsole, SESSION_COOKIE } from '../../src/serve/console-server.js';
import { LOGIN_FAILURES } from '../../src/serve/pages/login.js';
import { StoreLease } from '../../src/serve/store-lease.js';
import { openStore } from '../../src/store/open-store.js';
import { BIN, environment, NODE_FLAGS, recon } from '../helpers/cli.js';
import {
  ConsoleClient,
  type ConsoleWorld,
  caseNow,
  consoleWorld,
  IMG_ORDER,
  SCRIPT_ORDER,
  THU,
  WED,
} from '../helpers/console.js';
import { testPool } from '../helpers/pool.js';
import { openMemoryStore, storeCases } from '../helpers/stores.js';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});

/** The finding ids a queue page lists, in order. */
const listed = (r: LightMyRequestResponse): string[] =>
  [...r.body.matchAll(/<tr data-id="(F[A-Z2-7]{12})"/g)].map((m) => m[1]!);
/** The message of a refusal page. */
const refusal = (r: LightMyRequestResponse): string => /data-testid="refusal">([^<]*)</.exec(r.body)?.[1] ?? '';
/** The value of the hidden seq field of a finding page's forms. */
const seqOf = (r: LightMyRequestResponse): string => /name="seq" value="(\d+)"/.exec(r.body)![1]!;

describe.each(storeCases())('the console ($name store)', (sc) => {
  let world: ConsoleWorld;
  let app: FastifyInstance;
  let lease: StoreLease;
  const log: string[] = [];
  const now = (id: string) => lease.use((s) => caseNow(s, id));
  const id = (stan: string) => world.ids[stan]!;
  beforeAll(async () => {
    world = await consoleWorld(sc, pool);
    lease = new StoreLease(await openStore(world.target), world.target);
    app = await buildConsole(lease, { today: THU, log: (l) => log.push(l) });
  });
  afterAll(async () => {
    await app?.close();
    await sc.dispose();
  });

  it('without a session every page sends to /login and every change is refused; the headers of a security boundary', async () => {
    const c = new ConsoleClient(app);
    for (const [url, next] of [
      ['/', '%2F'],
      ['/cases?state=new&kind=MISSING_CREDIT', '%2Fcases%3Fstate%3Dnew%26kind%3DMISSING_CREDIT'],
      [`/findings/${id('000001')}`, `%2Ffindings%2F${id('000001')}`],
      ['/audit', '%2Faudit'],
      ['/users', '%2Fusers'],
      ['/no-such-page', '%2Fno-such-page'],
    ]) {
      const r = await c.get(url!);
      expect([url, r.statusCode, r.headers.location]).toEqual([url, 303, `/login?next=${next}`]);
    }
    // A POST with no session has no CSRF secret to match: 403, nothing changed.
    const before = await now(id('000001'));
    const post = await c.post(`/findings/${id('000001')}/close`, { reason: 'RECOVERED' }, false);
    expect(post.statusCode).toBe(403);
    expect(await now(id('000001'))).toEqual(before);

    const login = await c.get('/login');
    expect(login.statusCode).toBe(200);
    const h = login.headers;
    const csp = String(h['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['cache-control']).toBe('no-store');
    expect(h['strict-transport-security']).toBeUndefined(); // no TLS proxy configured
    // Every script is a file of the site: no inline script to allow.
    expect([...login.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1])).toEqual([' src="/static/console.js" defer']);
    const cookie = String(h['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)![1]!);
    expect(Math.abs(expires - Date.now() - 30 * 60_000)).toBeLessThan(60_000); // the idle timeout
    expect((await c.get('/static/console.js')).statusCode).toBe(200);
    const outside = await c.get('/static/../console-server.ts');
    expect(outside.statusCode).not.toBe(200);
    expect(outside.body).not.toContain('buildConsole');
  });

  it('a wrong password, an unknown name and a user without a password get one answer, and no session', async () => {
    for (const [name, password] of [
      ['olga', 'not-her-password'],
      ['nobody', 'whatever-it-is-1'],
      ['olga', ''],
    ]) {
      const c = new ConsoleClient(app, '192.0.2.10');
      const r = await c.login(name!, password);
      expect([r.statusCode, /login-problem">([^<]*)/.exec(r.body)?.[1]]).toEqual([401, 'Wrong name or password.']);
      expect((await c.get('/')).statusCode).toBe(303);
    }
    expect(log.filter((l) => l.startsWith('login failed'))).toHaveLength(3);
  });

  it('the queue: filters of recon cases, keyset pages, sorts; a finding with both source lines; markup escaped', async () => {
    const c = new ConsoleClient(app);
    const login = await c.login('olga');
    expect([login.statusCode, login.headers.location]).toEqual([303, '/']);
    const missing = listed(await c.get('/cases?state=new&kind=MISSING_CREDIT'));
    expect(missing.sort()).toEqual(['000001', '000002', '000003', '000004', '000006', '000007'].map(id).sort());
    expect(listed(await c.get('/cases?kind=DUPLICATE_CREDIT,AMOUNT_MISMATCH')).sort()).toEqual(
      [id('000005'), id('000008')].sort(),
    );
    expect(listed(await c.get('/cases?min-amount=1000000'))).toEqual([id('000004')]);
    expect(listed(await c.get('/cases?overdue=1'))).toEqual([]); // due Thursday: not overdue on Thursday
    // Keyset pages of 3: the "next" links walk the whole queue once, in its order.
    const all = listed(await c.get('/cases'));
    expect(all).toHaveLength(8);
    const walked: string[] = [];
    let url: string | undefined = '/cases?limit=3';
    while (url) {
      const page = await c.get(url);
      walked.push(...listed(page));
      url = /href="([^"]+)" rel="next"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    }
    expect(walked).toEqual(all);
    expect(listed(await c.get('/cases?sort=due_desc'))).toEqual([...all].reverse());
    const bad = await c.get('/cases?state=done');
    expect([bad.statusCode, refusal(bad)]).toEqual([
      400,
      '--state must be one of new, assigned, pending_approval, closed, reopened (got &quot;done&quot;)',
    ]);
    expect((await c.get('/cases?after=nonsense')).statusCode).toBe(400);

    // Markup in an order number is text, in the queue and on the finding's page, never markup.
    for (const body of [(await c.get('/cases')).body, (await c.get(`/findings/${id('000006')}`)).body]) {
      expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(body).not.toContain(SCRIPT_ORDER);
    }
    const img = (await c.get(`/findings/${id('000007')}`)).body;
    expect(img).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(img).not.toContain(IMG_ORDER);
    expect(img).not.toMatch(/<img/);

    // Both sides' lines, read from the kept input files (the subject's line and its credit's).
    const both = await c.get(`/findings/${id('000008')}`);
    expect(both.statusCode).toBe(200);
    const line = (side: string) => new RegExp(`data-testid="line-${side}">([^<]*)<`).exec(both.body)?.[1];
    expect(line('journal')).toBe(
      '898310148160568,10023456,000001,000008,632010000008,A00008,SALE,CARD_CHIP,,2026-11-16T10:00:00+08:00,12000,CNY,00,,622588******1234',
    );
    expect(line('clearing')).toMatch(
      /^SALE,898310148160568,10023456,000008,632010000008,.*,11000,60,10940,CNY,SETTLED$/,
    );
    expect(both.body).toContain(join(world.dir, 'journal', '2026-11-16.csv:9'));
    expect(both.body).toContain('A matched credit&#39;s gross amount differs from the amount the terminal charged');
    // A MISSING_CREDIT has no clearing row.
    expect((await c.get(`/findings/${id('000001')}`)).body).toContain('no clearing row: no credit matched it');
    expect((await c.get('/findings/F0000')).statusCode).toBe(400);
    expect((await c.get('/findings/FAAAAAAAAAAAA')).statusCode).toBe(404);
    // The overview and the runs render the store's numbers.
    const home = await c.get('/');
    expect(/data-testid="cases-new">(\d+)/.exec(home.body)?.[1]).toBe('8');
    expect(home.body).toContain(`The run of ${WED}`);
    expect((await c.get('/runs')).body).toContain('Runs 2026-11-16..2026-11-18');
  });

  it('every change needs its session’s CSRF token: without it, or with another’s, 403 and nothing changed', async () => {
    const olga = new ConsoleClient(app);
    await olga.login('olga');
    const page = await olga.get(`/findings/${id('000002')}`);
    const form = { to: 'olga', seq: seqOf(page) };
    const before = await now(id('000002'));
    const other = new ConsoleClient(app);
    await other.login('sam');
    await other.get('/');
    for (const csrf of [false, other.token, 'forged-token', ''] as const) {
      const r = await olga.post(`/findings/${id('000002')}/assign`, form, csrf);
      expect([r.statusCode, refusal(r)]).toEqual([
        403,
        'The form&#39;s security token (CSRF) is missing or not this session&#39;s: nothing was changed. Reload the page and try again.',
      ]);
      expect(await now(id('000002'))).toEqual(before);
    }
    // Logging out needs it too (a forged logout is refused).
    expect((await olga.post('/logout', {}, false)).statusCode).toBe(403);
    expect((await olga.get('/')).statusCode).toBe(200);
    const ok = await olga.post(`/findings/${id('000002')}/assign`, form);
    expect(ok.statusCode).toBe(303);
    expect((await now(id('000002'))).state).toBe('assigned');
    expect((await olga.post('/logout', {})).statusCode).toBe(303);
    expect((await olga.get('/')).statusCode).toBe(303);
  });

  it('roles are checked on the server: a viewer closing, an operator approving or managing users, 403', async () => {
    const vic = new ConsoleClient(app);
    await vic.login('vic');
    const page = await vic.get(`/findings/${id('000001')}`);
    expect(page.body).toContain('Nothing you can do to it now (a viewer reads)');
    expect(page.body).not.toContain('action="/findings/');
    const before = await now(id('000001'));
    const r = await vic.post(`/findings/${id('000001')}/close`, { reason: 'RECOVERED', seq: '0' });
    expect([r.statusCode, refusal(r)]).toEqual([
      403,
      'This needs the role operator; vic is a viewer. Nothing was changed.',
    ]);
    expect(await now(id('000001'))).toEqual(before);
    expect(
      (await vic.post('/cases/bulk', { action: 'close', id: `${id('000001')}:0`, reason: 'RECOVERED' })).statusCode,
    ).toBe(403);
    expect(await now(id('000001'))).toEqual(before);

    const olga = new ConsoleClient(app);
    await olga.login('olga');
    expect((await olga.get('/')).body).not.toContain('href="/users"');
    expect((await olga.get('/users')).statusCode).toBe(403);
    expect((await olga.post('/users', { name: 'eve', role: 'supervisor' })).statusCode).toBe(403);
    expect((await olga.post('/users/olga/password', { password: 'a-new-long-password' })).statusCode).toBe(403);
    const approve = await olga.post(`/findings/${id('000001')}/approve`, { seq: '0' });
    expect([approve.statusCode, refusal(approve)]).toEqual([
      403,
      'This needs the role supervisor; olga is a operator. Nothing was changed.',
    ]);
    expect(await now(id('000001'))).toEqual(before);
  });

  it('actions, a case changed meanwhile, bulk, four eyes, and the audit trail verified', async () => {
    const olga = new ConsoleClient(app);
    await olga.login('olga');
    // Assign, then close with the seq the page showed before the assignment: refused, 409.
    const shown = await olga.get(`/findings/${id('000001')}`);
    const seq = seqOf(shown);
    expect((await olga.post(`/findings/${id('000001')}/assign`, { to: 'olga', seq })).statusCode).toBe(303);
    expect(/data-testid="flash">([^<]*)/.exec((await olga.get(`/findings/${id('000001')}`)).body)?.[1]).toBe(
      'assign: new → assigned (owner olga)',
    );
    const stale = await olga.post(`/findings/${id('000001')}/close`, { reason: 'CREDITED_OUTSIDE', seq });
    expect([stale.statusCode, refusal(stale)]).toEqual([
      409,
      `${id('000001')}: the case changed since it was shown (reload it and act again)`,
    ]);
    expect((await now(id('000001'))).state).toBe('assigned');
    const fresh = seqOf(await olga.get(`/findings/${id('000001')}`));
    const noReason = await olga.post(`/findings/${id('000001')}/close`, { seq: fresh });
    expect(noReason.statusCode).toBe(422);
    expect(refusal(noReason)).toContain('close needs --reason');
    const closed = await olga.post(`/findings/${id('000001')}/close`, {
      reason: 'CREDITED_OUTSIDE',
      note: 'paid by hand, slip <4471>',
      seq: fresh,
    });
    expect(closed.statusCode).toBe(303);
    expect(await now(id('000001'))).toEqual({ state: 'closed', owner: 'olga', events: 2 });
    const history = (await olga.get(`/findings/${id('000001')}`)).body;
    expect(history).toContain('paid by hand, slip &lt;4471&gt;');

    // Bulk: the ticked cases, all or none.
    const q = await olga.get('/cases?kind=MISSING_CREDIT&state=new');
    const ticks = [...q.body.matchAll(/name="id" value="([^"]+)"/g)].map((m) => m[1]!);
    const picked = ticks.filter((t) => t.startsWith(id('000006')) || t.startsWith(id('000007')));
    expect(picked).toHaveLength(2);
    const staleBulk = [picked[0]!, `${id('000003')}:99`];
    const refused = await olga.post('/cases/bulk', { action: 'assign', to: 'olga', id: staleBulk });
    expect(refused.statusCode).toBe(409);
    expect((await now(id('000006'))).state).toBe('new');
    const bulk = await olga.post('/cases/bulk', { action: 'assign', to: 'olga', id: picked, back: '/cases?state=new' });
    expect([bulk.statusCode, bulk.headers.location]).toEqual([303, '/cases?state=new']);
    expect((await now(id('000006'))).owner).toBe('olga');
    expect((await now(id('000007'))).owner).toBe('olga');
    expect(/data-testid="flash">([^<]*)/.exec((await olga.get('/cases?state=new')).body)?.[1]).toBe(
      'assigned 2 case(s) to olga',
    );

    // Four eyes: sam writes off; sam cannot approve his own closing; sue can.
    const sam = new ConsoleClient(app);
    await sam.login('sam');
    const s3 = seqOf(await sam.get(`/findings/${id('000003')}`));
    expect(
      (
        await sam.post(`/findings/${id('000003')}/close`, {
          reason: 'WRITTEN_OFF',
          note: 'below the cost of chasing',
          seq: s3,
        })
      ).statusCode,
    ).toBe(303);
    const mine = await sam.get(`/findings/${id('000003')}`);
    expect(mine.body).toContain('you made it, so another supervisor approves or rejects it (four eyes)');
    expect(mine.body).not.toContain('/approve"');
    const own = await sam.post(`/findings/${id('000003')}/approve`, { seq: seqOf(mine) });
    expect([own.statusCode, refusal(own)]).toEqual([
      403,
      `${id('000003')}: sam made this closing: another supervisor approves it (four eyes)`,
    ]);
    expect((await now(id('000003'))).state).toBe('pending_approval');
    const sue = new ConsoleClient(app);
    await sue.login('sue');
    const theirs = await sue.get(`/findings/${id('000003')}`);
    expect(theirs.body).toContain('/approve"');
    expect((await sue.post(`/findings/${id('000003')}/approve`, { seq: seqOf(theirs) })).statusCode).toBe(303);
    expect((await now(id('000003'))).state).toBe('closed');

    // The audit trail: the events above, newest first, and a chain that holds.
    const audit = await sue.get('/audit?verify=1');
    expect(/data-testid="verify-result">([^<]*)/.exec(audit.body)?.[1]).toMatch(
      /^The audit trail holds: \d+ event\(s\) chained\.$/,
    );
    expect(audit.body).toContain('paid by hand, slip &lt;4471&gt;');
    expect(audit.body.indexOf('>approve<')).toBeLessThan(audit.body.indexOf('>assign<'));
  });

  it('users: a supervisor adds one and sets a password, who logs in; a disabled user’s session ends at once', async () => {
    const sue = new ConsoleClient(app);
    await sue.login('sue');
    expect((await sue.get('/users')).statusCode).toBe(200);
    expect((await sue.post('/users', { name: 'pat', role: 'operator' })).statusCode).toBe(303);
    const short = await sue.post('/users/pat/password', { password: 'short' });
    expect([short.statusCode, refusal(short)]).toEqual([400, 'a password needs at least 12 characters']);
    expect((await sue.post('/users/pat/password', { password: 'pat-password-long' })).statusCode).toBe(303);
    const pat = new ConsoleClient(app);
    expect((await pat.login('pat', 'pat-password-long')).statusCode).toBe(303);
    expect((await pat.get('/')).statusCode).toBe(200);
    expect((await sue.post('/users/pat/disable', {})).statusCode).toBe(303);
    expect((await pat.get('/')).statusCode).toBe(303);
    expect((await pat.login('pat', 'pat-password-long')).statusCode).toBe(401);
    expect((await sue.get('/users')).body).toMatch(
      /data-user="pat"><td>pat<\/td><td>operator<\/td><td>yes<\/td><td>disabled/,
    );
  });

  // The limits, the TLS proxy and the embedded store's lock are the console's own, whatever the
  // store: registered once, with the embedded store (not skipped on the server: not there at all).
  if (sc.name === 'pglite') {
    it('30 wrong passwords are answered 429: per name from any address, per address for any name', async () => {
      const tries = async (who: (i: number) => [string, string]) => {
        const codes: number[] = [];
        for (let i = 0; i < 30; i++) {
          const [name, address] = who(i);
          const c = new ConsoleClient(app, address);
          codes.push((await c.login(name, `wrong-password-${i}`)).statusCode);
        }
        return codes;
      };
      const expected = [...Array(LOGIN_FAILURES).fill(401), ...Array(30 - LOGIN_FAILURES).fill(429)];
      expect(await tries((i) => ['sam', `198.51.100.${i + 1}`])).toEqual(expected);
      // (Known names, each far from its own limit: an unknown name costs a full scrypt, on purpose.)
      const names = ['sue', 'olga', 'vic', 'pat'];
      expect(await tries((i) => [names[i % names.length]!, '203.0.113.7'])).toEqual(expected);
      // Refused before any password is checked: sam's right password too, for now; and from the
      // limited address, anyone. Another person elsewhere is not held up.
      const sam = new ConsoleClient(app, '198.51.100.99');
      const limited = await sam.login('sam');
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await new ConsoleClient(app, '203.0.113.7').login('sue')).statusCode).toBe(429);
      expect((await new ConsoleClient(app, '192.0.2.77').login('sue')).statusCode).toBe(303);
    });

    it('behind a trusted TLS proxy the cookie is Secure; an untrusted X-Forwarded-Proto changes nothing', async () => {
      const proxied = await buildConsole(
        new StoreLease(await openMemoryStore(), { kind: 'embedded', dir: undefined }),
        {
          trustProxy: '127.0.0.1',
        },
      );
      try {
        const viaTls = await proxied.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https' } });
        expect(String(viaTls.headers['set-cookie'])).toMatch(/; Secure/);
        expect(String(viaTls.headers['set-cookie'])).toContain('SameSite=Strict');
        expect(viaTls.headers['strict-transport-security']).toBe('max-age=31536000');
        const forged = await app.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https' } });
        expect(String(forged.headers['set-cookie'])).not.toContain('Secure');
      } finally {
        await proxied.close();
      }
    });

    it('recon run on an embedded store that recon serve holds is refused, naming the serving process', async () => {
      // The console's store is a copy of this world's, in a directory a child process serves.
      const { db } = await sc.fresh(world.db);
      const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, BIN, 'serve', '--db', db, '--port', '0'], {
        env: environment(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      const listening = new Promise<string>((resolve, reject) => {
        child.stderr!.on('data', (d: Buffer) => {
          stderr += d.toString();
          const m = /is at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`recon serve exited ${code}: ${stderr}`)));
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const url = await listening;
        expect((await fetch(`${url}/login`)).status).toBe(200);
        const run = await recon(world.dir, [
          'run',
          '--date',
          '2026-11-19',
          '--journal',
          join(world.dir, 'journal', '2026-11-16.csv'),
          '--clearing',
          join(world.dir, 'clearing', '2026-11-17.csv'),
          '--db',
          db,
        ]);
        expect(run.code).toBe(4);
        expect(run.stderr).toContain(
          `is in use by another recon process (pid ${child.pid}, recon serve --db ${db} --port 0`,
        );
        expect(run.stderr).toContain('it is the console (recon serve)');
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      expect(stderr).toContain('SIGTERM: stopping');
      expect(existsSync(`${db}.lock`)).toBe(false);
    });
  }
});
