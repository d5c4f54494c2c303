/**
 * The byte scanner against fast-csv, the reference for the CSV dialect (DESIGN §9): every row of
 * the generated files and of hand-made edge cases reads the same; chunk cuts change nothing; bad
 * lines are rejected with their line, column and reason, and the rest go on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/core/dates.js';
import { hashOrderKey, hashRrnKey, hashStanKey } from '../../src/core/keys.js';
import { emptyMerchants } from '../../src/core/merchants.js';
import { CLEARING_HEADER, FIELD_COUNT, JOURNAL_HEADER, mapHeader } from '../../src/core/schema.js';
import type { ScanResult } from '../../src/core/tasks.js';
import { strAt } from '../../src/core/utf8.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { rowParserFor, scanBytes, warmLinesFor } from '../../workers/scan.js';
import { newDateCache, VALS_LENGTH } from '../../workers/scan-gen.js';
import { generateChain } from '../helpers/chain.js';
import { dose } from '../helpers/dose.js';
import { canonical, fastCsvRows, rowStrings, scanFile, writeTemp } from '../helpers/scan-file.js';

async function expectAgreement(path: string, side: 'journal' | 'clearing', chunkBytes?: number): Promise<number> {
  const text = readFileSync(path, 'utf8');
  const reference = (await fastCsvRows(text)).map(canonical);
  const s = scanFile(path, side, chunkBytes);
  expect(s.rejects).toEqual([]);
  expect(s.batch.length).toBe(reference.length);
  for (let i = 0; i < s.batch.length; i++)
    expect(rowStrings(s.batch, i, s.names, s.extras), `row ${i + 1}`).toEqual(reference[i]);
  // Each row's locator is where its line starts in the file.
  const bytes = readFileSync(path);
  const lineStarts = [0];
  for (let p = bytes.indexOf(10); p >= 0; p = bytes.indexOf(10, p + 1)) lineStarts.push(p + 1);
  for (let i = 0; i < s.batch.length; i++)
    expect(s.batch.src_offset[i], `row ${i + 1} locator`).toBe(lineStarts[s.batch.src_line[i]! - 1]);
  return s.batch.length;
}

const J = (over: Partial<Record<(typeof JOURNAL_HEADER)[number], string>> = {}): string[] => {
  const base: Record<string, string> = {
    merchant_id: '898310148160568',
    terminal_id: '10023456',
    batch_no: '000123',
    stan: '004512',
    rrn: '093512004512',
    auth_code: '7K3P21',
    txn_type: 'SALE',
    channel: 'CARD_CHIP',
    order_no: '',
    txn_time: '2026-11-20T22:58:10+08:00',
    amount_minor: '12800',
    currency: 'CNY',
    response_code: '00',
    orig_rrn: '',
    pan_masked: '622588******1234',
    ...over,
  };
  return JOURNAL_HEADER.map((h) => base[h]!);
};

/** One chunk of bytes scanned into one partition, as a run of 2026-11-20 would (no merchants listed). */
function scanOne(
  bytes: Uint8Array,
  side: 'journal' | 'clearing',
  fields: readonly number[],
  carefulOnly = false,
): ScanResult {
  return scanBytes(bytes, 0, bytes.length, {
    chunk: 0,
    side,
    fields,
    state: false,
    fileNo: 1,
    runDay: parseIsoDate('2026-11-20'),
    partitions: 1,
    grace: 1,
    calendar: loadCalendar(undefined).spec,
    merchants: emptyMerchants(),
    carefulOnly,
  });
}

describe('scanner agrees with fast-csv', () => {
  it('on every row of generated journal and clearing files, in one chunk and in many', async () => {
    const { dir, gen } = generateChain('2026-11-19', 2, 3000, 11);
    let rows = 0;
    for (const d of gen.days) {
      rows += await expectAgreement(join(dir, 'journal', `${d}.csv`), 'journal');
      rows += await expectAgreement(join(dir, 'clearing', `${d}.csv`), 'clearing');
      await expectAgreement(join(dir, 'journal', `${d}.csv`), 'journal', 4096);
      await expectAgreement(join(dir, 'clearing', `${d}.csv`), 'clearing', 5000);
    }
    expect(rows).toBe(gen.journalRows + gen.clearingRows);
  });

  it('on BOM, CRLF, quoted fields, escaped quotes, UTF-8, blank lines, another column order and no final newline', async () => {
    const header = [...JOURNAL_HEADER].reverse();
    const line = (cells: string[]): string => [...cells].reverse().join(',');
    const rows = [
      line(J()),
      line(J({ stan: '004513', rrn: '093512004513', order_no: '"ORD,with comma"' })),
      line(J({ stan: '004514', rrn: '093512004514', order_no: '"say ""hi"""' })),
      line(J({ stan: '004515', rrn: '', channel: 'QR', order_no: '订单-2026-0001', auth_code: '', pan_masked: '' })),
      line(J({ stan: '"004516"', rrn: '"093512004516"', auth_code: '""' })),
      line(J({ stan: '004517', rrn: '093512004517', txn_time: '2026-11-20T14:58:10.250Z' })),
    ];
    const text = `\uFEFF${header.join(',')}\r\n${rows[0]}\r\n\r\n${rows.slice(1, 4).join('\r\n')}\n${rows[4]}\r\n${rows[5]}`;
    const path = writeTemp('edge.csv', text);
    expect(await expectAgreement(path, 'journal')).toBe(6);
    expect(await expectAgreement(path, 'journal', 1024)).toBe(6);
    const s = scanFile(path, 'journal');
    expect(strAt(s.batch.order_no, 1)).toBe('ORD,with comma');
    expect(strAt(s.batch.order_no, 2)).toBe('say "hi"');
    expect(strAt(s.batch.order_no, 3)).toBe('订单-2026-0001');
    expect(Array.from(s.batch.src_line.subarray(0, 6))).toEqual([2, 4, 5, 6, 7, 8]);
  });

  it('numbers lines across chunk cuts exactly as in one chunk', () => {
    const { dir } = generateChain('2026-11-19', 1, 2000, 5);
    const path = join(dir, 'clearing', '2026-11-19.csv');
    const whole = scanFile(path, 'clearing');
    const cut = scanFile(path, 'clearing', 777);
    expect(cut.results.length).toBeGreaterThan(50);
    expect(Array.from(cut.batch.src_line)).toEqual(Array.from(whole.batch.src_line));
    expect(whole.batch.src_line[0]).toBe(2);
    expect(whole.batch.src_line[whole.batch.length - 1]).toBe(whole.batch.length + 1);
  });
});

describe('the key hash the scan stores', () => {
  it("is each row's own identity key hash: its order key, else its rrn key, else its stan key", () => {
    const { dir, gen } = generateChain('2026-11-19', 1, 3000, 23);
    const day = gen.days[0]!;
    const kinds = [0, 0, 0];
    for (const side of ['journal', 'clearing'] as const) {
      const { batch: b } = scanFile(join(dir, side, `${day}.csv`), side, 64 << 10);
      for (let i = 0; i < b.length; i++) {
        const o = b.order_no;
        const os = o.offsets[i]!;
        const oe = o.offsets[i + 1]!;
        const m = b.merchant_id[i]!;
        const t = b.terminal_id[i]!;
        const want =
          oe > os
            ? hashOrderKey(m, o.bytes, os, oe)
            : b.rrn_hi[i] !== 0
              ? hashRrnKey(m, t, b.rrn_hi[i]!, b.rrn_lo[i]!)
              : hashStanKey(t, b.stan[i]!, b.business_date[i]!);
        kinds[oe > os ? 0 : b.rrn_hi[i] !== 0 ? 1 : 2]!++;
        if (b.key_hash[i] !== want) expect([side, i, b.key_hash[i]]).toEqual([side, i, want]);
      }
    }
    // Rows of both kinds were seen: orders (QR) and rrns (cards).
    expect(kinds.map((k) => k > 0)).toEqual([true, true, false]);

    // A card row with neither (no rrn, no order number) and one with both, fast and careful path.
    const text = `${[
      JOURNAL_HEADER.join(','),
      J({ rrn: '' }).join(','),
      J({ order_no: 'ORD-77' }).join(','),
      J({ rrn: '', stan: '"004513"' }).join(','),
    ].join('\n')}\n`;
    const bytes = new TextEncoder().encode(text);
    const body = bytes.subarray(text.indexOf('\n') + 1);
    const r = scanOne(body, 'journal', mapHeader('journal', [...JOURNAL_HEADER]).fields);
    const b = r.batches[0]!;
    expect(b.length).toBe(3);
    const m = b.merchant_id[0]!;
    const t = b.terminal_id[0]!;
    const order = new TextEncoder().encode('ORD-77');
    expect([...b.key_hash]).toEqual([
      hashStanKey(t, 4512, b.business_date[0]!),
      hashOrderKey(m, order, 0, order.length),
      hashStanKey(t, 4513, b.business_date[2]!),
    ]);
  });
});

describe('scanner rejects bad lines and goes on', () => {
  it('names line, column and reason for each defect, masks full card numbers, keeps good rows', () => {
    const good = (stan: string): string => J({ stan, rrn: `0935120${stan.slice(1)}` }).join(',');
    const lines = [
      JOURNAL_HEADER.join(','),
      good('000001'), // 2
      J({ stan: '000002' }).slice(0, 14).join(','), // 3: 14 fields
      J({ stan: '000003', amount_minor: '12a00' }).join(','), // 4
      J({ stan: '000004', amount_minor: '-5' }).join(','), // 5
      J({ stan: '000005', txn_time: '2026-11-20 25:00:00+08:00' }).join(','), // 6
      J({ stan: '000006', txn_time: '2026-11-20T22:58:10' }).join(','), // 7
      J({ stan: '000007', txn_type: 'SALES' }).join(','), // 8
      J({ stan: '000008', terminal_id: '1002345' }).join(','), // 9
      J({ stan: '000009', merchant_id: '' }).join(','), // 10
      J({ stan: '000010', order_no: '"line one\nline two"' }).join(','), // 11, and 12: a record is one line
      good('000011'), // 13
      J({ stan: '000012', pan_masked: '6225881234561234' }).join(','), // 14: accepted, masked
      J({ stan: '000013', currency: 'cny' }).join(','), // 15
      good('000014'), // 16
    ];
    const bytes = Buffer.concat([Buffer.from(`${lines.join('\n')}\n`), Buffer.from([0x41, 0xff, 0x0a])]); // line 17: invalid UTF-8
    const path = writeTemp('bad.csv', bytes);
    const s = scanFile(path, 'journal');
    expect(s.rejects.map((r) => [r.line, r.column ?? null, r.reason])).toEqual([
      [3, null, 'expected 15 fields, found 14'],
      [4, 'amount_minor', 'not an integer'],
      [5, 'amount_minor', 'negative amount'],
      [6, 'txn_time', 'not a valid ISO 8601 timestamp'],
      [7, 'txn_time', 'timestamp has no UTC offset'],
      [8, 'txn_type', 'unknown value'],
      [9, 'terminal_id', 'wrong length (7 characters)'],
      [10, 'merchant_id', 'required value is empty'],
      [11, 'order_no', 'line break inside a quoted field'],
      [12, null, 'expected 15 fields, found 7'],
      [15, 'currency', 'not an ISO 4217 alpha code'],
      [17, null, 'invalid UTF-8'],
    ]);
    expect(Array.from(s.batch.src_line)).toEqual([2, 13, 14, 16]);
    expect(strAt(s.extras.pan_masked, 2)).toBe('622588******1234');
    expect(s.results[0]!.panMasked).toBe(1);
    // the raw text of a rejected line is kept, with card numbers masked
    const withPan = scanFile(
      writeTemp(
        'pan.csv',
        `${JOURNAL_HEADER.join(',')}\n${J({ pan_masked: '6225881234561234', amount_minor: 'x' }).join(',')}\n`,
      ),
      'journal',
    );
    expect(withPan.rejects[0]!.raw).toContain('622588******1234');
    expect(withPan.rejects[0]!.raw).not.toContain('6225881234561234');
  });

  it('rejects only the line of a stray quote, whatever comes after it (a record is one line)', () => {
    const good = (stan: string): string => J({ stan, rrn: `0935120${stan.slice(1)}` }).join(',');
    // Line 3 opens a quote it never closes; line 5 has one too. Read across lines, the quote of
    // line 3 would close at line 5 and swallow the valid line 4 (rows in would still balance).
    const lines = [
      JOURNAL_HEADER.join(','),
      good('000001'),
      J({ stan: '000002', order_no: '"POS1' }).join(','),
      good('000003'),
      J({ stan: '000004', order_no: 'POS2"', pan_masked: '"622588******1234' }).join(','),
      good('000005'),
      `${J({ stan: '000006', order_no: '"POS3' }).join(',')}`, // the last line, no line end: the input ends inside quotes
    ];
    const path = writeTemp('stray-quote.csv', lines.join('\n'));
    for (const chunk of [undefined, 200, 300]) {
      const s = scanFile(path, 'journal', chunk);
      expect(s.rejects.map((r) => [r.line, r.column ?? null, r.reason])).toEqual([
        [3, 'order_no', 'line break inside a quoted field'],
        [5, 'pan_masked', 'line break inside a quoted field'],
        [7, 'order_no', 'malformed quoted field'],
      ]);
      expect(Array.from(s.batch.src_line)).toEqual([2, 4, 6]);
    }
  });

  it('reads a quote inside an unquoted field and blanks around a quoted field as fast-csv does', async () => {
    const text = `${JOURNAL_HEADER.join(',')}\n${J({ order_no: 'ab"c' }).join(',')}\n${J({ stan: '000002', rrn: '093512000002', order_no: ' "OR,D" ' }).join(',')}\n`;
    const path = writeTemp('loose.csv', text);
    expect(await expectAgreement(path, 'journal')).toBe(2);
    const s = scanFile(path, 'journal');
    expect(strAt(s.batch.order_no, 0)).toBe('ab"c');
    expect(strAt(s.batch.order_no, 1)).toBe('OR,D');
  });

  it('masks 13–19 digit card numbers in rejected lines, quoted or not, whatever the field count', () => {
    const lines = [
      JOURNAL_HEADER.join(','),
      `${J({ pan_masked: '378282246310005' }).join(',')},extra`, // Amex, 15 digits, wrong field count
      J({ pan_masked: '"378282246310005"', amount_minor: 'x' }).join(','), // quoted, bad amount
      J({ pan_masked: '4111111111111', amount_minor: 'x' }).join(','), // 13 digits
    ];
    const s = scanFile(writeTemp('pans.csv', `${lines.join('\n')}\n`), 'journal');
    expect(s.rejects).toHaveLength(3);
    for (const r of s.rejects) {
      expect(r.raw).not.toMatch(/378282246310005|4111111111111/);
      expect(r.raw).toMatch(/378282\*+0005|411111\*+1111/);
    }
  });
});

describe('the generated fast path and the careful path', () => {
  /** Every column of every row and every reject, as comparable values. */
  const outcome = (
    bytes: Uint8Array,
    side: 'journal' | 'clearing',
    fields: readonly number[],
    carefulOnly: boolean,
  ): unknown => {
    const r = scanOne(bytes, side, fields, carefulOnly);
    const b = r.batches[0]!;
    const columns = Object.entries(b)
      .filter(([k]) => k !== 'length')
      .map(([k, v]) => [
        k,
        'offsets' in v ? Array.from({ length: b.length }, (_, i) => strAt(v, i)) : Array.from(v).slice(0, b.length * 2),
      ]);
    const rejects = Array.from({ length: r.rejects.length }, (_, i) => [
      r.rejects.line[i],
      r.rejects.column[i],
      r.rejects.reason[i],
      r.rejects.detail[i],
    ]);
    return { length: b.length, columns, rejects, lines: r.lines, panMasked: r.panMasked };
  };

  it('read every row alike, including rows with a byte changed, added or taken away anywhere (one set of rules)', () => {
    const { dir, gen } = generateChain('2026-11-19', 1, 400, 17);
    const day = gen.days[0]!;
    for (const side of ['journal', 'clearing'] as const) {
      const text = readFileSync(join(dir, side, `${day}.csv`));
      const nl = text.indexOf(10);
      const header = text
        .subarray(0, nl)
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .replace(/\r$/, '')
        .split(',');
      const fields = mapHeader(side, header).fields;
      const rows = text
        .subarray(nl + 1)
        .toString('latin1')
        .split('\n')
        .filter((l) => l.length > 0);
      // The rows as they are: the fast path reads them all, as the careful path does.
      const whole = Buffer.from(`${rows.join('\n')}\n`, 'latin1');
      expect(outcome(whole, side, fields, false)).toEqual(outcome(whole, side, fields, true));
      // One row at a time, mutated: whatever the fast path does with it, the outcome is the same.
      const alphabet = '0123456789,"-:+ZT \r\nAZaz_*.\u00ff';
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: rows.length - 1 }),
          fc.array(
            fc.record({
              at: fc.nat(),
              op: fc.constantFrom('set', 'insert', 'delete'),
              ch: fc.constantFrom(...alphabet),
            }),
            { minLength: 1, maxLength: 3 },
          ),
          (k, edits) => {
            let row = rows[k]!;
            for (const e of edits) {
              const at = e.at % (row.length + 1);
              row =
                e.op === 'set'
                  ? row.slice(0, at) + e.ch + row.slice(at + 1)
                  : e.op === 'insert'
                    ? row.slice(0, at) + e.ch + row.slice(at)
                    : row.slice(0, at) + row.slice(at + 1);
            }
            const bytes = Buffer.from(
              `${rows[(k + 1) % rows.length]}\n${row}\n${rows[(k + 2) % rows.length]}`,
              'latin1',
            );
            expect(outcome(bytes, side, fields, false)).toEqual(outcome(bytes, side, fields, true));
          },
        ),
        { numRuns: dose(100, 1000) }, // mutated rows per side (test/helpers/dose.ts)
      );
    }
  });
});

describe('the row function warm-up', () => {
  it('takes every warm-up record on the fast path, in either column order (so every branch gets type feedback)', () => {
    for (const [side, header] of [
      ['journal', JOURNAL_HEADER],
      ['clearing', CLEARING_HEADER],
    ] as const) {
      for (const order of [[...header], [...header].reverse()]) {
        const fields = mapHeader(side, order).fields;
        const parse = rowParserFor(side, fields, false);
        const lines = warmLinesFor(side, fields, false);
        expect(lines.length).toBeGreaterThanOrEqual(8);
        const vals = new Float64Array(VALS_LENGTH);
        const ts = new Int32Array(FIELD_COUNT);
        const te = new Int32Array(FIELD_COUNT);
        for (const line of lines) {
          const dv = new DataView(line.buffer, line.byteOffset, line.byteLength);
          const next = parse(line, dv, 0, line.length, vals, ts, te, newDateCache());
          expect(next, `${side}: ${new TextDecoder().decode(line)}`).toBe(line.length);
        }
      }
    }
  });
});
