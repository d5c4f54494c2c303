/**
 * No card number survives in any form (DESIGN §3.5; issue 23): through the CLI, a day whose rows
 * carry card numbers where they do not belong, in the spellings people and terminals use:
 * - a rejected line longer than the raw text kept (4,096 bytes) whose card number the cut goes
 *   through: masked as if whole (before, 15 of its 16 digits were kept);
 * - card numbers written with spaces or with dashes, and one masked too little, in a rejected row;
 * - an accepted row whose pan_masked shows more than the first 6 and last 4 digits: masked on
 *   ingest and counted as a warning;
 * and then every table, the summary and the exports are searched for any stretch of 11 digits of
 * each planted number.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../data-gen/generate.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import type { RunSummary } from '../../src/run/summary.js';
import { luhnComplete } from '../helpers/cards.js';
import { tempDir } from '../helpers/chain.js';
import { recon, templateStoreAt, testStore, useKeptStores, useSharedPool } from '../helpers/cli.js';

useSharedPool();
useKeptStores();

const DAY = '2026-11-17';
/** Distinct numbers, one per case, so that each can be looked for alone. */
const PAN_CUT = luhnComplete('458712345678901');
const PAN_SPACED = luhnComplete('520082736455102');
const PAN_DASHED = luhnComplete('601100987612345');
const PAN_PARTIAL = luhnComplete('356600112233445');
const PAN_ACCEPTED = luhnComplete('622202556677881');
const PLANTED = [PAN_CUT, PAN_SPACED, PAN_DASHED, PAN_PARTIAL, PAN_ACCEPTED];

const grouped = (pan: string, sep: string): string => pan.match(/.{1,4}/g)!.join(sep);
/** A number masked too little: all but its 13th digit shown. */
const underMasked = (pan: string): string => `${pan.slice(0, 12)}*${pan.slice(13)}`;

/** A CSV line as fields by column name, changed and put back together (lines without quotes). */
function edit(header: string, line: string, change: (f: Record<string, string>) => void): string {
  const names = header.replace(/^\uFEFF/, '').split(',');
  const values = line.split(',');
  const f: Record<string, string> = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  change(f);
  return names.map((n) => f[n]).join(',');
}

describe('card numbers in any spelling', () => {
  const cwd = tempDir('card-numbers');
  generate({ date: DAY, days: 1, rows: 600, seed: 23, out: join(cwd, 'data'), calendar: loadCalendar(undefined).spec });
  templateStoreAt(join(cwd, 'st'));
  const jPath = join(cwd, 'data/journal', `${DAY}.csv`);
  const lines = readFileSync(jPath, 'utf8').trimEnd().split('\n');
  const header = lines[0]!;
  const names = header.replace(/^\uFEFF/, '').split(',');
  const value = (line: string, name: string): string => line.split(',')[names.indexOf(name)]!;
  // Card sales without quotes, each changed into one case.
  const cards = lines
    .map((l, i) => ({ l, i }))
    .filter(({ l, i }) => i > 0 && !l.includes('"') && value(l, 'channel') !== 'QR' && value(l, 'txn_type') === 'SALE');
  const [cut, spaced, dashed, partial, accepted] = cards.slice(3, 8).map((c) => c.i);

  // The cut of the raw text (4,096 bytes) falls after the number's 15th digit.
  const marker = edit(header, lines[cut!]!, (f) => (f.order_no = '\u0001'));
  const before = marker.indexOf('\u0001');
  lines[cut!] = edit(header, lines[cut!]!, (f) => (f.order_no = `${'A'.repeat(4096 - 15 - before)}${PAN_CUT}`));
  lines[spaced!] = edit(header, lines[spaced!]!, (f) => {
    f.amount_minor = 'x';
    f.order_no = `card ${grouped(PAN_SPACED, ' ')}`;
  });
  lines[dashed!] = edit(header, lines[dashed!]!, (f) => {
    f.amount_minor = 'x';
    f.order_no = grouped(PAN_DASHED, '-');
  });
  lines[partial!] = edit(header, lines[partial!]!, (f) => {
    f.amount_minor = 'x';
    f.order_no = underMasked(PAN_PARTIAL);
  });
  // Accepted, and left open (no credit can find it: a new rrn and stan, no auth code).
  lines[accepted!] = edit(header, lines[accepted!]!, (f) => {
    f.pan_masked = underMasked(PAN_ACCEPTED);
    f.rrn = '999999000001';
    f.stan = '999991';
    f.auth_code = '';
  });
  writeFileSync(jPath, `${lines.join('\n')}\n`);

  it('stores each rejected line with its card numbers masked, and masks and counts an under-masked pan_masked', async () => {
    const r = await recon(cwd, ['run', '--date', DAY, '--data-dir', 'data', '--db', 'st', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as RunSummary;
    expect(s.panMasked).toBe(1);
    expect(s.warnings.join('\n')).toContain(
      '1 card or account number(s) in pan_masked or account_masked showing more than the first 6 and last 4 digits were masked on ingest',
    );
    const store = await testStore({ kind: 'embedded', dir: join(cwd, 'st') });
    try {
      const rows = await store.query<{ line: number; column_name: string | null; reason: string; raw: string }>(
        'select line, column_name, reason, raw from recon.rejected_row where file_no = 1 order by line',
      );
      expect(rows.map((x) => [x.line, x.column_name, x.reason])).toEqual([
        [cut! + 1, 'order_no', `wrong length (${4096 - 15 - before + PAN_CUT.length} characters)`],
        [spaced! + 1, 'amount_minor', 'not an integer'],
        [dashed! + 1, 'amount_minor', 'not an integer'],
        [partial! + 1, 'amount_minor', 'not an integer'],
      ]);
      const raw = (line: number): string => rows.find((x) => x.line === line + 1)!.raw;
      expect(Buffer.byteLength(raw(cut!))).toBe(4096);
      expect(raw(cut!).slice(-15)).toBe(`${PAN_CUT.slice(0, 6)}******${PAN_CUT.slice(12, 15)}`);
      expect(raw(spaced!)).toContain(`card ${grouped(`${PAN_SPACED.slice(0, 6)}******${PAN_SPACED.slice(12)}`, ' ')}`);
      expect(raw(dashed!)).toContain(grouped(`${PAN_DASHED.slice(0, 6)}******${PAN_DASHED.slice(12)}`, '-'));
      expect(raw(partial!)).toContain(`${PAN_PARTIAL.slice(0, 6)}*******${PAN_PARTIAL.slice(13)}`);
      const open = await store.query<{ pan_masked: string }>(
        `select pan_masked from recon.open_item where pan_masked like '${PAN_ACCEPTED.slice(0, 6)}%'`,
      );
      expect(open.map((o) => o.pan_masked)).toEqual([`${PAN_ACCEPTED.slice(0, 6)}*******${PAN_ACCEPTED.slice(13)}`]);
    } finally {
      await store.close();
    }
  });

  it('leaves no 11 digits of any planted number in a table, the summary, a log line or an export', async () => {
    const outputs: string[] = [];
    const run = await recon(cwd, ['run', '--date', DAY, '--data-dir', 'data', '--db', 'st']);
    expect(run.code, run.stderr).toBe(0);
    outputs.push(run.stdout, run.stderr);
    for (const format of ['csv', 'json']) {
      const x = await recon(cwd, ['exceptions', '--date', DAY, '--db', 'st', '--format', format]);
      expect(x.code, x.stderr).toBe(0);
      outputs.push(x.stdout, x.stderr);
    }
    const store = await testStore({ kind: 'embedded', dir: join(cwd, 'st') });
    try {
      const tables = await store.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'recon'`,
      );
      for (const { table_name } of tables) {
        const all = await store.query<{ t: string }>(`select t::text as t from recon.${table_name} t`);
        outputs.push(all.map((x) => x.t).join('\n'));
      }
    } finally {
      await store.close();
    }
    // Separators taken out, as a person rebuilding a number would.
    const digits = outputs.join('\n').replace(/[ -]/g, '');
    expect(digits).toContain(PAN_CUT.slice(0, 6)); // what was planted is there, masked
    for (const pan of PLANTED)
      for (let k = 0; k + 11 <= pan.length; k++)
        expect(digits.includes(pan.slice(k, k + 11)), `${pan} at ${k}`).toBe(false);
  });
});
