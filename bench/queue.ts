/**
 * The work queue at a million cases (issue 25): generates a day, runs it into a fresh store,
 * multiplies its findings (and their cases) to `--rows` (default 1,000,000), then times, as a person
 * or a script would see it:
 * - `recon cases --state new --kind MISSING_CREDIT --format json | head` (a whole process: start,
 *   query, first page, the pipe closed by head);
 * - the console's first page and a page deep in the queue (cases/queue.ts queuePage, in process).
 * Each measured `--repeat` times (default 5); the medians are printed.
 *
 *   npm run build && DATABASE_URL=postgres://… node dist/bench/queue.js [--rows N] [--store server|embedded] [--repeat N] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queuePage } from '../src/cases/queue.js';
import { packagePath } from '../src/core/package-path.js';
import { openStore, resolveStoreTarget } from '../src/store/open-store.js';
import { freshServerDb } from './server-db.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const rows = Number(flag('--rows') ?? 1_000_000);
const repeat = Number(flag('--repeat') ?? 5);
/** Keep the store afterwards (its URL or directory is printed), to look at plans. */
const keep = args.includes('--keep');
const kind = flag('--store') ?? (process.env.DATABASE_URL ? 'server' : 'embedded');
const work = mkdtempSync(join(tmpdir(), 'recon-queue-bench-'));
const BIN = packagePath('bin/recon');
/** Three days, so that the queue holds every kind, MISSING_CREDIT (raised at a deadline) among them. */
const DATES = ['2026-11-17', '2026-11-18', '2026-11-19'];

const server = kind === 'server' ? await freshServerDb('recon_queue_bench') : undefined;
const db = server?.url ?? join(work, 'db');

function recon(...a: string[]): string {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const r = spawnSync(BIN, a, { cwd: work, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`recon ${a.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  recon('gen', '--date', DATES[0]!, '--days', String(DATES.length), '--rows', '100000', '--seed', '3', '--out', 'data');
  for (const d of DATES) recon('run', '--date', d, '--data-dir', 'data', '--db', db, '--quiet');
  const store = await openStore(resolveStoreTarget(db, undefined));
  try {
    // Copies of the run's findings under new subject lines, each with its id and its case, as a run
    // would make them, until there are `rows`.
    const [{ n }] = (await store.query<{ n: number }>('select count(*)::int as n from recon.exception')) as [
      { n: number },
    ];
    const copies = Math.ceil(rows / n) - 1;
    const t0 = performance.now();
    await store.query(
      `insert into recon.exception
         (id, raised_on, kind, status, resolved_on, s_side, s_run, s_file, s_line, merchant_id, terminal_id, rrn, stan, order_no,
          txn_time, txn_business_date, journal_amount_minor, clearing_amount_minor, fee_minor, expected_fee_minor,
          expected_settle_date, settle_date, days_late, duplicate_count, amount_at_stake, j_run, j_file, j_line, c_run, c_file, c_line)
       select recon.finding_id(e.kind, e.s_side, 'copy' || g || ':' || e.s_run || ':' || e.s_file, e.s_line), e.raised_on, e.kind, e.status, e.resolved_on, e.s_side, e.s_run,
              e.s_file, e.s_line + 300000 * g, e.merchant_id, e.terminal_id, e.rrn, e.stan, e.order_no, e.txn_time, e.txn_business_date,
              e.journal_amount_minor, e.clearing_amount_minor, e.fee_minor, e.expected_fee_minor, e.expected_settle_date, e.settle_date,
              e.days_late, e.duplicate_count, e.amount_at_stake, e.j_run, e.j_file, e.j_line, e.c_run, e.c_file, e.c_line
         from recon.exception e, generate_series(1, $1::int) g
        where e.s_line < 300000`,
      [copies],
    );
    await store.query(
      `insert into recon.case (finding_id, kind, merchant_id, raised_on, state, due_on, seen_count, amount_at_stake, updated_at)
       select e.id, e.kind, e.merchant_id, e.raised_on, 'new', e.raised_on + (e.s_line % 5), e.duplicate_count, e.amount_at_stake, now()
         from recon.exception e
       on conflict (finding_id) do nothing`,
    );
    await store.exec('analyze recon.exception; analyze recon.case');
    const [{ c }] = (await store.query<{ c: number }>('select count(*)::int as c from recon.case')) as [{ c: number }];
    process.stdout.write(
      `${kind} store: ${c.toLocaleString('en-US')} cases (made in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
    );

    // The console's pages, in process.
    const first: number[] = [];
    const deep: number[] = [];
    let cursor: { dueOn: string; id: string } | undefined;
    for (let k = 0; k < repeat; k++) {
      let t = performance.now();
      const page = await queuePage(store, { states: ['new'], kinds: ['MISSING_CREDIT'] }, '2026-11-20', undefined, 50);
      first.push(performance.now() - t);
      const last = page.at(-1)!;
      // A page after a cursor half-way through the queue.
      if (!cursor) {
        const mid = await store.query<{ due: string; id: string }>(
          `select due_on::text as due, finding_id as id from recon.case where state = 'new' and kind = 'MISSING_CREDIT'
            order by due_on, finding_id offset (select count(*) / 2 from recon.case where kind = 'MISSING_CREDIT') limit 1`,
        );
        cursor = { dueOn: mid[0]?.due ?? last.due_on, id: mid[0]?.id ?? last.id };
      }
      t = performance.now();
      await queuePage(store, { states: ['new'], kinds: ['MISSING_CREDIT'] }, '2026-11-20', cursor, 50);
      deep.push(performance.now() - t);
    }
    process.stdout.write(
      `console page of 50 (in process): first ${median(first).toFixed(0)} ms, after a cursor half-way ${median(deep).toFixed(0)} ms (medians of ${repeat})\n`,
    );
  } finally {
    await store.close();
  }

  // The command, as a person types it.
  const cmd = `${BIN} cases --db '${db}' --state new --kind MISSING_CREDIT --format json | head`;
  const times: number[] = [];
  let lines = 0;
  for (let k = 0; k < repeat; k++) {
    const t = performance.now();
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const r = spawnSync('sh', ['-c', cmd], { cwd: work, encoding: 'utf8', env });
    times.push(performance.now() - t);
    lines = r.stdout.trim().split('\n').length;
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  }
  process.stdout.write(
    `recon cases --state new --kind MISSING_CREDIT --format json | head: ${(median(times) / 1000).toFixed(2)} s (median of ${repeat}: ${times.map((t) => (t / 1000).toFixed(2)).join(' ')}; ${lines} lines)\n`,
  );
} finally {
  if (keep) process.stdout.write(`store kept: ${db}\n`);
  else await server?.drop();
}
