/**
 * The console's tests' store and client:
 * - `consoleWorld`: a store with a week's findings made by a hand-written Scenario (kept input files,
 *   so the finding page reads their lines), an order number with markup in it, and four users with
 *   passwords (sue and sam supervisors, olga an operator, vic a viewer);
 * - `ConsoleClient`: a person's browser over fastify.inject — cookies kept, the CSRF token of the
 *   last page sent with each form unless a test says otherwise.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { addUser } from '../../src/cases/users.js';
import type { Pool } from '../../src/run/pool.js';
import { openStore, type StoreTarget } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { credit, qrSale, Scenario, sale } from './scenario.js';
import type { StoreCase } from './stores.js';

export const MON = '2026-11-16';
export const TUE = '2026-11-17';
export const WED = '2026-11-18';
/** The console's today: the MISSING_CREDITs raised on Wednesday are due (not yet overdue). */
export const THU = '2026-11-19';
const at = (day: string): string => `${day}T10:00:00+08:00`;

/** Text a stranger chose: an order number from a terminal. */
export const SCRIPT_ORDER = '<script>alert(1)</script>';
export const IMG_ORDER = '<img src=x onerror=alert(2)>';

export const PASSWORDS = {
  sue: 'sue-correct-horse-1',
  sam: 'sam-battery-staple-2',
  olga: 'olga-long-enough-3',
  vic: 'vic-reads-only-4444',
} as const;
export type Person = keyof typeof PASSWORDS;

export interface ConsoleWorld {
  readonly db: string;
  readonly target: StoreTarget;
  /** The scenario's directory (its journal/ and clearing/ files are the runs' inputs). */
  readonly dir: string;
  /** Finding ids by stan. */
  readonly ids: Readonly<Record<string, string>>;
}

/**
 * The findings, raised by Wednesday's run: MISSING_CREDIT for stans 000001–000004 (000004 of 20,000.00,
 * past the approval threshold) and for the QR sales 000006 and 000007 (their order numbers are
 * markup), a DUPLICATE_CREDIT (000005), an AMOUNT_MISMATCH with both sides' lines (000008).
 */
export async function consoleWorld(sc: StoreCase, pool: Pool): Promise<ConsoleWorld> {
  const { db, target } = await sc.fresh();
  const store = await openStore(target);
  try {
    const scenario = new Scenario(pool, {}, store)
      .journal(
        MON,
        sale({ stan: '000001', txn_time: at(MON) }),
        sale({ stan: '000002', txn_time: at(MON) }),
        sale({ stan: '000003', txn_time: at(MON) }),
        sale({ stan: '000004', txn_time: at(MON), amount_minor: '2000000' }),
        sale({ stan: '000005', txn_time: at(MON) }),
        qrSale({ stan: '000006', txn_time: at(MON), order_no: SCRIPT_ORDER }),
        qrSale({ stan: '000007', txn_time: at(MON), order_no: IMG_ORDER }),
        sale({ stan: '000008', txn_time: at(MON), amount_minor: '12000' }),
      )
      .clearing(
        TUE,
        credit({ stan: '000005', txn_time: at(MON), settle_date: TUE }),
        credit({ stan: '000005', txn_time: at(MON), settle_date: TUE }),
        credit({ stan: '000008', txn_time: at(MON), settle_date: TUE, gross_minor: '11000' }),
      );
    await scenario.run(MON, TUE, WED);
    await store.transaction(async (tx) => {
      await addUser(tx, 'sue', 'supervisor', undefined);
      await addUser(tx, 'sam', 'supervisor', 'sue');
      await addUser(tx, 'olga', 'operator', 'sue');
      await addUser(tx, 'vic', 'viewer', 'sue');
      for (const [name, password] of Object.entries(PASSWORDS))
        await tx.query('update recon.user set password_hash = $2 where name = $1', [name, cheapHash(password)]);
    });
    const rows = await store.query<{ id: string; stan: string }>(
      'select id, stan from recon.exception where id is not null',
    );
    return { db, target, dir: scenario.dir, ids: Object.fromEntries(rows.map((r) => [r.stan, r.id])) };
  } finally {
    await store.close();
  }
}

/**
 * A password hash in recon's format (users.ts: scrypt$N$r$p$salt$hash) at a cost a thousand times
 * lower than the console's (2^10 and p = 1 against 2^15 and p = 3: about 0.4 ms against 400 ms
 * here): each hash carries its parameters, so logging in checks it at its own cost. The tests log in
 * dozens of times; the console's own way of setting a password (full cost) is tested once.
 */
export function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 1 << 10, r: 8, p: 1 });
  return `scrypt$${1 << 10}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** The state and event count of a case, straight from the store. */
export async function caseNow(
  store: Store,
  id: string,
): Promise<{ state: string; owner: string | null; events: number }> {
  const [c] = await store.query<{ state: string; owner: string | null; events: number }>(
    `select c.state, c.owner, (select count(*)::int from recon.case_event e where e.finding_id = c.finding_id) as events
       from recon.case c where c.finding_id = $1`,
    [id],
  );
  return c!;
}

const TOKEN = /name="_csrf" value="([^"]+)"/;

export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had a form. */
  token = '';
  last: LightMyRequestResponse | undefined;

  constructor(
    readonly app: FastifyInstance,
    readonly remoteAddress = '127.0.0.1',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(r: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of r.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires !== undefined && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = TOKEN.exec(r.body);
    if (m) this.token = m[1]!.replaceAll('&amp;', '&');
    this.last = r;
    return r;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'GET',
        url,
        remoteAddress: this.remoteAddress,
        headers: { cookie: this.cookieHeader(), ...headers },
      }),
    );
  }

  /** POSTs a form; `csrf` false leaves the token out, a string sends that one instead. */
  async post(
    url: string,
    form: Record<string, string | string[]>,
    csrf: boolean | string = true,
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    if (csrf !== false) body.set('_csrf', csrf === true ? this.token : csrf);
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.remoteAddress,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }

  /** Logs in as `who` (its password unless another is given); returns the POST's answer. */
  async login(who: string, password: string = PASSWORDS[who as Person] ?? ''): Promise<LightMyRequestResponse> {
    await this.get('/login');
    return this.post('/login', { name: who, password, next: '/' });
  }
}
