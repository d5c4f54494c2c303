/**
 * A line too long to be a record (issue 23): longer than MAX_LINE_BYTES (1 MiB), it is one rejected
 * row, "line too long", its raw text the first 4,096 bytes with card numbers masked, and the rows
 * after it are read with their right line numbers:
 * - a line of 2 GiB and more (a sparse file: no disk used), which a cut between scan ranges falls in;
 *   before, the run ended with an internal error (readSync's length out of range), since the planner
 *   never split a line and the range was read whole. Its file's fingerprint still covers every byte;
 * - lines of a few MiB inside one scan range and across a cut, in recon's layout and in a WeChat
 *   bill (both of the profile reader's ways: the one-pass reader and the interpreter).
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../data-gen/generate.js';
import { MAX_LINE_BYTES } from '../../src/core/reject.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { fillRunOptions } from '../../src/run/options.js';
import type { Pool } from '../../src/run/pool.js';
import { runDay } from '../../src/run/run-day.js';
import type { RunSummary } from '../../src/run/summary.js';
import { wechatBill } from '../helpers/bills.js';
import { luhnComplete } from '../helpers/cards.js';
import { TEST_ENGINE, tempDir } from '../helpers/chain.js';
import { recon, templateStoreAt, testStore, useKeptStores, useSharedPool } from '../helpers/cli.js';
import { testPool } from '../helpers/pool.js';
import { openMemoryStore } from '../helpers/stores.js';

useSharedPool();
useKeptStores();

const DAY = '2026-11-17';
const PAN = luhnComplete('431940123456789');
const KiB = 1024;

/** Changes the value of column `name` in a CSV line of `header` (lines without quotes). */
function setField(header: string, line: string, name: string, value: string): string {
  const names = header.replace(/^\uFEFF/, '').split(',');
  const f = line.split(',');
  f[names.indexOf(name)] = value;
  return f.join(',');
}

function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', (b) => h.update(b))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

async function rejectedRows(db: string): Promise<{ file_no: number; line: number; reason: string; raw: string }[]> {
  const store = await testStore({ kind: 'embedded', dir: db });
  try {
    return await store.query('select file_no, line, reason, raw from recon.rejected_row order by file_no, line');
  } finally {
    await store.close();
  }
}

const tooLong = (bytes: number): string =>
  `line too long (${Math.ceil(bytes / KiB)} KiB; the limit is ${MAX_LINE_BYTES / KiB} KiB): not read`;

describe('a line of more than 2 GiB', () => {
  const cwd = tempDir('long-line');
  generate({ date: DAY, days: 1, rows: 600, seed: 31, out: join(cwd, 'data'), calendar: loadCalendar(undefined).spec });
  templateStoreAt(join(cwd, 'st'));
  const jPath = join(cwd, 'data/journal', `${DAY}.csv`);
  const lines = readFileSync(jPath, 'utf8').trimEnd().split('\n');
  const header = lines[0]!;
  // A bad row after the long line: its line number shows the lines after it are counted right.
  const badAt = lines.findIndex((l, i) => i > 100 && !l.includes('"'));
  lines[badAt] = setField(header, lines[badAt]!, 'amount_minor', 'x');
  const head = `${lines.slice(0, 51).join('\n')}\n`;
  const longStart = `LONG,${PAN},`;
  const holeBytes = 2 ** 31 + 5 * 2 ** 20; // past 2 GiB: readSync's limit
  const rest = `\n${lines.slice(51).join('\n')}\n`;
  const fd = openSync(jPath, 'w');
  try {
    writeSync(fd, head + longStart);
    // What lies between is a hole: it reads as NUL bytes and takes no disk.
    writeSync(fd, rest, Buffer.byteLength(head + longStart) + holeBytes);
  } finally {
    closeSync(fd);
  }
  const longBytes = Buffer.byteLength(longStart) + holeBytes; // without its line break
  afterAll(() => rmSync(jPath, { force: true }));

  it('is one rejected row, read no further than its first bytes, and the rows after it are read', async () => {
    const r = await recon(cwd, ['run', '--date', DAY, '--data-dir', 'data', '--db', 'st', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as RunSummary;
    expect(s.journal.rowsIn).toBe(lines.length); // the header out, the long line in
    expect(s.journal.rejected).toBe(2);
    expect(s.journal.reconciled + s.journal.open + s.journal.exception + s.journal.rejected).toBe(s.journal.rowsIn);
    const rows = await rejectedRows(join(cwd, 'st'));
    expect(rows.map((x) => [x.file_no, x.line, x.reason])).toEqual([
      [1, 52, tooLong(longBytes)],
      [1, badAt + 2, 'not an integer'],
    ]);
    const raw = rows[0]!.raw;
    expect(raw.length).toBe(4096); // NUL bytes are stored as ␀
    expect(raw.startsWith(`LONG,${PAN.slice(0, 6)}******${PAN.slice(12)},\u2400`)).toBe(true);
  });

  it("keeps the whole file's bytes in its fingerprint", async () => {
    const store = await testStore({ kind: 'embedded', dir: join(cwd, 'st') });
    try {
      const files = await store.query<{ sha256: string }>(
        `select sha256 from recon.input_file where path like '%journal%'`,
      );
      expect(files.map((f) => f.sha256)).toEqual([await sha256OfFile(jPath)]);
    } finally {
      await store.close();
    }
  });
});

describe('lines of a few MiB', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = testPool();
  });

  it("in recon's layout: inside a scan range and across a cut", async () => {
    const dir = tempDir('long-lines');
    generate({
      date: DAY,
      days: 1,
      rows: 600,
      seed: 32,
      out: join(dir, 'data'),
      calendar: loadCalendar(undefined).spec,
    });
    const jPath = join(dir, 'data/journal', `${DAY}.csv`);
    const lines = readFileSync(jPath, 'utf8').trimEnd().split('\n');
    // With ranges of 2 MiB: line 11, 1.2 MiB, lies in the first range; line 302, 3 MiB, is where the
    // first cut falls, 2 MiB from the start, with more than 1 MiB of it to go.
    const inRange = `${PAN} ${'z'.repeat(MAX_LINE_BYTES + 200_000)}`;
    const acrossCut = 'y'.repeat(3 * MAX_LINE_BYTES);
    const out = [...lines.slice(0, 10), inRange, ...lines.slice(10, 300), acrossCut, ...lines.slice(300)];
    writeFileSync(jPath, `${out.join('\n')}\n`);
    const store = await openMemoryStore();
    try {
      const s = await runDay(
        store,
        fillRunOptions({
          ...TEST_ENGINE,
          chunkBytes: 2 << 20,
          date: DAY,
          journal: [jPath],
          clearing: [join(dir, 'data/clearing', `${DAY}.csv`)],
          merchants: join(dir, 'data/merchants.csv'),
        }),
        { pool },
      );
      expect(s.journal.rowsIn).toBe(out.length - 1);
      expect(s.journal.rejected).toBe(2);
      const rows = await store.query<{ line: number; reason: string; raw: string }>(
        'select line, reason, raw from recon.rejected_row order by line',
      );
      expect(rows.map((x) => [x.line, x.reason])).toEqual([
        [11, tooLong(inRange.length)],
        [302, tooLong(acrossCut.length)],
      ]);
      expect(rows[0]!.raw).toBe(`${PAN.slice(0, 6)}******${PAN.slice(12)} ${'z'.repeat(4096 - 17)}`);
      expect(rows[1]!.raw).toBe('y'.repeat(4096));
    } finally {
      await store.close();
    }
  });

  // One range for the whole bill (the scan meets both lines), and ranges of 64 KiB (the planner does).
  it.each([16 << 20, 64 << 10])(
    'in a WeChat bill: a line the one-pass reader takes, and one it leaves to the interpreter (ranges of %i bytes)',
    async (chunkBytes) => {
      const dir = tempDir('long-bill');
      const mch = '1900000001';
      const bill = wechatBill([
        { time: '2026-11-19 07:04:45', mch, order: 'ORD01', amount: '35.26', fee: '0.21000' },
        { time: '2026-11-19 08:00:01', mch, order: 'ORD02', amount: '11.00', fee: '0.07000' },
        { time: '2026-11-19 09:00:01', mch, order: 'ORD03', amount: '1.00', fee: '0.01000' },
        { time: '2026-11-19 10:00:01', mch, order: 'ORD04', amount: '2.00', fee: '0.01000' },
      ]).split('\r\n');
      // Record 2: its goods (a field nobody reads) run on; record 3: its order number does.
      bill[2] = bill[2]!.replace('goods, with a comma', 'g'.repeat(1.5 * MAX_LINE_BYTES));
      bill[3] = bill[3]!.replace('`ORD03', `\`ORD03${'o'.repeat(1.5 * MAX_LINE_BYTES)}`);
      const billPath = join(dir, 'bill.csv');
      writeFileSync(billPath, bill.join('\r\n'));
      const merchants = join(dir, 'merchants.csv');
      writeFileSync(merchants, `merchant_id,cycle,mdr_bps,fee_cap_minor,aliases\n898000310085409,T1,,,wechat:${mch}\n`);
      const store = await openMemoryStore();
      try {
        const s = await runDay(
          store,
          fillRunOptions({
            ...TEST_ENGINE,
            chunkBytes,
            date: '2026-11-19',
            journal: [],
            clearing: [billPath],
            merchants,
            clearingFormat: 'wechat-trade-bill',
            maxRejects: '50%',
          }),
          { pool },
        );
        expect(s.clearing.rowsIn).toBe(4);
        expect(s.clearing.rejected).toBe(2);
        const rows = await store.query<{ line: number; reason: string }>(
          'select line, reason from recon.rejected_row order by line',
        );
        expect(rows.map((x) => [x.line, x.reason])).toEqual([
          [3, tooLong(Buffer.byteLength(bill[2]!))],
          [4, tooLong(Buffer.byteLength(bill[3]!))],
        ]);
      } finally {
        await store.close();
      }
    },
  );
});
