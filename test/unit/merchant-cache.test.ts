/** A worker keeps its merchant index between tasks; a different merchants table must not reuse it. */

import { describe, expect, it } from 'vitest';
import { formatIsoDate } from '../../src/core/dates.js';
import { JOURNAL_HEADER } from '../../src/core/schema.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { parseMerchants } from '../../src/inputs/merchants-file.js';
import { planFile } from '../../src/run/plan-file.js';
import { scan } from '../../workers/scan.js';
import { writeTemp } from '../helpers/scan-file.js';

describe('merchant index cache in the scan worker', () => {
  it('follows the merchants table content, not just its size', () => {
    const row = [
      '898310148160568',
      '10023456',
      '000001',
      '000001',
      '632010000001',
      'A00001',
      'SALE',
      'CARD_CHIP',
      '',
      '2026-11-20T10:00:00+08:00',
      '100',
      'CNY',
      '00',
      '',
      '',
    ];
    const path = writeTemp('one.csv', `${JOURNAL_HEADER.join(',')}\n${row.join(',')}\n`);
    const plan = planFile(path, 'journal', 1, 1 << 20);
    const expectedWith = (merchantsCsv: string): string => {
      const r = scan({
        chunk: 0,
        side: 'journal',
        fields: plan.columns.fields,
        state: false,
        fileNo: 1,
        runDay: 20_777,
        partitions: 1,
        grace: 1,
        calendar: loadCalendar(undefined).spec,
        merchants: parseMerchants(merchantsCsv, 'm.csv'),
        source: { path: plan.path, start: plan.chunks[0]!.start, end: plan.chunks[0]!.end },
      });
      return formatIsoDate(r.batches[0]!.expected[0]!);
    };
    // Same count, same byte length, same first and last byte: only the middle of the id differs.
    const a = 'merchant_id,cycle,mdr_bps,fee_cap_minor\n898310148160568,D1,,\n898310148160999,T1,,\n';
    const b = 'merchant_id,cycle,mdr_bps,fee_cap_minor\n898310148160598,D1,,\n898310148160999,T1,,\n';
    expect(expectedWith(a)).toBe('2026-11-21'); // D1: Friday + 1
    expect(expectedWith(b)).toBe('2026-11-23'); // not listed: T1, next working day
  });
});
