/**
 * The generator's own date arithmetic (data-gen/gen-calendar.ts) against a table checked by hand
 * from calendars/cn-mainland.json and a printed 2026 calendar (DESIGN §4). Dates are converted with
 * JS Date here, not with src/core/dates.ts, so the table does not lean on the engine either.
 *
 * The days the table rests on (2026):
 * - New Year: Thu Jan 1 – Sat Jan 3 off; Sun Jan 4 a make-up working day.
 * - Spring Festival: Sun Feb 15 – Mon Feb 23 off; Sat Feb 14 and Sat Feb 28 make-up working days.
 * - Mid-Autumn: Fri Sep 25 – Sun Sep 27 off; Sun Sep 20 a make-up working day.
 * - National Day: Thu Oct 1 – Wed Oct 7 off; Sat Oct 10 a make-up working day.
 * - An ordinary weekend: Fri Nov 20, Sat Nov 21, Sun Nov 22, Mon Nov 23.
 */
import { describe, expect, it } from 'vitest';
import { GenCalendar } from '../../data-gen/gen-calendar.js';
import { CYCLE_D1, CYCLE_T0, CYCLE_T1 } from '../../src/core/dates.js';
import { loadCalendar, parseCalendar } from '../../src/inputs/calendar.js';

const DAY_MS = 86_400_000;
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const iso = (d: number): string => new Date(d * DAY_MS).toISOString().slice(0, 10);

const shipped = loadCalendar(undefined);
const cal = new GenCalendar(shipped.spec, shipped.path);

describe("the generator's working days, by hand from the shipped calendar", () => {
  it('tells working days: weekdays, weekends, holidays and make-up days', () => {
    const table: [string, boolean][] = [
      ['2025-12-31', true], // Wed
      ['2026-01-01', false], // Thu, New Year
      ['2026-01-03', false], // Sat, New Year
      ['2026-01-04', true], // Sun, make-up
      ['2026-01-05', true], // Mon
      ['2026-02-13', true], // Fri
      ['2026-02-14', true], // Sat, make-up
      ['2026-02-15', false], // Sun, Spring Festival
      ['2026-02-16', false], // Mon, Spring Festival
      ['2026-02-23', false], // Mon, Spring Festival
      ['2026-02-24', true], // Tue
      ['2026-02-28', true], // Sat, make-up
      ['2026-03-01', false], // Sun
      ['2026-09-19', false], // Sat
      ['2026-09-20', true], // Sun, make-up
      ['2026-09-25', false], // Fri, Mid-Autumn
      ['2026-09-28', true], // Mon
      ['2026-09-30', true], // Wed
      ['2026-10-01', false], // Thu, National Day
      ['2026-10-05', false], // Mon, National Day
      ['2026-10-07', false], // Wed, National Day
      ['2026-10-08', true], // Thu
      ['2026-10-10', true], // Sat, make-up
      ['2026-10-11', false], // Sun
      ['2026-11-20', true], // Fri
      ['2026-11-21', false], // Sat
      ['2026-11-22', false], // Sun
      ['2026-11-23', true], // Mon
    ];
    expect(table.map(([d]) => [d, cal.isWorkingDay(day(d))])).toEqual(table);
  });

  it('finds the next working day across weekends, holidays and make-up days', () => {
    const table: [string, string][] = [
      ['2025-12-31', '2026-01-04'], // New Year off, Sun Jan 4 worked
      ['2026-01-04', '2026-01-05'],
      ['2026-02-13', '2026-02-14'], // Sat Feb 14 worked
      ['2026-02-14', '2026-02-24'], // nine days of Spring Festival
      ['2026-02-27', '2026-02-28'], // Sat Feb 28 worked
      ['2026-02-28', '2026-03-02'],
      ['2026-09-19', '2026-09-20'], // Sun Sep 20 worked
      ['2026-09-24', '2026-09-28'], // Mid-Autumn and a weekend
      ['2026-09-30', '2026-10-08'], // National Day
      ['2026-10-03', '2026-10-08'],
      ['2026-10-09', '2026-10-10'], // Sat Oct 10 worked
      ['2026-10-10', '2026-10-12'],
      ['2026-11-20', '2026-11-23'], // a weekend
      ['2026-11-21', '2026-11-23'],
    ];
    expect(table.map(([d]) => [d, iso(cal.nextWorkingDay(day(d)))])).toEqual(table);
  });

  it('rolls the business date at the 23:00 cutoff in the +08:00 zone', () => {
    const table: [string, string][] = [
      ['2026-09-30T22:59:59+08:00', '2026-09-30'],
      ['2026-09-30T23:00:00+08:00', '2026-10-01'], // at the cutoff: the next day
      ['2026-09-30T14:59:59.999Z', '2026-09-30'], // 22:59:59.999 local
      ['2026-09-30T15:00:00Z', '2026-10-01'], // 23:00 local
      ['2026-09-30T16:30:00Z', '2026-10-01'], // 00:30 on Oct 1 local: a UTC date of Sep 30
      ['2026-10-01T00:00:00+08:00', '2026-10-01'],
      ['2026-10-01T23:30:00+08:00', '2026-10-02'],
      ['2026-11-20T23:00:00+08:00', '2026-11-21'], // Friday night belongs to Saturday
      ['2026-12-31T23:00:00+08:00', '2027-01-01'], // past the covered span: not a check of its own
    ];
    expect(table.map(([t]) => [t, iso(cal.businessDate(Date.parse(t)))])).toEqual(table);
  });

  it('rolls the business date in another zone and at another cutoff', () => {
    const ny = new GenCalendar(
      parseCalendar({ zone: '-05:00', cutoff: '18:00', covers: ['2026-11-01', '2026-11-30'] }, 'fixture'),
      'fixture',
    );
    const table: [string, string][] = [
      ['2026-11-20T22:59:59Z', '2026-11-20'], // 17:59:59 local
      ['2026-11-20T23:00:00Z', '2026-11-21'], // 18:00 local
      ['2026-11-21T04:59:59Z', '2026-11-21'], // 23:59:59 on Nov 20 local, past the cutoff
      ['2026-11-21T05:00:00Z', '2026-11-21'], // midnight local
      ['2026-11-21T22:59:59Z', '2026-11-21'],
    ];
    expect(table.map(([t]) => [t, iso(ny.businessDate(Date.parse(t)))])).toEqual(table);
  });

  it('expects settlement by cycle: T1 the next working day, D1 the next day, T0 the same working day', () => {
    const table: [string, string, string, string][] = [
      // business date, T1, D1, T0
      ['2025-12-31', '2026-01-04', '2026-01-01', '2025-12-31'],
      ['2026-01-01', '2026-01-04', '2026-01-02', '2026-01-04'],
      ['2026-02-13', '2026-02-14', '2026-02-14', '2026-02-13'],
      ['2026-02-14', '2026-02-24', '2026-02-15', '2026-02-14'],
      ['2026-02-18', '2026-02-24', '2026-02-19', '2026-02-24'],
      ['2026-09-30', '2026-10-08', '2026-10-01', '2026-09-30'],
      ['2026-10-01', '2026-10-08', '2026-10-02', '2026-10-08'],
      ['2026-10-09', '2026-10-10', '2026-10-10', '2026-10-09'],
      ['2026-10-10', '2026-10-12', '2026-10-11', '2026-10-10'],
      ['2026-10-11', '2026-10-12', '2026-10-12', '2026-10-12'],
      ['2026-11-20', '2026-11-23', '2026-11-21', '2026-11-20'],
      ['2026-11-21', '2026-11-23', '2026-11-22', '2026-11-23'],
    ];
    const got = table.map(([b]) => [
      b,
      ...[CYCLE_T1, CYCLE_D1, CYCLE_T0].map((c) => iso(cal.expectedSettle(day(b), c))),
    ]);
    expect(got).toEqual(table);
  });

  it('puts the deadline grace working days after the expected settle date', () => {
    const table: [string, number, string][] = [
      // expected settle date, grace, deadline
      ['2026-10-08', 1, '2026-10-09'],
      ['2026-10-09', 1, '2026-10-10'], // Sat Oct 10 worked
      ['2026-10-02', 1, '2026-10-08'], // a D1 settle date on a holiday
      ['2026-10-02', 0, '2026-10-02'],
      ['2026-09-30', 2, '2026-10-09'],
      ['2026-02-14', 1, '2026-02-24'],
      ['2026-02-24', 1, '2026-02-25'],
      ['2026-11-20', 1, '2026-11-23'],
      ['2026-11-23', 1, '2026-11-24'],
      ['2026-11-20', 3, '2026-11-25'],
    ];
    expect(table.map(([e, g]) => [e, g, iso(cal.deadline(day(e), g))])).toEqual(table);
  });

  it('counts days late as the working days after the expected date up to the settle date', () => {
    const table: [string, string, number][] = [
      // expected, settle, days late
      ['2026-09-30', '2026-10-07', 0], // only holidays between: on time
      ['2026-09-30', '2026-10-08', 1],
      ['2026-10-08', '2026-10-12', 3], // Oct 9, Sat Oct 10 (make-up), Oct 12
      ['2026-10-09', '2026-10-11', 1], // Sat Oct 10 only
      ['2026-10-02', '2026-10-02', 0],
      ['2026-10-08', '2026-10-01', 0], // settled before it was expected
      ['2026-02-14', '2026-02-24', 1],
      ['2026-02-13', '2026-02-24', 2], // Sat Feb 14 and Feb 24
      ['2026-02-27', '2026-03-02', 2], // Sat Feb 28 (make-up) and Mon Mar 2
      ['2026-11-20', '2026-11-22', 0], // a weekend: on time
      ['2026-11-20', '2026-11-23', 1],
      ['2026-11-20', '2026-11-27', 5],
    ];
    expect(table.map(([e, s]) => [e, s, cal.daysLate(day(e), day(s))])).toEqual(table);
  });

  it('refuses a date outside the span the calendar covers, naming it', () => {
    expect(() => cal.expectedSettle(day('2026-12-31'), CYCLE_T1)).toThrow(
      /^recon gen needs 2027-01-01 \(an expected settle date or deadline\), outside the calendar .*cn-mainland\.json, which covers 2025-01-01\.\.2026-12-31/,
    );
    expect(iso(cal.expectedSettle(day('2026-12-30'), CYCLE_T1))).toBe('2026-12-31');
    expect(() => cal.deadline(day('2026-12-31'), 1)).toThrow(
      /needs 2027-01-01 \(an expected settle date or deadline\)/,
    );
    expect(() => cal.isWorkingDay(day('2024-12-31'))).toThrow(/needs 2024-12-31 \(a business date\)/);
    expect(() => cal.daysLate(day('2026-12-30'), day('2027-01-04'))).toThrow(/needs 2027-01-04 \(a settle date\)/);
  });
});
