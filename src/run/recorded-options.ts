/**
 * The options a run records with its run row (recon.run.options), which a replay reads back to redo
 * the run as it was (replay.ts): the matching settings, and the reference files with their sha256,
 * so that a replay can tell one changed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CalendarSpec } from '../core/dates.js';
import { OWN_FORMAT, SHIPPED_PROFILES } from '../inputs/profiles/profile-file.js';
import type { FilledRunOptions } from './options.js';

export function recordedOptions(options: FilledRunOptions, calendar: CalendarSpec) {
  return {
    grace: options.grace,
    amountTolerance: options.amountTolerance,
    windowDays: options.windowDays,
    keepRuns: options.keepRuns,
    maxRejects: options.maxRejectsText,
    memory: options.memoryText,
    // A replay reads the later dates' compressed inputs with the bound they were read with.
    maxInflateRatio: options.maxInflateRatio,
    zoneOffsetMinutes: calendar.zoneOffsetMinutes,
    calendar: options.calendar ? resolve(options.calendar) : null,
    calendarSha256: options.calendar ? sha256OfFile(options.calendar) : null,
    merchants: options.merchants ? resolve(options.merchants) : null,
    merchantsSha256: options.merchants ? sha256OfFile(options.merchants) : null,
    journalFormat: formatPath(options.journalFormat),
    journalFormatSha256: isNamedFormat(options.journalFormat) ? null : sha256OfFile(options.journalFormat),
    clearingFormat: formatPath(options.clearingFormat),
    clearingFormatSha256: isNamedFormat(options.clearingFormat) ? null : sha256OfFile(options.clearingFormat),
    payoutFormat: formatPath(options.payoutFormat),
    payoutFormatSha256: isNamedFormat(options.payoutFormat) ? null : sha256OfFile(options.payoutFormat),
    force: options.force,
  };
}

/** recon's own layout and the shipped profiles are named; any other format is a profile file. */
function isNamedFormat(format: string): boolean {
  return format === OWN_FORMAT || (SHIPPED_PROFILES as readonly string[]).includes(format);
}

function formatPath(format: string): string {
  return isNamedFormat(format) ? format : resolve(format);
}

/** sha256 of a small reference file (merchants, calendar), recorded so a replay can tell it changed. */
export function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
