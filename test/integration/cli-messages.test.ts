/**
 * The CLI's messages (issue 23, item 7), each through the CLI's `main` in this process
 * (test/helpers/cli.ts) unless only a process shows it:
 * - a wrong value of a `choices` option names the flag, the value given and the allowed values;
 *   yargs' own messages are in English whatever the locale;
 * - a command that only reads (or prunes) never creates a store: a --db that holds none is exit 2
 *   "no store at …", and nothing is left there; a database without recon's tables (embedded, or on
 *   a server) is refused the same way and left as it was; `recon db migrate` still makes them;
 * - an empty --db, or an empty DATABASE_URL when it is the one used, is refused (exit 2);
 * - output that cannot be written (`gen --out`, `report --out`) is exit 2 with one line naming the
 *   place and the OS reason;
 * - control characters and other invisible ones in a message (a UTF-16 file's NUL bytes, a file name
 *   with a line break, an escape sequence, U+2028) are escaped, one line always; Chinese stays as is.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../data-gen/generate.js';
import { KIND_NAMES } from '../../src/core/codes.js';
import { printable } from '../../src/core/printable.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { hasReconTables } from '../../src/store/migrate.js';
import { tempDir } from '../helpers/chain.js';
import {
  type CliResult,
  recon,
  reconProcess,
  templateStoreAt,
  testStore,
  useKeptStores,
  useSharedPool,
} from '../helpers/cli.js';
import { serverAdmin } from '../helpers/server-admin.js';

useSharedPool();
useKeptStores();

const serverUrl = process.env.DATABASE_URL;

/** Exit code and stderr as one pair, for one-line comparisons. */
function outcome(r: CliResult): [number | null, string] {
  return [r.code, r.stderr];
}

describe('recon CLI messages', () => {
  const cwd = tempDir('cli-messages');
  const db = templateStoreAt(join(cwd, 'db'));
  /** A regular file: a path through it cannot be made (ENOTDIR, even for root). */
  const file = join(cwd, 'a-file');
  writeFileSync(file, 'not a directory\n');

  it('names the flag, the value given and the allowed values of a choices option', async () => {
    const cases: [string[], string][] = [
      [
        ['exceptions', '--date', '2026-11-16', '--db', db, '--format', 'xml'],
        'recon: --format must be one of csv, json (got "xml")\n',
      ],
      [
        ['exceptions', '--date', '2026-11-16', '--db', db, '--status', 'closed'],
        'recon: --status must be one of open, resolved (got "closed")\n',
      ],
      [
        ['exceptions', '--date', '2026-11-16', '--db', db, '--kind', 'MISSING_CREDIT', '--kind', 'LOST', '--kind', 'X'],
        `recon: --kind must be one of ${KIND_NAMES.join(', ')} (got "LOST", "X")\n`,
      ],
      [
        ['gen', '--date', '2026-11-16', '--out', join(cwd, 'never'), '--clearing-format', 'paypal'],
        'recon: --clearing-format must be one of recon, wechat-trade-bill, alipay-trade-bill, unionpay-zm (got "paypal")\n',
      ],
    ];
    for (const [args, stderr] of cases) {
      expect(outcome(await recon(cwd, args)), args.join(' ')).toEqual([2, stderr]);
    }
    expect(existsSync(join(cwd, 'never'))).toBe(false);
  });

  it("prints yargs' own messages in English whatever the locale", async () => {
    // yargs reads the locale from this process's environment when it starts parsing.
    const saved = process.env.LC_ALL;
    process.env.LC_ALL = 'de_DE.UTF-8';
    try {
      expect(outcome(await recon(cwd, ['frobnicate']))).toEqual([
        2,
        'recon: Unknown argument: frobnicate\nrecon: see recon --help\n',
      ]);
    } finally {
      if (saved === undefined) delete process.env.LC_ALL;
      else process.env.LC_ALL = saved;
    }
  });

  it('never creates a store for a command that only reads or prunes', async () => {
    const typo = join(cwd, 'dbb');
    const empty = join(cwd, 'empty-dir');
    mkdirSync(empty);
    const commands = (at: string): string[][] => [
      ['exceptions', '--date', '2026-11-16', '--db', at],
      ['status', '--db', at],
      ['report', '--date', '2026-11-16', '--db', at, '--out', join(cwd, 'no-report.html')],
      ['db', 'prune', '--before', '2026-11-01', '--db', at],
    ];
    for (const at of [typo, empty]) {
      for (const args of commands(at)) {
        expect(outcome(await recon(cwd, args)), args.join(' ')).toEqual([
          2,
          `recon: no store at ${at} (run recon run or recon db migrate first)\n`,
        ]);
      }
    }
    expect(existsSync(typo)).toBe(false);
    expect(existsSync(`${typo}.lock`)).toBe(false);
    expect(readdirSync(empty)).toEqual([]);
    expect(existsSync(join(cwd, 'no-report.html'))).toBe(false);
    // A database without recon's tables (a first run killed before it migrated): refused, not migrated.
    const bare = templateStoreAt(join(cwd, 'bare'));
    const dropped = await testStore({ kind: 'embedded', dir: bare });
    await dropped.exec('drop schema recon cascade');
    await dropped.close();
    expect(outcome(await recon(cwd, ['status', '--db', bare]))).toEqual([
      2,
      `recon: no store at ${bare} (run recon run or recon db migrate first)\n`,
    ]);
    const store = await testStore({ kind: 'embedded', dir: bare });
    try {
      expect(await hasReconTables(store)).toBe(false);
    } finally {
      await store.close();
    }
    // An existing store is read as before; `recon db migrate` still makes recon's tables.
    expect((await recon(cwd, ['status', '--db', db])).code).toBe(0);
    const migrate = await recon(cwd, ['db', 'migrate', '--db', bare]);
    expect(migrate.code, migrate.stderr).toBe(0);
    const status = await recon(cwd, ['status', '--db', bare]);
    expect([status.code, status.stdout]).toEqual([0, expect.stringContaining('no runs yet')]);
  });

  describe.runIf(serverUrl)('on the server', () => {
    it('refuses a database without the recon tables, and leaves it as it was', async () => {
      const name = `recon_nostore_${process.pid}_${Date.now()}`;
      const u = new URL(serverUrl!);
      u.pathname = `/${name}`;
      const url = u.toString();
      await serverAdmin(serverUrl!, (c) => c.query(`create database ${name}`));
      try {
        const schemas = (): Promise<unknown[]> =>
          serverAdmin(url, async (c) => (await c.query(`select 1 from pg_namespace where nspname = 'recon'`)).rows);
        const tables = (): Promise<unknown[]> =>
          serverAdmin(url, async (c) => (await c.query(`select 1 from pg_tables where schemaname = 'recon'`)).rows);
        const expected = (r: CliResult): void => {
          expect(r.code, r.stderr).toBe(2);
          expect(r.stderr).toMatch(
            /^recon: no store at postgres:\/\/\S+ \(run recon run or recon db migrate first\)\n$/,
          );
        };
        expected(await recon(cwd, ['status', '--db', url]));
        expected(await recon(cwd, ['exceptions', '--date', '2026-11-16', '--db', url]));
        expect(await schemas()).toEqual([]);
        // A schema an administrator made for recon's role, with no tables yet: still no store.
        await serverAdmin(url, (c) => c.query('create schema recon'));
        expected(await recon(cwd, ['status', '--db', url]));
        expect(await tables()).toEqual([]);
        expect((await recon(cwd, ['db', 'migrate', '--db', url])).code).toBe(0);
        expect((await recon(cwd, ['status', '--db', url])).code).toBe(0);
      } finally {
        await serverAdmin(serverUrl!, (c) => c.query(`drop database if exists ${name} with (force)`));
      }
    });
  });

  it('refuses an empty --db', async () => {
    // In a process of its own (cwd): an unchanged recon would use the working directory's .recon/db.
    const here = tempDir('cli-messages-cwd');
    const flag = await reconProcess(here, ['status', '--db', '']);
    expect(outcome(flag)).toEqual([2, 'recon: --db must be a directory or a postgres:// URL, got ""\n']);
    expect(existsSync(join(here, '.recon'))).toBe(false);
  });

  it('refuses an empty DATABASE_URL when it is the one used', async () => {
    const here = tempDir('cli-messages-env');
    const [env, over] = await Promise.all([
      reconProcess(here, ['status'], { DATABASE_URL: '' }),
      reconProcess(here, ['status', '--db', db], { DATABASE_URL: '' }),
    ]);
    expect(outcome(env)).toEqual([
      2,
      'recon: DATABASE_URL is set but empty: set it to a postgres:// URL, or unset it for the embedded store in .recon/db\n',
    ]);
    expect(existsSync(join(here, '.recon'))).toBe(false);
    // --db wins over DATABASE_URL, empty or not.
    expect(over.code, over.stderr).toBe(0);
  });

  it('says exit 2, the directory and the OS reason when gen cannot write its files', async () => {
    const gen = await recon(cwd, [
      'gen',
      '--date',
      '2026-11-16',
      '--days',
      '1',
      '--rows',
      '20',
      '--out',
      join(file, 'data'),
    ]);
    expect(gen.code, gen.stderr).toBe(2);
    expect(gen.stderr).toMatch(
      new RegExp(
        `^recon: --out ${file}/data: cannot write the generated files there \\(ENOTDIR: not a directory, \\w+ '${file}/data[^']*'\\)\\n$`,
      ),
    );
  });

  it('says exit 2, the file and the OS reason when the report cannot be written', async () => {
    // The report is read from a store with one run, then written where it cannot be.
    const data = join(cwd, 'data');
    generate({ date: '2026-11-16', days: 1, rows: 200, seed: 5, out: data, calendar: loadCalendar(undefined).spec });
    const run = await recon(cwd, ['run', '--date', '2026-11-16', '--data-dir', data, '--db', db, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const out = join(file, 'report.html');
    expect(outcome(await recon(cwd, ['report', '--date', '2026-11-16', '--db', db, '--out', out]))).toEqual([
      2,
      `recon: --out ${out}: cannot write the report there (ENOTDIR: not a directory, open '${out}')\n`,
    ]);
  });

  it('escapes the NUL bytes of a UTF-16 file in its message', async () => {
    // A UTF-16 journal: its header's NUL bytes.
    const utf16 = join(cwd, 'utf16.csv');
    writeFileSync(utf16, Buffer.from('\ufeffmerchant_id,terminal_id\n', 'utf16le'));
    const r = await recon(cwd, ['run', '--date', '2026-11-16', '--journal', utf16, '--db', db]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('m\\u0000e\\u0000r\\u0000c\\u0000h');
    expect(r.stderr.slice(0, -1)).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
  });

  it('keeps a message on one line, whatever characters a file name holds', async () => {
    // A file name with a line break, an escape sequence, DEL, a C1 control, U+2028 and a bidi override.
    const odd = join(cwd, 'j\n2026\u001b[31m\u007f\u0085\u2028\u202e.csv');
    const bad = await recon(cwd, ['run', '--date', '2026-11-16', '--journal', odd, '--db', db]);
    expect(outcome(bad)).toEqual([
      3,
      `recon: ${cwd}/j\\u000a2026\\u001b[31m\\u007f\\u0085\\u2028\\u202e.csv: journal file not found\n`,
    ]);
  });

  it('escapes what cannot be seen, and keeps the joiners that scripts and emoji need', () => {
    expect(
      printable('交易\t\u00ad\u200b\ufeff\u{e0001}\ud800 family \u{1f468}\u200d\u{1f467} \u0645\u200c\u06cc'),
    ).toBe('交易\\u0009\\u00ad\\u200b\\ufeff\\u{e0001}\\ud800 family \u{1f468}\u200d\u{1f467} \u0645\u200c\u06cc');
  });

  it('prints Chinese file and column names as they are', async () => {
    const chinese = join(cwd, '交易流水');
    mkdirSync(chinese);
    const missing = await recon(cwd, [
      'run',
      '--date',
      '2026-11-16',
      '--journal',
      join(chinese, '缺失.csv'),
      '--db',
      db,
    ]);
    expect(outcome(missing)).toEqual([3, `recon: ${chinese}/缺失.csv: journal file not found\n`]);
    const header = join(chinese, '2026-11-16.csv');
    writeFileSync(header, '商户号,terminal_id\n1,2\n');
    const column = await recon(cwd, ['run', '--date', '2026-11-16', '--journal', header, '--db', db]);
    expect(outcome(column)).toEqual([
      3,
      `recon: ${header}, line 1, column 商户号: unknown column "商户号" in the journal header\n`,
    ]);
  });
});
