/**
 * The engine's WorkCalendar (src/core/dates.ts, lookup tables) and the generator's GenCalendar
 * (data-gen/gen-calendar.ts, one day at a time) agree on every day each calendar covers: working
 * days, next working days, expected settle dates of each cycle, deadlines, days late and business
 * dates around the cutoff. The chain tests hold the engine to the generator's truth; this holds the
 * two date rules to each other, so a mistake in either fails here, by date.
 */
import { describe, expect, it } from 'vitest';
import { GenCalendar } from '../../data-gen/gen-calendar.js';
import { type CalendarSpec, CYCLE_D1, CYCLE_T0, CYCLE_T1, formatIsoDate, WorkCalendar } from '../../src/core/dates.js';
import { packagePath } from '../../src/core/package-path.js';
import { loadCalendar } from '../../src/inputs/calendar.js';

const FIXTURES = ['test/fixtures/calendar-autumn-2026.json', 'test/fixtures/calendar-newyear-2027.json'];

const DAY_MS = 86_400_000;
/** Grace values the deadline is compared for. */
const GRACES = [0, 1, 2, 3];
/** How far past the expected settle date days late are compared. */
const LATE_SPAN = 20;
/** Local times of day (seconds) the business date is compared at: midnight, around the cutoff, the last second. */
const TIMES_OF_DAY = (cutoff: number): number[] => [0, 1, 12 * 3600, cutoff - 1, cutoff, cutoff + 1, 86_399];

/** An answer: a date (YYYY-MM-DD, or 'outside' the covered span), a count or a yes/no. */
type Answer = string | number | boolean;

/** Every disagreement of the two on the span `spec` covers, one line each (none when they agree everywhere). */
function disagreements(engine: WorkCalendar, gen: GenCalendar, spec: CalendarSpec): string[] {
  const [first, last] = spec.covers;
  /** The engine answers outside the span too (by weekday); the generator refuses such a date, as a run does. */
  const engineOr = (d: number): Answer => (d >= first && d <= last ? formatIsoDate(d) : 'outside');
  const genOr = (f: () => number): Answer => {
    try {
      return formatIsoDate(f());
    } catch (e) {
      if (/outside the calendar/.test((e as Error).message)) return 'outside';
      throw e;
    }
  };
  const out: string[] = [];
  const check = (d: number, what: string, want: Answer, got: Answer): void => {
    if (want !== got) out.push(`${formatIsoDate(d)} ${what}: engine ${String(want)}, generator ${String(got)}`);
  };
  for (let d = first; d <= last; d++) {
    check(d, 'working day', engine.isWorkingDay(d), gen.isWorkingDay(d));
    check(
      d,
      'next working day',
      engineOr(engine.nextWorkingDay(d)),
      genOr(() => gen.nextWorkingDay(d)),
    );
    for (const [name, cycle] of CYCLES)
      check(
        d,
        `expected settle ${name}`,
        engineOr(engine.expectedSettle(d, cycle)),
        genOr(() => gen.expectedSettle(d, cycle)),
      );
    for (const g of GRACES)
      check(
        d,
        `deadline grace ${g}`,
        engineOr(engine.deadline(d, g)),
        genOr(() => gen.deadline(d, g)),
      );
    for (let s = Math.max(first, d - 2); s <= Math.min(last, d + LATE_SPAN); s++)
      check(d, `days late to ${formatIsoDate(s)}`, engine.daysLate(d, s), gen.daysLate(d, s));
    const localMidnight = d * DAY_MS - spec.zoneOffsetMinutes * 60_000;
    for (const t of TIMES_OF_DAY(spec.cutoffSeconds))
      for (const ms of [0, 999]) {
        const at = localMidnight + t * 1000 + ms;
        check(d, `business date at ${new Date(at).toISOString()}`, engine.businessDate(at), gen.businessDate(at));
      }
  }
  return out;
}

const CYCLES = [
  ['T1', CYCLE_T1],
  ['D1', CYCLE_D1],
  ['T0', CYCLE_T0],
] as const;

describe('the engine and the generator reckon dates alike', () => {
  for (const file of ['calendars/cn-mainland.json', ...FIXTURES]) {
    it(`on every day ${file} covers`, () => {
      const { spec, path } = loadCalendar(packagePath(file));
      expect(spec.covers[1] - spec.covers[0]).toBeGreaterThan(25);
      expect(disagreements(new WorkCalendar(spec), new GenCalendar(spec, path), spec)).toEqual([]);
    });
  }

  it('and the check names the date of a rule the two would not share', () => {
    // An engine that forgot the make-up working day of Sat 2026-10-10.
    const { spec, path } = loadCalendar(undefined);
    const forgetful = { ...spec, workdays: spec.workdays.filter((d) => formatIsoDate(d) !== '2026-10-10') };
    const found = disagreements(new WorkCalendar(forgetful), new GenCalendar(spec, path), spec);
    expect(found).toContain('2026-10-10 working day: engine false, generator true');
    expect(found).toContain('2026-10-09 expected settle T1: engine 2026-10-12, generator 2026-10-10');
  });
});
