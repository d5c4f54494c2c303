import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/core/byte-writer.js';
import {
  CYCLE_D1,
  CYCLE_T0,
  CYCLE_T1,
  civilFromDays,
  daysFromCivil,
  formatIsoDate,
  parseIsoDate,
  WorkCalendar,
  weekday,
} from '../../src/core/dates.js';
import { parseCalendar } from '../../src/inputs/calendar.js';

const d = (s: string): number => {
  const v = parseIsoDate(s);
  if (Number.isNaN(v)) throw new Error(s);
  return v;
};
const ms = (iso: string): number => Date.parse(iso);

// A fixture calendar: National Day 2026 (Oct 1–7 off; Sun Sep 20 and Sat Oct 10 are make-up working days).
const cal = new WorkCalendar(
  parseCalendar(
    {
      zone: '+08:00',
      cutoff: '23:00',
      holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
      workdays: ['2026-09-20', '2026-10-10'],
      covers: ['2026-09-01', '2026-12-31'],
    },
    'fixture',
  ),
);

describe('civil dates', () => {
  it('round-trips every day of 2000–2099 through epoch days', () => {
    for (let day = d('2000-01-01'); day < d('2099-12-31'); day += 1) {
      const c = civilFromDays(day);
      expect(daysFromCivil(Math.floor(c / 10000), Math.floor(c / 100) % 100, c % 100)).toBe(day);
    }
    expect(formatIsoDate(d('2024-02-29'))).toBe('2024-02-29');
    expect(weekday(d('2026-11-21'))).toBe(6); // a Saturday
  });

  it('are written by the COPY encoder exactly as formatIsoDate writes them, whatever its cache holds', () => {
    const w = new ByteWriter(16);
    const text = (d: number): string => {
      w.pos = 0;
      w.date(d);
      return new TextDecoder().decode(w.bytes());
    };
    const from = parseIsoDate('2000-01-01');
    const to = parseIsoDate('2099-12-31');
    for (let d = from; d <= to; d++) expect(text(d)).toBe(formatIsoDate(d));
    // Days that share a cache slot, interleaved.
    for (const d of [from + 5, from + 5 + 64, from + 5, from + 5 + 128, from + 5 + 64])
      expect(text(d)).toBe(formatIsoDate(d));
  });

  it('rejects impossible dates', () => {
    for (const s of ['2026-02-29', '2026-13-01', '2026-04-31', '26-01-01', '1999-12-31', '2026-1-1'])
      expect(parseIsoDate(s)).toBeNaN();
  });
});

describe('business date and cutoff', () => {
  it('is the local date before the cutoff and the next day at or after it', () => {
    expect(formatIsoDate(cal.businessDate(ms('2026-11-20T22:59:59+08:00')))).toBe('2026-11-20');
    expect(formatIsoDate(cal.businessDate(ms('2026-11-20T23:00:00+08:00')))).toBe('2026-11-21');
    expect(formatIsoDate(cal.businessDate(ms('2026-11-20T23:30:00+08:00')))).toBe('2026-11-21');
    // Given in another offset: 15:30Z is 23:30 in +08:00.
    expect(formatIsoDate(cal.businessDate(ms('2026-11-20T15:30:00Z')))).toBe('2026-11-21');
    expect(formatIsoDate(cal.businessDate(ms('2026-11-20T00:00:00+08:00')))).toBe('2026-11-20');
  });
});

describe('working days', () => {
  it('knows weekends, holidays and make-up working days', () => {
    expect(cal.isWorkingDay(d('2026-11-20'))).toBe(true); // Friday
    expect(cal.isWorkingDay(d('2026-11-21'))).toBe(false); // Saturday
    expect(cal.isWorkingDay(d('2026-10-01'))).toBe(false); // holiday on a Thursday
    expect(cal.isWorkingDay(d('2026-10-10'))).toBe(true); // make-up Saturday
    expect(cal.isWorkingDay(d('2026-09-20'))).toBe(true); // make-up Sunday
  });

  it('settles T1 on the next working day, D1 the next calendar day, T0 the same working day', () => {
    const next = (s: string, cycle: number): string => formatIsoDate(cal.expectedSettle(d(s), cycle));
    expect(next('2026-11-19', CYCLE_T1)).toBe('2026-11-20');
    expect(next('2026-11-20', CYCLE_T1)).toBe('2026-11-23'); // across the weekend
    expect(next('2026-09-30', CYCLE_T1)).toBe('2026-10-08'); // across the holiday
    expect(next('2026-10-09', CYCLE_T1)).toBe('2026-10-10'); // a make-up Saturday is a working day
    expect(next('2026-11-20', CYCLE_D1)).toBe('2026-11-21');
    expect(next('2026-11-20', CYCLE_T0)).toBe('2026-11-20');
    expect(next('2026-11-21', CYCLE_T0)).toBe('2026-11-23');
  });

  it('counts days_late in working days, so a weekend settle date can be on time', () => {
    expect(cal.daysLate(d('2026-11-20'), d('2026-11-21'))).toBe(0); // Saturday after a Friday
    expect(cal.daysLate(d('2026-11-20'), d('2026-11-22'))).toBe(0);
    expect(cal.daysLate(d('2026-11-20'), d('2026-11-23'))).toBe(1);
    expect(cal.daysLate(d('2026-11-20'), d('2026-11-20'))).toBe(0);
    expect(cal.daysLate(d('2026-11-20'), d('2026-11-19'))).toBe(0);
    expect(cal.daysLate(d('2026-09-30'), d('2026-10-09'))).toBe(2); // Oct 8 and 9, the holiday does not count
  });

  it('puts the deadline grace working days after the expected date', () => {
    expect(formatIsoDate(cal.deadline(d('2026-11-20'), 1))).toBe('2026-11-23');
    expect(formatIsoDate(cal.deadline(d('2026-11-20'), 0))).toBe('2026-11-20');
    expect(formatIsoDate(cal.deadline(d('2026-09-30'), 2))).toBe('2026-10-09');
  });
});

describe('calendar files', () => {
  it('names what is wrong', () => {
    expect(() => parseCalendar({ zone: '8', cutoff: '23:00' }, 'c.json')).toThrow(/c\.json: "zone"/);
    expect(() => parseCalendar({ zone: '+08:00', cutoff: '25:00' }, 'c.json')).toThrow(/cutoff/);
    expect(() => parseCalendar({ zone: '+08:00', cutoff: '23:00', holidays: ['2026-02-30'] }, 'c.json')).toThrow(
      /holidays.*2026-02-30/,
    );
    expect(() => parseCalendar({ zone: '+08:00', cutoff: '23:00', weekend: [] }, 'c.json')).toThrow(
      /unknown key "weekend"/,
    );
  });
});

describe('the span a calendar covers', () => {
  const base = { zone: '+08:00', cutoff: '23:00', holidays: ['2026-10-01'], workdays: [] };
  it('is required, in order, and holds every listed holiday and make-up working day', () => {
    expect(() => parseCalendar(base, 'c.json')).toThrow(/c\.json: "covers" is missing/);
    expect(() => parseCalendar({ ...base, covers: ['2026-12-31', '2026-01-01'] }, 'c.json')).toThrow(
      /"covers" must be two dates/,
    );
    expect(() => parseCalendar({ ...base, covers: ['2026-01-01'] }, 'c.json')).toThrow(/"covers" must be two dates/);
    expect(() => parseCalendar({ ...base, covers: ['2026-11-01', '2026-12-31'] }, 'c.json')).toThrow(
      /"holidays" holds 2026-10-01, outside "covers" \(2026-11-01\.\.2026-12-31\)/,
    );
    const spec = parseCalendar({ ...base, covers: ['2026-01-01', '2026-12-31'] }, 'c.json');
    expect(spec.covers).toEqual([d('2026-01-01'), d('2026-12-31')]);
  });

  it('tells which derived dates can be trusted: a deadline past the end is not', () => {
    expect([cal.covers(d('2026-09-01')), cal.covers(d('2026-12-31')), cal.covers(d('2027-01-01'))]).toEqual([
      true,
      true,
      false,
    ]);
    expect(cal.covers(d('2026-08-31'))).toBe(false);
    // Thu 2026-12-31, T1: expected Fri 2027-01-01 by the weekday rule alone, which the calendar cannot vouch for.
    expect(cal.covers(cal.expectedSettle(d('2026-12-31'), CYCLE_T1))).toBe(false);
    expect(cal.covers(cal.deadline(cal.expectedSettle(d('2026-12-29'), CYCLE_T1), 1))).toBe(true);
  });
});
