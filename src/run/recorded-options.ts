/**
 * The options a run records with its run row (recon.run.options), which a replay reads back to redo
 * the run as it was (replay.ts): the matching settings, and the reference files with their sha256,
 * so that a replay can tell one changed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FilledRunOptions } from '../config.js';
import type { CalendarSpec } from '../core/dates.js';

export function recordedOptions(options: FilledRunOptions, calendar: CalendarSpec) {
  return {
    grace: options.grace,
    amountTolerance: options.amountTolerance,
    windowDays: options.windowDays,
    maxRejects: options.maxRejectsText,
    memory: options.memoryText,
    zoneOffsetMinutes: calendar.zoneOffsetMinutes,
    calendar: options.calendar ? resolve(options.calendar) : null,
    calendarSha256: options.calendar ? sha256OfFile(options.calendar) : null,
    merchants: options.merchants ? resolve(options.merchants) : null,
    merchantsSha256: options.merchants ? sha256OfFile(options.merchants) : null,
    force: options.force,
  };
}

/** sha256 of a small reference file (merchants, calendar), recorded so a replay can tell it changed. */
export function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
