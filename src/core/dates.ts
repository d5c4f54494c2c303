/**
 * Dates as the engine sees them (DESIGN §4).
 *
 * Vocabulary
 * - epoch day: whole days since 1970-01-01 (Arrow Date32). Every date in the engine is one.
 * - local: wall-clock time in the calendar's zone (a fixed UTC offset, e.g. +08:00).
 * - business date: the local date of txn_time, plus one day when the local time is at or after the
 *   cutoff (a 23:30 sale belongs to tomorrow's settlement day).
 * - working day: Mon–Fri not listed in `holidays`, or any day listed in `workdays` (weekend make-up
 *   working days, 调休).
 *
 * Working-day arithmetic runs on lookup tables over a fixed span of days, so the hot path never
 * loops over a calendar: `prefix[d]` counts working days up to d, `next[d]` is the first working day
 * after d. Pure code: used by the scan and join workers and by the coordinator.
 */

export const MS_PER_DAY = 86_400_000;

/** First epoch day the tables cover: 2000-01-01. Dates before it are rejected as input errors. */
export const FIRST_DAY = 10_957;
/** One past the last covered epoch day: 2100-01-01. */
export const END_DAY = 47_482;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Year, month (1–12) and day of an epoch day, packed as y*10000 + m*100 + d (no allocation). */
export function civilFromDays(z: number): number {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10_000 + m * 100 + d;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** `YYYY-MM-DD` → epoch day, or NaN when it is not a valid date in the covered span. */
export function parseIsoDate(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  const day = daysFromCivil(y, mo, d);
  return day >= FIRST_DAY && day < END_DAY ? day : NaN;
}

export function formatIsoDate(day: number): string {
  const c = civilFromDays(day);
  const y = Math.floor(c / 10_000);
  const m = Math.floor(c / 100) % 100;
  const d = c % 100;
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** The calendar as the user writes it (DESIGN §3.3), already validated. */
export interface CalendarSpec {
  /** Fixed UTC offset of local time, in minutes (+08:00 → 480). */
  readonly zoneOffsetMinutes: number;
  /** Local time of day, in seconds, at or after which a transaction belongs to the next business date. */
  readonly cutoffSeconds: number;
  /** Epoch days that are not working days although they fall on Mon–Fri (public holidays). */
  readonly holidays: readonly number[];
  /** Epoch days that are working days although they fall on Sat/Sun (make-up working days). */
  readonly workdays: readonly number[];
  /**
   * First and last epoch day (inclusive) whose holidays and make-up working days the calendar
   * lists. Outside it a weekday is not known to be a working day: a date a run needs there is an
   * error, never a guess (DESIGN §3.3).
   */
  readonly covers: readonly [number, number];
}

/** Settlement cycle of a merchant (DESIGN §3.3). Codes are stored in Uint8 columns. */
export const CYCLE_T1 = 0;
export const CYCLE_D1 = 1;
export const CYCLE_T0 = 2;

/** Lookup tables over [FIRST_DAY, END_DAY); index = epoch day − FIRST_DAY. */
export class WorkCalendar {
  readonly zoneOffsetMs: number;
  readonly cutoffMs: number;
  /** 1 when the day is a working day. */
  readonly isWork: Uint8Array;
  /** Number of working days in [FIRST_DAY, d]. */
  readonly prefix: Int32Array;
  /** First working epoch day strictly after d (END_DAY when none is covered). */
  readonly next: Int32Array;
  /** The span the calendar covers (CalendarSpec.covers), inclusive epoch days. */
  readonly first: number;
  readonly last: number;

  constructor(spec: CalendarSpec) {
    this.first = spec.covers[0];
    this.last = spec.covers[1];
    this.zoneOffsetMs = spec.zoneOffsetMinutes * 60_000;
    this.cutoffMs = spec.cutoffSeconds * 1000;
    const span = END_DAY - FIRST_DAY;
    const isWork = new Uint8Array(span);
    for (let i = 0; i < span; i++) {
      const wd = weekday(FIRST_DAY + i);
      isWork[i] = wd >= 1 && wd <= 5 ? 1 : 0;
    }
    for (const h of spec.holidays) if (h >= FIRST_DAY && h < END_DAY) isWork[h - FIRST_DAY] = 0;
    for (const w of spec.workdays) if (w >= FIRST_DAY && w < END_DAY) isWork[w - FIRST_DAY] = 1;
    const prefix = new Int32Array(span);
    let count = 0;
    for (let i = 0; i < span; i++) {
      count += isWork[i]!;
      prefix[i] = count;
    }
    const next = new Int32Array(span);
    let following = END_DAY;
    for (let i = span - 1; i >= 0; i--) {
      next[i] = following;
      if (isWork[i]) following = FIRST_DAY + i;
    }
    this.isWork = isWork;
    this.prefix = prefix;
    this.next = next;
  }

  /**
   * Whether a date derived with this calendar is right: lookups inside the covered span are exact,
   * and a result (next working day, expected settle date, deadline, days late up to a settle date)
   * that stays inside it was derived from covered days only.
   */
  covers(day: number): boolean {
    return day >= this.first && day <= this.last;
  }

  isWorkingDay(day: number): boolean {
    return this.isWork[day - FIRST_DAY] === 1;
  }

  /** First working day strictly after `day`. */
  nextWorkingDay(day: number): number {
    return this.next[day - FIRST_DAY]!;
  }

  /** Business date (epoch day) of an instant given in epoch milliseconds. */
  businessDate(epochMs: number): number {
    const local = epochMs + this.zoneOffsetMs;
    const day = Math.floor(local / MS_PER_DAY);
    return local - day * MS_PER_DAY >= this.cutoffMs ? day + 1 : day;
  }

  /** Expected settle (value) date of a business date under a merchant cycle. */
  expectedSettle(businessDate: number, cycle: number): number {
    if (cycle === CYCLE_D1) return businessDate + 1;
    if (cycle === CYCLE_T0 && this.isWork[businessDate - FIRST_DAY] === 1) return businessDate;
    return this.next[businessDate - FIRST_DAY]!;
  }

  /** Deadline of an open item: the expected settle date plus `grace` working days. */
  deadline(expected: number, grace: number): number {
    let d = expected;
    for (let i = 0; i < grace; i++) d = this.next[d - FIRST_DAY]!;
    return d;
  }

  /** Working days d with expected < d ≤ settle (0 when settle ≤ expected). */
  daysLate(expected: number, settle: number): number {
    if (settle <= expected) return 0;
    return this.prefix[settle - FIRST_DAY]! - this.prefix[expected - FIRST_DAY]!;
  }
}

/**
 * The WorkCalendar of a spec, built once per thread: tasks receive a structured clone of the spec
 * each time, so the cache knows it by content (and by object within a task, where one spec is
 * passed to many calls).
 */
let calendarCache: { spec: CalendarSpec; key: string; cal: WorkCalendar } | undefined;

export function workCalendarFor(spec: CalendarSpec): WorkCalendar {
  if (calendarCache?.spec === spec) return calendarCache.cal;
  const key = JSON.stringify(spec);
  calendarCache = { spec, key, cal: calendarCache?.key === key ? calendarCache.cal : new WorkCalendar(spec) };
  return calendarCache.cal;
}

/** Formats minutes east of UTC as "+08:00". */
export function formatZone(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
