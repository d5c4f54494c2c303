/**
 * Bad input, against the CLI (its `main`, in this process: test/helpers/cli.ts; embedded store in a temp directory):
 * - a day whose files hold every kind of defective row: each is quarantined in recon.rejected_row
 *   with its file, line, column, reason and raw text (card numbers masked), the run goes on, and
 *   rows in = reconciled + open + in exceptions + rejected on each side; --max-rejects (a count or
 *   a share) fails the run with one line and commits nothing;
 * - no full card number reaches any table, the summary, a log line or an export;
 * - whole-file faults: empty file, header only, unknown or missing column, gzip (read, with the same
 *   result as the plain file, and replayable), the same rows delivered again in a differently named
 *   file (DUPLICATE_CREDIT, not counted twice).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generate } from '../../data-gen/generate.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import type { RunSummary } from '../../src/run/summary.js';
import { tempDir } from '../helpers/chain.js';
import { recon, templateStoreAt, testStore, useKeptStores, useSharedPool } from '../helpers/cli.js';

useSharedPool();
useKeptStores();

/** The days `recon gen` would write into cwd/data, generated in this process (at collection time: ~0.1 s). */
function generateInto(cwd: string, date: string, days: number, rows: number, seed: number): void {
  generate({ date, days, rows, seed, out: join(cwd, 'data'), calendar: loadCalendar(undefined).spec });
}

function summaryOf(stdout: string): RunSummary {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as RunSummary;
}

async function query<R>(db: string, sql: string): Promise<R[]> {
  const store = await testStore({ kind: 'embedded', dir: db });
  try {
    return await store.query<R>(sql);
  } finally {
    await store.close();
  }
}

/** A CSV line as fields by column name (the generated rows picked here have no quotes). */
function edit(header: string, line: string, change: (f: Record<string, string>) => void): string {
  const names = header.replace(/^\uFEFF/, '').split(',');
  const values = line.split(',');
  const f: Record<string, string> = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  change(f);
  return names
    .filter((n) => f[n] !== DROP)
    .map((n) => f[n])
    .join(',');
}

/** UTF-8, except that each U+00FF becomes the byte 0xff (never valid in UTF-8). */
function encode(text: string): Buffer {
  const parts = text.split('\u00ff').map((p) => Buffer.from(p, 'utf8'));
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from([0xff]), p])));
}

/** A field value that removes the field from the line. */
const DROP = '\u0000drop';

const DAY = '2026-11-17';
const FULL_PAN = '6225881234567890'; // 16 digits, as a terminal that forgot to mask would send
const FULL_PAN_2 = '4367421234560003';

describe('bad rows', () => {
  const cwd = tempDir('bad-rows');
  generateInto(cwd, DAY, 1, 1200, 12);
  templateStoreAt(join(cwd, 'st'));
  const jPath = join(cwd, 'data/journal', `${DAY}.csv`);
  const cPath = join(cwd, 'data/clearing', `${DAY}.csv`);

  // Each defect replaces one generated row (lines chosen without quotes); `lines` says where it is.
  const jLines = readFileSync(jPath, 'utf8').trimEnd().split('\n');
  const cLines = readFileSync(cPath, 'utf8').trimEnd().split('\n');
  const jHeader = jLines[0]!;
  const cHeader = cLines[0]!;
  const plain = (lines: string[], from: number): number[] => {
    const out: number[] = [];
    for (let i = from; i < lines.length && out.length < 40; i += 37) if (!lines[i]!.includes('"')) out.push(i);
    return out;
  };
  const jAt = plain(jLines, 5);
  const cAt = plain(cLines, 7);

  type Defect = [column: string | null, reason: string, change: (f: Record<string, string>) => void];
  const journalDefects: Defect[] = [
    [null, 'expected 15 fields, found 16', (f) => (f.pan_masked += ',extra')],
    [null, 'expected 15 fields, found 14', (f) => (f.currency = DROP)],
    ['amount_minor', 'not an integer', (f) => (f.amount_minor = '12a0')],
    ['amount_minor', 'negative amount', (f) => (f.amount_minor = '-500')],
    ['txn_time', 'not a valid ISO 8601 timestamp', (f) => (f.txn_time = '2026-11-31T10:00:00+08:00')],
    ['txn_time', 'timestamp has no UTC offset', (f) => (f.txn_time = '2026-11-17T10:00:00')],
    ['txn_type', 'unknown value', (f) => (f.txn_type = 'SALEX')],
    ['channel', 'unknown value', (f) => (f.channel = 'CARD_TAP')],
    ['terminal_id', 'wrong length (7 characters)', (f) => (f.terminal_id = f.terminal_id!.slice(1))],
    ['merchant_id', 'wrong length (16 characters)', (f) => (f.merchant_id += '9')],
    ['merchant_id', 'required value is empty', (f) => (f.merchant_id = '')],
    ['stan', 'required value is empty', (f) => (f.stan = '')],
    ['currency', 'not an ISO 4217 alpha code', (f) => (f.currency = 'cny')],
    [
      'amount_minor',
      'not an integer',
      (f) => {
        f.amount_minor = 'x';
        f.pan_masked = FULL_PAN; // a rejected line's raw text is stored with the card number masked
      },
    ],
    [null, 'invalid UTF-8', (f) => (f.order_no = 'ORD\u00ff')], // written as the single byte 0xff
    ['order_no', 'line break inside a quoted field', (f) => (f.order_no = '"ORD\nSPLIT"')],
  ];
  const clearingDefects: Defect[] = [
    ['status', 'unknown value', (f) => (f.status = 'PAID')],
    ['settle_date', 'not a valid date (YYYY-MM-DD)', (f) => (f.settle_date = '2026-11-31')],
    ['gross_minor', 'not an integer', (f) => (f.gross_minor = '15.0')],
    ['record_type', 'unknown value', (f) => (f.record_type = 'CREDIT')],
  ];

  /** Writes the defective file; returns [line, column, reason] of each rejected row, by file line. */
  function corrupt(
    path: string,
    lines: string[],
    header: string,
    at: number[],
    defects: Defect[],
    tail?: string,
  ): { expected: [number, string | null, string][]; records: number } {
    const out = [...lines];
    defects.forEach(([, , change], k) => {
      out[at[k]!] = edit(header, out[at[k]!]!, change);
    });
    let text = `${out.join('\n')}\n`;
    if (tail !== undefined) text += tail;
    writeFileSync(path, encode(text));
    // File line of each record: the quoted line break adds a line after it, a record of its own
    // (a record is one line): the rest of the split field and the fields after it, too few.
    const split = defects.findIndex(([, reason]) => reason === 'line break inside a quoted field');
    const lineOf = (i: number): number => i + 1 + (split >= 0 && i > at[split]! ? 1 : 0);
    const expected: [number, string | null, string][] = defects.map(([col, reason], k) => [
      lineOf(at[k]!),
      col,
      reason,
    ]);
    if (split >= 0) {
      const names = header.replace(/^\uFEFF/, '').split(',');
      const after = names.length - names.indexOf(defects[split]![0]!);
      expected.splice(split + 1, 0, [lineOf(at[split]!) + 1, null, `expected ${names.length} fields, found ${after}`]);
    }
    const records = lines.length - 1 + (split >= 0 ? 1 : 0) + (tail !== undefined ? 1 : 0);
    return { expected, records };
  }

  // One accepted row carries a full card number: masked on ingest, counted as a warning.
  const panLine = plain(jLines, 11).find((i) => !jAt.includes(i))!;
  jLines[panLine] = edit(jHeader, jLines[panLine]!, (f) => (f.pan_masked = FULL_PAN_2));
  // The journal ends in a cut-off row (no line break, too few fields).
  const cut = jLines[jLines.length - 1]!.split(',').slice(0, 6).join(',');
  const j = corrupt(jPath, jLines, jHeader, jAt, journalDefects, cut);
  // File line of the cut-off row: after the last data line (jLines holds the header too) and the
  // extra line of the quoted line break.
  const cutLine = jLines.length + 2;
  j.expected.push([cutLine, null, 'expected 15 fields, found 6']);
  const c = corrupt(cPath, cLines, cHeader, cAt, clearingDefects);
  const rejectedJ = j.expected.length;
  const rejectedC = c.expected.length;

  let summary: RunSummary;
  it('quarantines each defective row with file, line, column, reason and masked raw text; every row is accounted for', async () => {
    // The default --max-rejects (1%) lets this day through: 21 of ~2400 rows.
    const r = await recon(cwd, ['run', '--date', DAY, '--data-dir', 'data', '--db', 'st', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    summary = s;
    for (const [side, counts, records, rejected] of [
      ['journal', s.journal, j.records, rejectedJ],
      ['clearing', s.clearing, c.records, rejectedC],
    ] as const) {
      expect(counts.rowsIn, side).toBe(records);
      expect(counts.rejected, side).toBe(rejected);
      expect(counts.reconciled + counts.open + counts.exception + counts.rejected, side).toBe(counts.rowsIn);
      expect(counts.reconciled, side).toBeGreaterThan(records / 2);
    }
    expect(s.panMasked).toBe(1);
    expect(s.warnings.join('\n')).toMatch(
      /1 card or account number\(s\) in pan_masked or account_masked showing more than the first 6 and last 4 digits were masked on ingest/,
    );

    const rows = await query<{
      file_no: number;
      line: number;
      column_name: string | null;
      reason: string;
      raw: string;
    }>(
      join(cwd, 'st'),
      'select file_no, line, column_name, reason, raw from recon.rejected_row order by file_no, line',
    );
    expect(rows.map((x) => [x.file_no, x.line, x.column_name, x.reason])).toEqual([
      ...j.expected.map((e) => [1, ...e]),
      ...c.expected.map((e) => [2, ...e]),
    ]);
    // The rejected line that carried a full card number keeps its raw text with the number masked.
    expect(rows.filter((x) => x.raw.includes('622588******7890'))).toHaveLength(1);
    // recon rejects lists the same rows, each with its file's path, for an operator to fix.
    const listed = await recon(cwd, ['rejects', '--date', DAY, '--db', 'st', '--format', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    const rejects = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; line: number; column: string | null; reason: string; raw: string });
    expect(rejects.map((x) => [x.file === jPath ? 1 : x.file === cPath ? 2 : 0, x.line, x.column, x.reason])).toEqual(
      rows.map((x) => [x.file_no, x.line, x.column_name, x.reason]),
    );
    expect(rejects.map((x) => x.raw)).toEqual(rows.map((x) => x.raw));
    const csv = await recon(cwd, ['rejects', '--date', DAY, '--db', 'st']);
    expect(csv.stdout.split('\n')[0]).toBe('file,line,column,reason,raw');
    expect(csv.stdout).not.toContain(FULL_PAN);
    expect(rows.find((x) => x.file_no === 1 && x.line === cutLine)!.raw).toBe(cut);
  });

  it('no full card number reaches a table, the summary, a log line or an export', async () => {
    const outputs: string[] = [];
    // A re-run with the human summary, which prints the same equation.
    const run = await recon(cwd, ['run', '--date', DAY, '--data-dir', 'data', '--db', 'st']);
    expect(run.code, run.stderr).toBe(0);
    const rj = summary.journal;
    expect(run.stdout).toContain(
      `${rj.rowsIn.toLocaleString('en-US')} in = ${rj.reconciled.toLocaleString('en-US')} reconciled + ${rj.open.toLocaleString('en-US')} open + ${rj.exception.toLocaleString('en-US')} in exceptions + ${rejectedJ} rejected`,
    );
    outputs.push(run.stdout, run.stderr);
    for (const format of ['csv', 'json']) {
      const x = await recon(cwd, ['exceptions', '--date', DAY, '--db', 'st', '--format', format]);
      expect(x.code, x.stderr).toBe(0);
      outputs.push(x.stdout, x.stderr);
    }
    const store = await testStore({ kind: 'embedded', dir: join(cwd, 'st') });
    let dumped = 0;
    try {
      const tables = await store.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'recon'`,
      );
      expect(tables.length).toBeGreaterThan(5);
      for (const { table_name } of tables) {
        const all = await store.query<{ t: string }>(`select t::text as t from recon.${table_name} t`);
        dumped += all.length;
        outputs.push(all.map((x) => x.t).join('\n'));
      }
    } finally {
      await store.close();
    }
    expect(dumped).toBeGreaterThan(rejectedJ + rejectedC + 20);
    const text = outputs.join('\n');
    for (const pan of [FULL_PAN, FULL_PAN_2]) expect(text.includes(pan), `${pan} found`).toBe(false);
    expect(text.includes('622588******7890')).toBe(true); // the rejected line, masked
  });

  it('--max-rejects fails the run in one line and commits nothing, as a count and as a share', async () => {
    const fresh = templateStoreAt(join(tempDir('bad-rows-limit'), 'st'));
    const total = j.records + c.records;
    for (const [limit, shown] of [
      [String(rejectedJ + rejectedC - 1), String(rejectedJ + rejectedC - 1)],
      ['0.5%', '0.5%'],
    ] as const) {
      const r = await recon(cwd, ['run', '--date', DAY, '--data-dir', 'data', '--db', fresh, '--max-rejects', limit]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`too many rejected rows: ${rejectedJ + rejectedC} of ${total}`);
      expect(r.stderr).toContain(`--max-rejects ${shown}; first: `);
      expect(r.stderr).not.toContain(FULL_PAN);
    }
    const counts = await query<{ runs: number; rejected: number }>(
      fresh,
      'select (select count(*)::int from recon.run) as runs, (select count(*)::int from recon.rejected_row) as rejected',
    );
    expect(counts).toEqual([{ runs: 0, rejected: 0 }]);
    // The default (1%) lets this day through: the first test above.
  });
});

describe('whole-file faults', () => {
  const cwd = tempDir('file-faults');
  generateInto(cwd, '2026-11-16', 2, 800, 13);
  const file = (side: string, date: string): string => join(cwd, 'data', side, `${date}.csv`);

  it('names the file and the problem in one line: empty, unknown column, missing column; a header alone is an empty day', async () => {
    const dir = join(cwd, 'faults');
    mkdirSync(dir, { recursive: true });
    templateStoreAt(join(dir, 'st'));
    const header = readFileSync(file('journal', '2026-11-16'), 'utf8').split('\n')[0]!;
    const body = readFileSync(file('journal', '2026-11-16'), 'utf8').split('\n').slice(1).join('\n');
    const cases: [string, string, number, RegExp][] = [
      ['empty.csv', '', 3, /empty\.csv: empty journal file \(no header line\)$/],
      [
        'unknown.csv',
        `${header.replace('stan', 'stan_no')}\n${body}`,
        3,
        /unknown\.csv, line 1, column stan_no: unknown column "stan_no" in the journal header$/,
      ],
      [
        'missing.csv',
        `${header.replace(',rrn', '')}\n${body}`,
        3,
        /missing\.csv, line 1, column rrn: missing column "rrn" in the journal header$/,
      ],
      [
        'clearing-as-journal.csv',
        readFileSync(file('clearing', '2026-11-16'), 'utf8'),
        3,
        /column record_type: unknown column "record_type" in the journal header \(is this a clearing file\?\)$/,
      ],
    ];
    for (const [name, text, code, message] of cases) {
      writeFileSync(join(dir, name), text);
      const r = await recon(cwd, [
        'run',
        '--date',
        '2026-11-16',
        '--journal',
        join(dir, name),
        '--db',
        join(dir, 'st'),
      ]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(code);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr.trim(), name).toMatch(message);
    }
    writeFileSync(join(dir, 'header.csv'), `${header}\n`);
    const r = await recon(cwd, [
      'run',
      '--date',
      '2026-11-16',
      '--journal',
      join(dir, 'header.csv'),
      '--db',
      join(dir, 'st'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    expect([s.journal.rowsIn, s.clearing.rowsIn, s.findings.length]).toEqual([0, 0, 0]);
  });

  it('reads gzip files with the same result as the plain ones, refuses one delivered twice, and replays them', async () => {
    const gz = join(cwd, 'gz');
    for (const side of ['journal', 'clearing']) {
      mkdirSync(join(gz, side), { recursive: true });
      for (const d of ['2026-11-16', '2026-11-17'])
        writeFileSync(join(gz, side, `${d}.csv.gz`), gzipSync(readFileSync(file(side, d))));
    }
    copyFileSync(join(cwd, 'data/merchants.csv'), join(gz, 'merchants.csv'));
    for (const db of ['st-gz', 'st-plain']) templateStoreAt(join(cwd, db));
    const result = async (dataDir: string, db: string, date: string): Promise<unknown> => {
      const r = await recon(cwd, ['run', '--date', date, '--data-dir', dataDir, '--db', db, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const s = summaryOf(r.stdout);
      expect(s.files.every((f) => f.path.endsWith(dataDir === 'gz' ? '.csv.gz' : '.csv'))).toBe(true);
      return [s.journal, s.clearing, s.carried, s.openItems, s.findings, s.files.map((f) => [f.sha256, f.rows])];
    };
    expect(await result('gz', 'st-gz', '2026-11-16')).toEqual(await result('data', 'st-plain', '2026-11-16'));
    // The same findings, naming the .csv.gz files as their sources.
    const exportOf = async (db: string, date: string): Promise<string> =>
      (await recon(cwd, ['exceptions', '--date', date, '--db', db])).stdout.replace(
        /\/gz\/(\w+\/[\d-]+\.csv)\.gz/g,
        '/data/$1',
      );
    expect(await exportOf('st-gz', '2026-11-16')).toEqual(await exportOf('st-plain', '2026-11-16'));
    await result('gz', 'st-gz', '2026-11-17');
    const before = await exportOf('st-gz', '2026-11-17');
    expect(before.trim().split('\n').length).toBeGreaterThan(1);

    // The same content, compressed or not, is the same file to the already-loaded check.
    const again = await recon(cwd, [
      'run',
      '--date',
      '2026-11-18',
      '--journal',
      file('journal', '2026-11-17'),
      '--db',
      'st-gz',
    ]);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/already loaded by the run of 2026-11-17 \(as .*2026-11-17\.csv\.gz\); use --force/);
    // A truncated gzip file: one line, nothing committed.
    writeFileSync(join(cwd, 'cut.csv.gz'), readFileSync(join(gz, 'clearing/2026-11-17.csv.gz')).subarray(0, 2000));
    const cut = await recon(cwd, ['run', '--date', '2026-11-18', '--clearing', 'cut.csv.gz', '--db', 'st-gz']);
    expect(cut.code).toBe(3);
    expect(cut.stderr.trim()).toBe(
      `recon: ${join(cwd, 'cut.csv.gz')}: cannot decompress the gzip file: the file is truncated`,
    );
    // --replay re-reads the recorded .gz files of the later date and checks their fingerprints.
    const replay = await recon(cwd, [
      'run',
      '--date',
      '2026-11-16',
      '--data-dir',
      'gz',
      '--db',
      'st-gz',
      '--replay',
      '--json',
    ]);
    expect(replay.code, replay.stderr).toBe(0);
    expect(await exportOf('st-gz', '2026-11-17')).toEqual(before);
  });

  it('the same rows delivered again in a differently named file are duplicate credits, not counted twice', async () => {
    const dir = join(cwd, 'resent');
    for (const side of ['journal', 'clearing']) {
      mkdirSync(join(dir, side), { recursive: true });
      copyFileSync(file(side, '2026-11-16'), join(dir, side, '2026-11-16.csv'));
    }
    copyFileSync(join(cwd, 'data/merchants.csv'), join(dir, 'merchants.csv'));
    for (const db of ['st-resent-base', 'st-resent']) templateStoreAt(join(cwd, db));
    const base = await recon(cwd, [
      'run',
      '--date',
      '2026-11-16',
      '--data-dir',
      'resent',
      '--db',
      'st-resent-base',
      '--json',
    ]);
    expect(base.code, base.stderr).toBe(0);
    const found = (await recon(cwd, ['exceptions', '--date', '2026-11-16', '--db', 'st-resent-base'])).stdout
      .trim()
      .split('\n');
    const flagged = new Set(found.slice(1).map((l) => l.split(',')[5]));
    // Resend ten settled card sales that reconciled cleanly, in a second clearing file.
    const lines = readFileSync(file('clearing', '2026-11-16'), 'utf8').trimEnd().split('\n');
    const header = lines[0]!.split(',');
    const col = (l: string, name: string): string => l.split(',')[header.indexOf(name)]!;
    const resent = lines
      .slice(1)
      .filter(
        (l) =>
          !l.includes('"') &&
          col(l, 'record_type') === 'SALE' &&
          col(l, 'status') === 'SETTLED' &&
          col(l, 'rrn') !== '' &&
          !flagged.has(col(l, 'rrn')),
      )
      .slice(0, 10);
    expect(resent).toHaveLength(10);
    writeFileSync(join(dir, 'clearing', '2026-11-16-resent.csv'), `${lines[0]}\n${resent.join('\n')}\n`);
    const r = await recon(cwd, ['run', '--date', '2026-11-16', '--data-dir', 'resent', '--db', 'st-resent', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    const b = summaryOf(base.stdout);
    expect(s.clearing.rowsIn).toBe(b.clearing.rowsIn + 10);
    expect(s.clearing.reconciled).toBe(b.clearing.reconciled); // the resent rows reconcile nothing
    expect(s.clearing.exception).toBe(b.clearing.exception + 10);
    // Each resent credit turns its sale into a DUPLICATE_CREDIT subject.
    const counts = ({ amounts: _, ...c }: RunSummary['journal']): Omit<RunSummary['journal'], 'amounts'> => c;
    expect(counts(s.journal)).toEqual({
      ...counts(b.journal),
      reconciled: b.journal.reconciled - 10,
      exception: b.journal.exception + 10,
    });
    expect(s.journal.amounts.reconciled + s.journal.amounts.exception).toBe(
      b.journal.amounts.reconciled + b.journal.amounts.exception,
    );
    const all = (await recon(cwd, ['exceptions', '--date', '2026-11-16', '--db', 'st-resent'])).stdout
      .trim()
      .split('\n')
      .slice(1);
    // Columns: id, business_date, kind, status, merchant_id, terminal_id, rrn, … duplicate_count (17).
    const duplicates = (lines: string[]): string[] => lines.filter((l) => l.split(',')[2] === 'DUPLICATE_CREDIT');
    const before = duplicates(found.slice(1));
    const added = duplicates(all).filter((l) => !before.includes(l));
    expect(added.map((l) => l.split(',')[6]).sort()).toEqual(resent.map((l) => col(l, 'rrn')).sort());
    expect(added.every((l) => l.split(',')[17] === '1')).toBe(true); // duplicate_count: one extra credit
    // Every other finding is as without the resent file.
    const others = (lines: string[]): string[] => lines.filter((l) => l.split(',')[2] !== 'DUPLICATE_CREDIT');
    expect(others(all)).toEqual(others(found.slice(1)));
  });
});
