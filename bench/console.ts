/**
 * The console's pages at a million cases (issue 26): over real HTTP on 127.0.0.1, against a store that
 * bench/queue.ts made and kept (`--keep`), times what an operator's browser waits for:
 * - the queue's first page of new MISSING_CREDITs (GET /cases?state=new&kind=MISSING_CREDIT);
 * - a page of it deep in the queue (after a cursor half-way through, as its "next" links give);
 * - the first page of the whole queue, of one kind in any state, of the busiest merchant, of what is
 *   overdue; a finding (GET /findings/:id), the audit trail (GET /audit) and the overview (GET /: the
 *   latest run's figures and charts, the cases by state).
 * Each `--repeat` times (default 5), the median printed with every time. It logs in as the user
 * `bench-console` (a supervisor it adds to the store, or whose password it sets).
 *
 *   npm run build && node dist/bench/console.js --db postgres://…/recon_queue_bench_… [--repeat N] [--json]
 *
 * The kept store is not dropped by either program: `dropdb recon_queue_bench_…` when done (bench/RESULTS.md
 * "The console (issue 26)" has the numbers and the commands).
 */
import { hashPassword } from '../src/cases/users.js';
import { buildConsole } from '../src/serve/console-server.js';
import { StoreLease } from '../src/serve/store-lease.js';
import { migrate } from '../src/store/migrate.js';
import { openStore, resolveStoreTarget } from '../src/store/open-store.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const db = flag('--db') ?? process.env.DATABASE_URL;
if (!db) throw new Error('--db: the store bench/queue.ts kept (its URL or directory)');
const repeat = Number(flag('--repeat') ?? 5);
const asJson = args.includes('--json');
const USER = 'bench-console';
const PASSWORD = 'bench-console-password';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const target = resolveStoreTarget(db, undefined);
const store = await openStore(target);
await migrate(store);
await store.query(
  `insert into recon.user (name, role, password_hash) values ($1, 'supervisor', $2)
   on conflict (name) do update set password_hash = excluded.password_hash, disabled = false`,
  [USER, await hashPassword(PASSWORD)],
);
const [{ cases }] = (await store.query<{ cases: number }>('select count(*)::int as cases from recon.case')) as [
  { cases: number },
];
// A cursor half-way through the new MISSING_CREDITs (due date, id), as a "next" link carries it.
const mid = await store.query<{ due: string; id: string }>(
  `select due_on::text as due, finding_id as id from recon.case where state = 'new' and kind = 'MISSING_CREDIT'
    order by due_on, finding_id offset (select count(*) / 2 from recon.case where state = 'new' and kind = 'MISSING_CREDIT') limit 1`,
);
const someId = mid[0]!.id;
const [{ merchant }] = (await store.query<{ merchant: string }>(
  'select merchant_id as merchant from recon.case group by 1 order by count(*) desc limit 1',
)) as [{ merchant: string }];
const app = await buildConsole(new StoreLease(store, target));
const base = await app.listen({ host: '127.0.0.1', port: 0 });
try {
  // Log in as a browser does: the login page's cookie and token, then the form.
  let cookie = '';
  const keep = (r: Response): void => {
    const set = r.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
  };
  const page = await fetch(`${base}/login`);
  keep(page);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!.replaceAll('&amp;', '&');
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, name: USER, password: PASSWORD, next: '/' }).toString(),
  });
  if (login.status !== 303) throw new Error(`login: ${login.status}`);
  keep(login);

  const pages: [string, string][] = [
    ['first page of new MISSING_CREDIT', '/cases?state=new&kind=MISSING_CREDIT'],
    ['a page half-way through them', `/cases?state=new&kind=MISSING_CREDIT&after=${mid[0]!.due}.${mid[0]!.id}`],
    ['first page of the whole queue', '/cases'],
    ['first page of one kind, any state', '/cases?kind=DELAYED_CREDIT'],
    ['first page of the busiest merchant', `/cases?merchant=${merchant}`],
    ['first page of what is overdue', '/cases?overdue=1'],
    ['a finding', `/findings/${someId}`],
    ['the audit trail', '/audit'],
    ['the overview', '/'],
  ];
  const results: { page: string; url: string; medianMs: number; ms: number[]; bytes: number }[] = [];
  for (const [name, url] of pages) {
    const ms: number[] = [];
    let bytes = 0;
    for (let k = 0; k < repeat; k++) {
      const t = performance.now();
      const r = await fetch(`${base}${url}`, { headers: { cookie }, redirect: 'manual' });
      const body = await r.text();
      ms.push(performance.now() - t);
      keep(r);
      if (r.status !== 200) throw new Error(`${url}: ${r.status} ${body.slice(0, 200)}`);
      bytes = body.length;
    }
    results.push({ page: name, url, medianMs: median(ms), ms, bytes });
  }
  if (asJson) process.stdout.write(`${JSON.stringify({ store: store.location, cases, repeat, results })}\n`);
  else {
    process.stdout.write(
      `${store.kind} store, ${cases.toLocaleString('en-US')} cases; medians of ${repeat}, over HTTP\n`,
    );
    for (const r of results)
      process.stdout.write(
        `  ${r.page.padEnd(36)} ${r.medianMs.toFixed(0).padStart(6)} ms   (${r.ms.map((x) => x.toFixed(0)).join(' ')}; ${(r.bytes / 1024).toFixed(0)} KiB)  GET ${r.url}\n`,
      );
  }
} finally {
  await app.close();
}
