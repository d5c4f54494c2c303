/**
 * `recon gen --out DIR` writes its files and a manifest of them (DIR/.recon-gen.json); a later gen
 * into DIR deletes only files that manifest lists and that are still as gen wrote them. A DIR that
 * holds day files, merchants.csv or truth.csv that gen did not write is refused (exit 2, one line)
 * unless --force, which still deletes nothing gen did not write (it overwrites only the names it
 * writes now).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../data-gen/generate.js';
import { UsageError } from '../../src/core/usage-error.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { tempDir } from '../helpers/chain.js';
import { recon } from '../helpers/cli.js';

const gen = (cwd: string, date: string, ...more: string[]) =>
  recon(cwd, ['gen', '--date', date, '--days', '1', '--rows', '150', '--seed', '3', '--out', 'data', ...more]);

const list = (dir: string): string[] =>
  ['journal', 'clearing', 'payout'].flatMap((s) =>
    (existsSync(join(dir, s)) ? readdirSync(join(dir, s)) : []).map((f) => `${s}/${f}`),
  );

interface Manifest {
  files: { path: string; bytes: number }[];
}
const manifestOf = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, '.recon-gen.json'), 'utf8')) as Manifest;

describe('recon gen --out', () => {
  it('refuses a directory holding real inputs of other dates and a merchants file it did not write', async () => {
    const cwd = tempDir('gen-out-real');
    const data = join(cwd, 'data');
    mkdirSync(join(data, 'journal'), { recursive: true });
    mkdirSync(join(data, 'clearing'), { recursive: true });
    writeFileSync(join(data, 'journal', '2026-11-10.csv'), 'a real journal\n');
    writeFileSync(join(data, 'clearing', '2026-11-10.csv.gz'), 'a real clearing file\n');
    writeFileSync(join(data, 'merchants.csv'), 'the real merchants\n');
    const r = await gen(cwd, '2026-11-16');
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^recon: /);
    expect(lines[0]).toContain('journal/2026-11-10.csv');
    expect(lines[0]).toContain('--force');
    // Nothing was deleted, overwritten or written.
    expect(readFileSync(join(data, 'journal', '2026-11-10.csv'), 'utf8')).toBe('a real journal\n');
    expect(readFileSync(join(data, 'merchants.csv'), 'utf8')).toBe('the real merchants\n');
    expect(list(data).sort()).toEqual(['clearing/2026-11-10.csv.gz', 'journal/2026-11-10.csv']);
    expect(existsSync(join(data, '.recon-gen.json'))).toBe(false);
  });

  it('with --force writes beside them, deleting nothing it did not write', async () => {
    const cwd = tempDir('gen-out-force');
    const data = join(cwd, 'data');
    mkdirSync(join(data, 'journal'), { recursive: true });
    writeFileSync(join(data, 'journal', '2026-11-10.csv'), 'a real journal\n');
    writeFileSync(join(data, 'truth.csv'), 'kind\n');
    const r = await gen(cwd, '2026-11-16', '--force');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(data, 'journal', '2026-11-10.csv'), 'utf8')).toBe('a real journal\n');
    expect(readFileSync(join(data, 'truth.csv'), 'utf8')).toMatch(/^business_date,/); // a name it writes now
    expect(list(data).sort()).toEqual([
      'clearing/2026-11-16.csv',
      'journal/2026-11-10.csv',
      'journal/2026-11-16.csv',
      'payout/2026-11-16.csv',
    ]);
    // A later gen deletes its own files only, and still needs --force for the real one.
    expect((await gen(cwd, '2026-11-20')).code).toBe(2);
    expect((await gen(cwd, '2026-11-20', '--force')).code).toBe(0);
    expect(list(data).sort()).toEqual([
      'clearing/2026-11-20.csv',
      'journal/2026-11-10.csv',
      'journal/2026-11-20.csv',
      'payout/2026-11-20.csv',
    ]);
  });

  it('into its own earlier output: replaces it, listing every file it wrote in DIR/.recon-gen.json', async () => {
    const cwd = tempDir('gen-out-again');
    const data = join(cwd, 'data');
    const first = await recon(cwd, [
      'gen',
      '--date',
      '2026-11-16',
      '--days',
      '2',
      '--rows',
      '150',
      '--clearing-format',
      'alipay-trade-bill',
      '--out',
      'data',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const written = manifestOf(data).files.map((f) => f.path);
    expect(written).toContain('journal/2026-11-16.csv');
    expect(written).toContain('merchants.csv');
    expect(written).toContain('truth.csv');
    expect(written.filter((p) => p.endsWith('.csv.zip')).length).toBeGreaterThan(2);
    expect([...written.filter((p) => p.includes('/'))].sort()).toEqual(list(data).sort());
    for (const f of manifestOf(data).files) expect(readFileSync(join(data, f.path)).length).toBe(f.bytes);
    writeFileSync(join(data, 'clearing', 'notes.txt'), 'mine');
    const again = await gen(cwd, '2026-11-20');
    expect(again.code, again.stderr).toBe(0);
    expect(list(data).sort()).toEqual([
      'clearing/2026-11-20.csv',
      'clearing/notes.txt',
      'journal/2026-11-20.csv',
      'payout/2026-11-20.csv',
    ]);
    expect(
      manifestOf(data)
        .files.map((f) => f.path)
        .sort(),
    ).toEqual([
      'clearing/2026-11-20.csv',
      'journal/2026-11-20.csv',
      'merchants.csv',
      'payout/2026-11-20.csv',
      'truth.csv',
    ]);
  });

  it('keeps a file it wrote once it has been changed, and never follows the manifest out of DIR', async () => {
    const cwd = tempDir('gen-out-changed');
    const data = join(cwd, 'data');
    expect((await gen(cwd, '2026-11-16')).code).toBe(0);
    // A generated day the user has since edited is no longer what gen wrote.
    writeFileSync(join(data, 'journal', '2026-11-16.csv'), 'edited by hand\n');
    const r = await gen(cwd, '2026-11-20');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('journal/2026-11-16.csv');
    expect(readFileSync(join(data, 'journal', '2026-11-16.csv'), 'utf8')).toBe('edited by hand\n');
    // A manifest that names paths outside DIR (or anything but gen's own names) deletes none of them.
    writeFileSync(join(cwd, 'outside.csv'), 'keep me\n');
    const m = manifestOf(data) as unknown as { files: { path: string; bytes: number; mtimeMs?: number }[] };
    m.files.push({ path: '../outside.csv', bytes: 8 }, { path: join(cwd, 'outside.csv'), bytes: 8 });
    writeFileSync(join(data, '.recon-gen.json'), JSON.stringify(m));
    expect((await gen(cwd, '2026-11-20', '--force')).code).toBe(0);
    expect(readFileSync(join(cwd, 'outside.csv'), 'utf8')).toBe('keep me\n');
    expect(readFileSync(join(data, 'journal', '2026-11-16.csv'), 'utf8')).toBe('edited by hand\n');
  });

  it('generate() refuses the same way (UsageError), and writes into an empty or new directory', () => {
    const dir = tempDir('gen-out-api');
    const calendar = loadCalendar(undefined).spec;
    const opts = { date: '2026-11-16', days: 1, rows: 100, seed: 1, calendar };
    generate({ ...opts, out: join(dir, 'new', 'deeper') });
    mkdirSync(join(dir, 'empty'));
    generate({ ...opts, out: join(dir, 'empty') });
    writeFileSync(join(dir, 'empty', 'journal', '2026-11-01.csv'), 'real\n');
    expect(() => generate({ ...opts, out: join(dir, 'empty') })).toThrow(UsageError);
    const forced = { ...opts, force: true };
    generate({ ...forced, out: join(dir, 'empty') });
    expect(readFileSync(join(dir, 'empty', 'journal', '2026-11-01.csv'), 'utf8')).toBe('real\n');
  });
});
