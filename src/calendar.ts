/**
 * Reads a calendar file (DESIGN §3.3): `{ "zone": "+08:00", "cutoff": "23:00", "holidays": […],
 * "workdays": […] }`. The project ships one for mainland China (calendars/cn-mainland.json).
 */
import { readFileSync } from 'node:fs';
import { type CalendarSpec, parseIsoDate } from './core/dates.js';
import { InputError } from './errors.js';
import { packagePath } from './paths.js';

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

/** Formats minutes east of UTC as "+08:00". */
export function formatZone(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function parseCalendar(json: unknown, file: string): CalendarSpec {
  const fail = (reason: string): never => {
    throw new InputError(file, reason);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('a calendar is a JSON object');
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['zone', 'cutoff', 'holidays', 'workdays', 'name', 'source'].includes(k)) fail(`unknown key "${k}"`);
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
  return { zoneOffsetMinutes: zone, cutoffSeconds, holidays: days('holidays'), workdays: days('workdays') };
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
