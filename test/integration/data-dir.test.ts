/**
 * `recon run --data-dir DIR` (src/inputs/data-dir.ts) finds the run date's files by name: DIR/journal/D*.csv,
 * .csv.gz and .zip, and the same in DIR/clearing/. Extensions are read in any case (`.CSV`, `.Csv.Gz`,
 * `.ZIP`), and a file named for the run date that matches none of them (`D.txt`, `D.csv.bak`) stops
 * the run (exit 3, naming it) instead of being skipped with a warning.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generate } from '../../data-gen/generate.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { dataDirFiles } from '../../src/inputs/data-dir.js';
import { InputError } from '../../src/inputs/errors.js';
import type { RunSummary } from '../../src/run/summary.js';
import { tempDir } from '../helpers/chain.js';
import { recon, templateStoreAt, useKeptStores, useSharedPool } from '../helpers/cli.js';

useSharedPool();
useKeptStores();

const DAY = '2026-11-16';

/** One generated day in cwd/data, and its journal and clearing row counts. */
function day(cwd: string, seed: number): { data: string; journalRows: number; clearingRows: number } {
  const data = join(cwd, 'data');
  const gen = generate({ date: DAY, days: 1, rows: 200, seed, out: data, calendar: loadCalendar(undefined).spec });
  return { data, journalRows: gen.journalRows, clearingRows: gen.clearingRows };
}

const summaryOf = (stdout: string): RunSummary => JSON.parse(stdout.trim().split('\n').at(-1)!) as RunSummary;

describe('--data-dir', () => {
  it('reads .CSV, .Csv and .CSV.GZ as it reads .csv and .csv.gz', async () => {
    const cwd = tempDir('data-dir-case');
    const { data, journalRows, clearingRows } = day(cwd, 31);
    expect(journalRows).toBeGreaterThan(0);
    renameSync(join(data, 'journal', `${DAY}.csv`), join(data, 'journal', `${DAY}.CSV`));
    const clearing = join(data, 'clearing', `${DAY}.csv`);
    writeFileSync(join(data, 'clearing', `${DAY}.Csv.Gz`), gzipSync(readFileSync(clearing)));
    rmSync(clearing);
    const db = templateStoreAt(join(cwd, 'st'));
    const r = await recon(cwd, ['run', '--date', DAY, '--data-dir', 'data', '--db', db, '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    expect(s.journal.rowsIn).toBe(journalRows);
    expect(s.clearing.rowsIn).toBe(clearingRows);
    expect(s.warnings.join('\n')).not.toMatch(/no (journal|clearing) file/);
  });

  it('lists every extension in any case, and only the run date', () => {
    const dir = tempDir('data-dir-list');
    mkdirSync(join(dir, 'journal'));
    mkdirSync(join(dir, 'clearing'));
    for (const f of [`${DAY}.CSV`, `${DAY}-b.csv.GZ`, `${DAY}-c.Zip`, '2026-11-17.csv', 'notes.txt'])
      writeFileSync(join(dir, 'journal', f), '');
    for (const f of [`${DAY}-1.ZIP`, `${DAY}-2.CSV.ZIP`, `${DAY}.csv`]) writeFileSync(join(dir, 'clearing', f), '');
    const files = dataDirFiles(dir, DAY);
    expect(files.journal.map((p) => p.slice(dir.length + 1))).toEqual([
      `journal/${DAY}-b.csv.GZ`,
      `journal/${DAY}-c.Zip`,
      `journal/${DAY}.CSV`,
    ]);
    expect(files.clearing.map((p) => p.slice(dir.length + 1))).toEqual([
      `clearing/${DAY}-1.ZIP`,
      `clearing/${DAY}-2.CSV.ZIP`,
      `clearing/${DAY}.csv`,
    ]);
  });

  it.each([
    ['journal', `${DAY}.txt`],
    ['clearing', `${DAY}.csv.bak`],
    ['journal', `${DAY}.csv.gz.part`],
  ])('refuses %s/%s, a file of the run date it would not read (exit 3, naming it)', async (side, name) => {
    const cwd = tempDir('data-dir-stray');
    const { data } = day(cwd, 32);
    writeFileSync(join(data, side, name), 'merchant_id\n');
    expect(() => dataDirFiles(data, DAY)).toThrow(InputError);
    const db = templateStoreAt(join(cwd, 'st'));
    const r = await recon(cwd, ['run', '--date', DAY, '--data-dir', 'data', '--db', db, '--quiet']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(join(data, side, name));
    expect(r.stderr).toContain(`${side}/${DAY}*.csv, .csv.gz or .zip`);
  });

  it('leaves files of other dates and other names alone', async () => {
    const cwd = tempDir('data-dir-other');
    const { data, journalRows } = day(cwd, 33);
    writeFileSync(join(data, 'journal', '2026-11-17.txt'), 'later\n');
    writeFileSync(join(data, 'clearing', 'README'), 'notes\n');
    const db = templateStoreAt(join(cwd, 'st'));
    const r = await recon(cwd, ['run', '--date', DAY, '--data-dir', 'data', '--db', db, '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(summaryOf(r.stdout).journal.rowsIn).toBe(journalRows);
  });
});
