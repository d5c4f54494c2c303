/**
 * The generator's own dates (DESIGN §4), written apart from the engine's WorkCalendar
 * (src/core/dates.ts) on purpose: the chain tests compare the engine's findings with the truth the
 * generator derives from these dates, so a wrong date rule shows as a difference instead of being
 * wrong on both sides. Plain rather than fast: a day's weekday comes from JS Date (UTC), the next
 * working day is found by stepping one day at a time, days late are counted one by one. Only the
 * calendar file's reading (parseCalendar: its dates as epoch days) is shared with the engine.
 *
 * Checked by test/unit/gen-calendar.test.ts against a hand-checked table of the shipped calendar,
 * and against WorkCalendar over every day the calendar covers.
 *
 * Vocabulary
 * - day: an epoch day (whole days since 1970-01-01), as every date in recon.
 * - working day: Mon–Fri not in `holidays`, or any day in `workdays` (weekend make-up days, 调休).
 * - covered: inside the calendar's `covers` span. Every date the truth rests on (business dates,
 *   expected settle dates, deadlines, settle dates) must be covered, as in a run (DESIGN §3.3), or
 *   generation stops with the run's message naming the calendar and how to extend it.
 */
import { type CalendarSpec, CYCLE_D1, CYCLE_T0, CYCLE_T1 } from '../src/core/dates.js';
import { type CalendarNeed, outsideCalendar } from '../src/inputs/calendar.js';

const DAY_MS = 86_400_000;
/** Longest run of non-working days the stepping tolerates before it calls the calendar broken. */
const MAX_DAYS_OFF = 366;

export class GenCalendar {
  private readonly holidays: ReadonlySet<number>;
  private readonly workdays: ReadonlySet<number>;

  constructor(
    private readonly spec: CalendarSpec,
    /** The calendar's file, named when a date falls outside what it covers. */
    private readonly path: string,
  ) {
    this.holidays = new Set(spec.holidays);
    this.workdays = new Set(spec.workdays);
  }

  /** 0 = Sunday … 6 = Saturday. */
  static weekday(day: number): number {
    return new Date(day * DAY_MS).getUTCDay();
  }

  /** Whether `day` is a working day (it must be covered). */
  isWorkingDay(day: number): boolean {
    return this.working(this.need(day, 'business date'));
  }

  /** The first working day strictly after `day`. */
  nextWorkingDay(day: number): number {
    return this.need(this.after(this.need(day, 'business date')), 'expected settle date or deadline');
  }

  /** The business date of an instant (epoch ms): its local date, plus one day at or after the cutoff. */
  businessDate(epochMs: number): number {
    const local = new Date(epochMs + this.spec.zoneOffsetMinutes * 60_000);
    const date = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) / DAY_MS;
    const seconds = local.getUTCHours() * 3600 + local.getUTCMinutes() * 60 + local.getUTCSeconds();
    return seconds >= this.spec.cutoffSeconds ? date + 1 : date;
  }

  /** T1: the next working day; D1: the next day; T0: the business date if it is a working day, else the next one. */
  expectedSettle(businessDate: number, cycle: number): number {
    const b = this.need(businessDate, 'business date');
    let e: number;
    if (cycle === CYCLE_D1) e = b + 1;
    else if (cycle === CYCLE_T0 && this.working(b)) e = b;
    else if (cycle === CYCLE_T0 || cycle === CYCLE_T1) e = this.after(b);
    else throw new Error(`unknown settlement cycle ${cycle}`);
    return this.need(e, 'expected settle date or deadline');
  }

  /** The expected settle date plus `grace` working days. */
  deadline(expected: number, grace: number): number {
    let d = expected;
    for (let i = 0; i < grace; i++) d = this.after(d);
    return this.need(d, 'expected settle date or deadline');
  }

  /** The working days d with expected < d ≤ settle, counted one by one. */
  daysLate(expected: number, settle: number): number {
    this.need(settle, 'settle date');
    let n = 0;
    for (let d = expected + 1; d <= settle; d++) if (this.working(d)) n++;
    return n;
  }

  private working(day: number): boolean {
    if (this.workdays.has(day)) return true;
    if (this.holidays.has(day)) return false;
    const wd = GenCalendar.weekday(day);
    return wd >= 1 && wd <= 5;
  }

  private after(day: number): number {
    for (let d = day + 1; d <= day + MAX_DAYS_OFF; d++) if (this.working(d)) return d;
    throw new Error(`the calendar ${this.path} has no working day in the year after day ${day}`);
  }

  private need(day: number, what: CalendarNeed): number {
    const [first, last] = this.spec.covers;
    if (day < first || day > last) throw outsideCalendar(day, what, this.spec, this.path, 'recon gen');
    return day;
  }
}
