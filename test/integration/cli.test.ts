/**
 * The command line as users run it: the main journey through bin/recon in child processes (gen,
 * run into .recon/db, export), the rest through the CLI's `main` in this process (test/helpers/cli.ts),
 * on an embedded store in a temp directory. The documented commands work, the exceptions export has
 * the §8 columns, and every failure is one line with its exit code, never a stack trace.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/chain.js';
import { recon, reconProcess, templateStoreAt, useKeptStores, useSharedPool } from '../helpers/cli.js';

useSharedPool();
useKeptStores();

const HEADER =
  'id,business_date,kind,status,merchant_id,terminal_id,rrn,stan,order_no,txn_time,journal_amount_minor,clearing_amount_minor,fee_minor,expected_fee_minor,expected_settle_date,settle_date,days_late,duplicate_count,journal_source,clearing_source,payout_id,reason_code,account_masked,payout_amount_minor,payout_source';

describe('recon CLI', () => {
  const cwd = tempDir('cli');

  it('generates days, runs them into .recon/db, and exports the findings', async () => {
    const gen = await reconProcess(cwd, [
      'gen',
      '--date',
      '2026-11-16',
      '--days',
      '3',
      '--rows',
      '1500',
      '--seed',
      '4',
      '--out',
      'data',
    ]);
    expect(gen.code, gen.stderr).toBe(0);
    // .recon/db as a fresh store (migrated; test/global-setup.ts made the template the same way, through
    // openStore and migrate); the first run, in a process of its own, finds it where a user's would be.
    templateStoreAt(join(cwd, '.recon/db'));
    for (const d of ['2026-11-16', '2026-11-17', '2026-11-18']) {
      const run =
        d === '2026-11-16'
          ? await reconProcess(cwd, ['run', '--date', d, '--data-dir', 'data'])
          : await recon(cwd, ['run', '--date', d, '--data-dir', 'data']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`recon run ${d}`));
      expect(run.stdout).toMatch(/journal +[\d,]+ in = /);
    }
    const csv = await reconProcess(cwd, ['exceptions', '--date', '2026-11-18']);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.slice(1).every((l) => /^F[A-Z2-7]{12},2026-11-18,/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes(',MISSING_CREDIT,'))).toBe(true);

    // The rest of the journey in this process (the same main, without a process start).
    const json = await recon(cwd, [
      'exceptions',
      '--date',
      '2026-11-18',
      '--kind',
      'MISSING_CREDIT',
      '--format',
      'json',
    ]);
    expect(json.code, json.stderr).toBe(0);
    const objs = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.length).toBeGreaterThan(0);
    expect(objs.every((o) => o.kind === 'MISSING_CREDIT' && typeof o.journal_amount_minor === 'number')).toBe(true);

    const summary = await recon(cwd, ['run', '--date', '2026-11-18', '--data-dir', 'data', '--json']);
    expect(summary.code, summary.stderr).toBe(0);
    const s = JSON.parse(summary.stdout) as { rerun: boolean; journal: { rowsIn: number } };
    expect(s.rerun).toBe(true);
    expect(s.journal.rowsIn).toBeGreaterThan(1000);
  });

  it('shows the chain of runs, the dates with no run and what is open', async () => {
    templateStoreAt(join(cwd, 'status-db'));
    const empty = await recon(cwd, ['status', '--db', 'status-db']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toContain('no runs yet');
    expect((await recon(cwd, ['run', '--date', '2026-11-16', '--data-dir', 'data', '--db', 'status-db'])).code).toBe(0);
    const run18 = await recon(cwd, [
      'run',
      '--date',
      '2026-11-18',
      '--data-dir',
      'data',
      '--db',
      'status-db',
      '--json',
    ]);
    expect(run18.code, run18.stderr).toBe(0);
    const text = await recon(cwd, ['status', '--db', 'status-db']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('runs 2026-11-16..2026-11-18; dates with no run: 2026-11-17');
    expect(text.stdout).toMatch(/^2026-11-17 {2}NO RUN$/m);
    expect(text.stdout).toMatch(/^2026-11-18 {2}committed +[\d,]+ +[\d,]+ +0 +\d+ +[\d,]+ \/ [\d,]+ +[\d.]+ s$/m);
    const json = await recon(cwd, ['status', '--db', 'status-db', '--json', '--days', '2']);
    const r = JSON.parse(json.stdout) as {
      missing: string[];
      runs: { date: string; status: string; findings: number | null }[];
      openFindings: { kind: string; count: number }[];
      openItems: { side: string; count: number }[];
    };
    expect(r.missing).toEqual(['2026-11-17']);
    expect(r.runs.map((x) => [x.date, x.status])).toEqual([
      ['2026-11-17', 'no run'],
      ['2026-11-18', 'committed'],
    ]);
    // Open findings are those of both runs still open; open items are the latest run's snapshot.
    const findings =
      (await recon(cwd, ['exceptions', '--date', '2026-11-16', '--db', 'status-db', '--status', 'open'])).stdout
        .trim()
        .split('\n').length - 1;
    const later =
      (await recon(cwd, ['exceptions', '--date', '2026-11-18', '--db', 'status-db', '--status', 'open'])).stdout
        .trim()
        .split('\n').length - 1;
    expect(r.openFindings.reduce((a, f) => a + f.count, 0)).toBe(findings + later);
    const latest = JSON.parse(run18.stdout) as { openItems: { journal: number; clearing: number } };
    const items = (side: string): number => r.openItems.filter((o) => o.side === side).reduce((a, o) => a + o.count, 0);
    expect([items('journal'), items('clearing')]).toEqual([latest.openItems.journal, latest.openItems.clearing]);
  });

  it('refuses a file loaded before unless --force, and an older date with a pointer to --replay', async () => {
    const other = join(cwd, 'again');
    mkdirSync(join(other, 'journal'), { recursive: true });
    mkdirSync(join(other, 'clearing'), { recursive: true });
    copyFileSync(join(cwd, 'data/journal/2026-11-18.csv'), join(other, 'journal/2026-11-19.csv'));
    copyFileSync(join(cwd, 'data/clearing/2026-11-18.csv'), join(other, 'clearing/2026-11-19.csv'));
    const twice = await recon(cwd, ['run', '--date', '2026-11-19', '--data-dir', 'again']);
    expect(twice.code).toBe(3);
    expect(twice.stderr).toMatch(/already loaded by the run of 2026-11-18.*--force/);
    expect(twice.stderr.trim().split('\n')).toHaveLength(1);

    const older = await recon(cwd, ['run', '--date', '2026-11-17', '--data-dir', 'data']);
    expect(older.code).toBe(2);
    expect(older.stderr).toMatch(/refused: runs up to 2026-11-18 exist.*--replay/);
  });

  it('says what is wrong in one line with an exit code', async () => {
    const cases: [string[], number, RegExp][] = [
      [['run', '--date', '2026-13-01', '--data-dir', 'data'], 2, /--date must be a date/],
      [['run', '--date', '2026-11-20', '--journal', 'nope.csv'], 3, /nope\.csv: journal file not found/],
      [['run', '--date', '2026-11-20', '--data-dir', 'data'], 3, /no input files for 2026-11-20/],
      [['exceptions', '--date', '2026-11-25'], 2, /no run for 2026-11-25/],
      [['frobnicate'], 2, /Unknown argument|frobnicate/],
      [['run', '--date', '2026-11-18', '--data-dir', 'data', '--memory', 'lots'], 2, /--memory must be a size like 2g/],
      [
        ['run', '--date', '2026-11-18', '--data-dir', 'data', '--db', 'postgres://recon:secret@127.0.0.1:1/settlement'],
        4,
        /^recon: cannot connect to postgres:\/\/recon:\*\*\*@127\.0\.0\.1:1\/settlement: .*ECONNREFUSED/,
      ],
      [
        ['run', '--date', '2026-11-18', '--data-dir', 'data', '--memory', '1m', '--spill-dir', '/nonexistent/spill'],
        2,
        /--spill-dir \/nonexistent\/spill: cannot make a directory there for spill files \(ENOENT\)/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const r = await recon(cwd, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const buffers = await recon(cwd, ['status'], { RECON_SHARED_BUFFERS: 'lots' });
    expect([buffers.code, buffers.stderr.trim()]).toEqual([
      2,
      'recon: RECON_SHARED_BUFFERS must be a size such as 16MB or 128MB, got "lots"',
    ]);
  });
});
