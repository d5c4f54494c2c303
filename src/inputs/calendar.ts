/**
 * Reads a calendar file (DESIGN §3.3): `{ "zone": "+08:00", "cutoff": "23:00", "holidays": […],
 * "workdays": […], "covers": [first, last] }`. The project ships one for mainland China
 * (calendars/cn-mainland.json); a date a run needs outside `covers` stops the run (outsideCalendar).
 */
import { readFileSync } from 'node:fs';
import { type CalendarSpec, formatIsoDate, parseIsoDate } from '../core/dates.js';
import { packagePath } from '../core/package-path.js';
import { UsageError } from '../core/usage-error.js';
import { InputError } from './errors.js';

export const DEFAULT_CALENDAR = 'calendars/cn-mainland.json';

export function defaultCalendarPath(): string {
  return packagePath(DEFAULT_CALENDAR);
}

/** Parses "+08:00" / "-05:30" / "Z" into minutes east of UTC; NaN when malformed. */
export function parseZone(s: string): number {
  if (s === 'Z' || s === '+00:00') return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(s);
  if (!m) return NaN;
  const v = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[2]) > 14 || Number(m[3]) > 59) return NaN;
  return m[1] === '-' ? -v : v;
}

export function parseCalendar(json: unknown, file: string): CalendarSpec {
  const fail = (reason: string): never => {
    throw new InputError(file, reason);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('a calendar is a JSON object');
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['zone', 'cutoff', 'holidays', 'workdays', 'covers', 'name', 'source'].includes(k)) fail(`unknown key "${k}"`);
  }
  const zone = typeof o.zone === 'string' ? parseZone(o.zone) : NaN;
  if (Number.isNaN(zone)) fail('"zone" must be a UTC offset such as "+08:00"');
  const cm = typeof o.cutoff === 'string' ? /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(o.cutoff) : null;
  if (!cm || Number(cm[1]) > 24 || Number(cm[2]) > 59 || Number(cm[3] ?? 0) > 59)
    fail('"cutoff" must be a local time such as "23:00"');
  const cutoffSeconds = Number(cm![1]) * 3600 + Number(cm![2]) * 60 + Number(cm![3] ?? 0);
  if (cutoffSeconds > 86_400) fail('"cutoff" must be at most 24:00');
  const days = (key: string): number[] => {
    const v = o[key] ?? [];
    if (!Array.isArray(v)) return fail(`"${key}" must be an array of dates`);
    return v.map((d) => {
      const day = typeof d === 'string' ? parseIsoDate(d) : NaN;
      if (Number.isNaN(day)) fail(`"${key}" holds ${JSON.stringify(d)}, not a date YYYY-MM-DD between 2000 and 2099`);
      return day;
    });
  };
  const holidays = days('holidays');
  const workdays = days('workdays');
  if (o.covers === undefined) {
    fail(
      '"covers" is missing: give the first and last date whose holidays and make-up working days the file lists, such as ["2025-01-01", "2026-12-31"]',
    );
  }
  const covers = days('covers');
  if (covers.length !== 2 || covers[0]! > covers[1]!) {
    fail('"covers" must be two dates, the first and the last the file lists holidays for, in order');
  }
  const [first, last] = covers as [number, number];
  for (const [key, list] of [
    ['holidays', holidays],
    ['workdays', workdays],
  ] as const) {
    const out = list.find((d) => d < first || d > last);
    if (out !== undefined)
      fail(`"${key}" holds ${formatIsoDate(out)}, outside "covers" (${formatIsoDate(first)}..${formatIsoDate(last)})`);
  }
  return { zoneOffsetMinutes: zone, cutoffSeconds, holidays, workdays, covers: [first, last] };
}

export function loadCalendar(file: string | undefined): { spec: CalendarSpec; path: string } {
  const path = file ?? defaultCalendarPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot read the calendar: ${(e as Error).message}`, undefined, undefined, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `not valid JSON: ${(e as Error).message}`, undefined, undefined, { cause: e });
  }
  return { spec: parseCalendar(json, path), path };
}

/** What a run or the generator needed a date for, in messages. */
export type CalendarNeed = 'business date' | 'expected settle date or deadline' | 'settle date';

/**
 * The error of a date a run (or the generator) needs outside the calendar's covered span: the run
 * stops before anything is committed (exit 2), naming the calendar and how to extend it.
 */
export function outsideCalendar(
  day: number,
  need: CalendarNeed,
  spec: CalendarSpec,
  path: string,
  who = 'the run',
): UsageError {
  const [first, last] = spec.covers;
  const year = formatIsoDate(day).slice(0, 4);
  const how =
    day > last
      ? `add the ${year} public holidays and make-up working days to it and move the end of "covers" to ${year}-12-31`
      : `add the ${year} public holidays and make-up working days to it and move the start of "covers" to ${year}-01-01`;
  return new UsageError(
    `${who} needs ${formatIsoDate(day)} (${/^[aeiou]/.test(need) ? 'an' : 'a'} ${need}), outside the calendar ${path}, which covers ${formatIsoDate(first)}..${formatIsoDate(last)}: ${how}, or pass --calendar with a file that does (README "Calendars")`,
  );
}
