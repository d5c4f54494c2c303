/**
 * Open items' columns read back by locator (workers/extras.ts): a sparse choice of rows, rows on the
 * careful path (a quoted order number with a comma), a full card number masked as on the first
 * reading, and a file that changed since the scan refused rather than read into another row.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/core/dates.js';
import { emptyMerchants } from '../../src/core/merchants.js';
import { JOURNAL_HEADER } from '../../src/core/schema.js';
import { strAt } from '../../src/core/utf8.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { readExtras } from '../../workers/extras.js';
import { scanFile, writeTemp } from '../helpers/scan-file.js';

const ctx = {
  runDay: parseIsoDate('2026-11-20'),
  grace: 1,
  calendar: loadCalendar(undefined).spec,
  merchants: emptyMerchants(),
};

function journalLine(stan: number, over: Record<string, string> = {}): string {
  const f: Record<string, string> = {
    merchant_id: '898310148160568',
    terminal_id: '10023456',
    batch_no: String(100 + (stan % 900)).padStart(6, '0'),
    stan: String(stan).padStart(6, '0'),
    rrn: `63241${String(stan).padStart(7, '0')}`,
    auth_code: 'A1B2C3',
    txn_type: 'SALE',
    channel: 'CARD_CHIP',
    order_no: '',
    txn_time: '2026-11-19T10:00:00+08:00',
    amount_minor: String(1000 + stan),
    currency: stan % 2 ? 'CNY' : 'HKD',
    response_code: '00',
    orig_rrn: '',
    pan_masked: '622588******1234',
    ...over,
  };
  return JOURNAL_HEADER.map((h) => f[h]).join(',');
}

describe('open items read back by locator', () => {
  const lines = Array.from({ length: 3000 }, (_, i) => {
    if (i === 1234)
      return journalLine(i, { channel: 'QR', rrn: '', auth_code: '', order_no: '"ORD,1234"', pan_masked: '' });
    if (i === 2000) return journalLine(i, { pan_masked: '6225881234561234' });
    return journalLine(i);
  });
  const text = `${JOURNAL_HEADER.join(',')}\n${lines.join('\n')}\n`;

  it('reads the chosen rows as the scan read them, careful-path rows and masked card numbers included', () => {
    const path = writeTemp('extras.csv', text);
    const s = scanFile(path, 'journal', 16 << 10);
    expect(s.batch.length).toBe(3000);
    const rows = Int32Array.from([0, 1, 2, 700, 1234, 1999, 2000, 2001, 2999]);
    const x = readExtras(
      s.batch,
      rows,
      'journal',
      { files: [{ fileNo: 1, path, fields: s.fields }], store: null },
      ctx,
    );
    expect(x.length).toBe(rows.length);
    rows.forEach((i, k) => {
      expect(x.batch_no[k], `row ${i}`).toBe(s.extras.batch_no[i]);
      expect(x.currency[k], `row ${i}`).toBe(s.extras.currency[i]);
      expect(strAt(x.pan_masked, k), `row ${i}`).toBe(strAt(s.extras.pan_masked, i));
    });
    expect(x.batch_no[3]).toBe(800);
    expect(strAt(x.pan_masked, 4)).toBe('');
    expect(strAt(x.pan_masked, 6)).toBe('622588******1234');
  });

  it('refuses a file that changed since the scan, naming it and the line', () => {
    const path = writeTemp('changed.csv', text);
    const s = scanFile(path, 'journal', 16 << 10);
    // The same length, another amount on line 1002 (row 1000): the locators still point at lines.
    writeFileSync(path, readFileSync(path, 'utf8').replace(',2000,HKD,', ',2009,HKD,'));
    const sources = { files: [{ fileNo: 1, path, fields: s.fields }], store: null };
    expect(() => readExtras(s.batch, Int32Array.from([999, 1000]), 'journal', sources, ctx)).toThrow(
      new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} changed while the run read it: line 1002 `),
    );
  });
});
