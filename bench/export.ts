/**
 * Memory of `recon exceptions` on a large run: generates a small day, runs it, multiplies its
 * findings to `--rows` (default 1,000,000) in the store, then times `recon exceptions` (csv and
 * json) writing to /dev/null and reads its peak RSS through /usr/bin/time.
 *
 *   npm run build && node dist/bench/export.js [--rows N] [--db DIR|URL]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../src/core/package-path.js';
import { openStore, resolveStoreTarget } from '../src/store/open-store.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const rows = Number(flag('--rows') ?? 1_000_000);
const work = mkdtempSync(join(tmpdir(), 'recon-export-bench-'));
const db = flag('--db') ?? join(work, 'db');
const BIN = packagePath('bin/recon');
const DATE = '2026-11-19';

function recon(...a: string[]): string {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const r = spawnSync(BIN, a, { cwd: work, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`recon ${a.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

recon('gen', '--date', DATE, '--days', '1', '--rows', '200000', '--seed', '3', '--out', 'data');
recon('run', '--date', DATE, '--data-dir', 'data', '--db', db, '--quiet');

// Copies of the run's findings under new subject lines until there are `rows` of them.
const store = await openStore(resolveStoreTarget(db, undefined));
try {
  const base = await store.query<{ n: number }>(
    `select count(*)::int as n from recon.exception where raised_on = $1::date`,
    [DATE],
  );
  const n = base[0]!.n;
  const copies = Math.ceil(rows / n) - 1;
  await store.query(
    `insert into recon.exception
     select e.raised_on, e.kind, e.status, e.resolved_on, e.s_side, e.s_run, e.s_file, e.s_line + 300000 * g, e.merchant_id, e.terminal_id, e.rrn, e.stan,
            e.order_no, e.txn_time, e.txn_business_date, e.journal_amount_minor, e.clearing_amount_minor, e.fee_minor, e.expected_fee_minor,
            e.expected_settle_date, e.settle_date, e.days_late, e.duplicate_count, e.amount_at_stake, e.j_run, e.j_file, e.j_line, e.c_run, e.c_file, e.c_line
       from recon.exception e, generate_series(1, $2::int) g
      where e.raised_on = $1::date`,
    [DATE, copies],
  );
  const total = await store.query<{ n: number }>(
    `select count(*)::int as n from recon.exception where raised_on = $1::date`,
    [DATE],
  );
  process.stdout.write(`findings of ${DATE}: ${total[0]!.n.toLocaleString('en-US')}\n`);
} finally {
  await store.close();
}

for (const format of ['csv', 'json']) {
  const out = openSync('/dev/null', 'w');
  const t0 = performance.now();
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'RSS %M', BIN, 'exceptions', '--date', DATE, '--db', db, '--format', format],
    { cwd: work, env, stdio: ['ignore', out, 'pipe'], encoding: 'utf8' },
  );
  closeSync(out);
  if (r.status !== 0) throw new Error(`recon exceptions: ${r.stderr}`);
  const kb = Number(/RSS (\d+)/.exec(r.stderr)?.[1]);
  process.stdout.write(
    `recon exceptions --format ${format}: ${((performance.now() - t0) / 1000).toFixed(1)} s, peak RSS ${(kb / 1024).toFixed(0)} MB\n`,
  );
}
