/**
 * A year of nights, shortened (issue 14, DESIGN §7 retention): a generated chain of N nights at a
 * constant daily volume, each night run as cron runs it (`recon run --date D … --json --quiet`, a
 * process a night, on one store), with the store's size and the run's wall time after every night;
 * at the end, the findings of every night against the generator's truth.
 *
 *   node dist/bench/retention.js [--nights 90] [--rows 20000] [--store embedded|server] [--keep-runs 7] [--out DIR]
 *
 * The server store is a fresh database on DATABASE_URL, dropped at the end. Prints one line a night
 * and the checks: size after the last night ≤ 1.3 × after the middle one; the median time of the
 * last ten nights ≤ 1.5 × that of the ten around the middle; findings exact.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { generate, TRUTH_COLUMNS } from '../data-gen/generate.js';
import { formatIsoDate, parseIsoDate } from '../src/core/dates.js';
import { packagePath } from '../src/core/package-path.js';
import { parseSmallCsv } from '../src/core/small-csv.js';
import { loadCalendar } from '../src/inputs/calendar.js';
import { dataDirFiles } from '../src/inputs/data-dir.js';
import { queryExceptions } from '../src/reports/exceptions-export.js';
import { duBytes } from '../src/reports/status.js';
import { openStore } from '../src/store/open-store.js';
import { freshServerDb } from './server-db.js';

interface Args {
  nights: number;
  rows: number;
  store: 'embedded' | 'server';
  keepRuns: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { nights: 90, rows: 20_000, store: 'embedded', keepRuns: 7, out: packagePath('bench/out/retention') };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`${k}: a value expected`);
    if (k === '--nights') a.nights = Number(v);
    else if (k === '--rows') a.rows = Number(v);
    else if (k === '--store' && (v === 'embedded' || v === 'server')) a.store = v;
    else if (k === '--keep-runs') a.keepRuns = Number(v);
    else if (k === '--out') a.out = v;
    else throw new Error(`unknown option ${k} ${v}`);
  }
  return a;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const start = '2026-07-01';
  const dataDir = join(args.out, `data-${args.nights}x${args.rows}`);
  const t0 = Date.now();
  const gen = generate({
    date: start,
    days: args.nights,
    rows: args.rows,
    seed: 90,
    out: dataDir,
    calendar: loadCalendar(undefined).spec,
  });
  process.stderr.write(
    `retention: ${args.nights} nights of ~${args.rows} journal rows generated in ${((Date.now() - t0) / 1000).toFixed(1)} s (${gen.journalRows} journal, ${gen.clearingRows} clearing rows)\n`,
  );

  let db: string;
  let size: () => Promise<number>;
  let drop = async (): Promise<void> => {};
  if (args.store === 'server') {
    const fresh = await freshServerDb('recon_retention');
    db = fresh.url;
    drop = fresh.drop;
    size = async () => {
      const c = new pg.Client({ connectionString: db });
      await c.connect();
      const r = await c.query<{ n: string }>('select pg_database_size(current_database())::text as n');
      await c.end();
      return Number(r.rows[0]!.n);
    };
  } else {
    db = join(args.out, `store-${process.pid}`);
    rmSync(db, { recursive: true, force: true });
    size = async () => duBytes(db);
    drop = async () => rmSync(db, { recursive: true, force: true });
  }

  const dates = Array.from({ length: args.nights }, (_, i) => formatIsoDate(parseIsoDate(start) + i));
  const sizes: number[] = [];
  const seconds: number[] = [];
  try {
    console.log('night  date         seconds   store MB   pruned rows');
    for (const [i, date] of dates.entries()) {
      const f = dataDirFiles(dataDir, date);
      const argv = ['run', '--date', date, '--db', db, '--keep-runs', String(args.keepRuns), '--json', '--quiet'];
      for (const j of f.journal) argv.push('--journal', j);
      for (const c of f.clearing) argv.push('--clearing', c);
      if (f.merchants) argv.push('--merchants', f.merchants);
      const t = process.hrtime.bigint();
      const r = spawnSync(packagePath('bin/recon'), argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
      const s = Number(process.hrtime.bigint() - t) / 1e9;
      if (r.status !== 0) throw new Error(`night ${date}: recon run failed (${r.status}): ${r.stderr}`);
      const summary = JSON.parse(r.stdout) as { pruned: Record<string, number> };
      const pruned = Object.values(summary.pruned).reduce((x, y) => x + y, 0);
      const bytes = await size();
      sizes.push(bytes);
      seconds.push(s);
      console.log(
        `${String(i + 1).padStart(5)}  ${date}  ${s.toFixed(2).padStart(7)}  ${(bytes / 1e6).toFixed(1).padStart(9)}  ${String(pruned).padStart(12)}`,
      );
    }

    // Findings of every night against the truth.
    const store = await openStore(
      args.store === 'server' ? { kind: 'server', url: db } : { kind: 'embedded', dir: db },
    );
    const found: string[] = [];
    try {
      for (const d of dates)
        for (const row of await queryExceptions(store, { date: d }))
          found.push(TRUTH_COLUMNS.map((c) => (row as Record<string, string>)[c]).join(','));
    } finally {
      await store.close();
    }
    const records = parseSmallCsv(readFileSync(join(dataDir, 'truth.csv'), 'utf8'));
    const header = records.shift()!.fields;
    const truth = records.map((r) => TRUTH_COLUMNS.map((c) => r.fields[header.indexOf(c)]).join(','));
    found.sort();
    truth.sort();
    const missing = truth.filter((l) => !found.includes(l));
    const extra = found.filter((l) => !truth.includes(l));

    const n = args.nights;
    const mid = Math.floor(n / 2);
    const ratio = sizes[n - 1]! / sizes[mid - 1]!;
    const middle = median(seconds.slice(mid - 5, mid + 5));
    const end = median(seconds.slice(n - 10));
    console.log('');
    console.log(
      `store after night ${mid}: ${(sizes[mid - 1]! / 1e6).toFixed(1)} MB; after night ${n}: ${(sizes[n - 1]! / 1e6).toFixed(1)} MB: ${ratio.toFixed(2)}x (≤ 1.3x)`,
    );
    console.log(
      `run time, median of nights ${mid - 4}–${mid + 5}: ${middle.toFixed(2)} s; of nights ${n - 9}–${n}: ${end.toFixed(2)} s: ${(end / middle).toFixed(2)}x (≤ 1.5x)`,
    );
    console.log(
      `findings: ${found.length} raised, ${truth.length} in the truth; missing ${missing.length}, extra ${extra.length}`,
    );
    for (const l of [...missing.slice(0, 5).map((x) => `missing ${x}`), ...extra.slice(0, 5).map((x) => `extra ${x}`)])
      console.log(`  ${l}`);
    const ok = ratio <= 1.3 && end / middle <= 1.5 && missing.length === 0 && extra.length === 0;
    console.log(ok ? 'retention: ok' : 'retention: NOT MET');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await drop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`retention: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(2);
});
