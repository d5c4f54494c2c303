/**
 * Stage 1, plan (DESIGN §9 step 1): the calendar and the merchants file loaded; every input file's
 * header checked and the file cut into byte ranges (plan-file.ts), a gzip input first decompressed
 * into a private directory; a file given twice refused. A side without a file is a warning.
 */
import { join } from 'node:path';
import type { CalendarSpec } from '../core/dates.js';
import { isGzipFile } from '../core/gzip-file.js';
import { emptyMerchants, type MerchantTable } from '../core/merchants.js';
import type { Profile } from '../core/profile.js';
import type { Side } from '../core/schema.js';
import { UsageError } from '../core/usage-error.js';
import { loadCalendar } from '../inputs/calendar.js';
import { gunzipFile } from '../inputs/gunzip-input.js';
import { loadMerchants } from '../inputs/merchants-file.js';
import { loadProfile, OWN_FORMAT } from '../inputs/profiles/profile-file.js';
import { extractZipEntry, isZipFile, listZip, pickEntry } from '../inputs/zip.js';
import type { FilledRunOptions } from './options.js';
import { type FilePlan, planFile } from './plan-file.js';
import type { Progress } from './progress.js';
import type { TempDirs } from './temp-dirs.js';

export interface PlannedInputs {
  readonly calendar: CalendarSpec;
  /** The calendar file read (the shipped one when --calendar is not given), for messages. */
  readonly calendarPath: string;
  readonly merchants: MerchantTable;
  /** Journal files, then clearing files, then payout files, as given; numbered from 1. */
  readonly plans: readonly FilePlan[];
}

/**
 * Plans the run's inputs. Takes the parts of the run's context (context.ts RunContext) that exist
 * before its inputs do.
 */
export async function planInputs(run: {
  readonly options: FilledRunOptions;
  readonly progress: Progress;
  readonly warnings: string[];
  readonly temp: TempDirs;
}): Promise<PlannedInputs> {
  const { options, progress, temp } = run;
  progress.stage('checking inputs');
  const { spec: calendar, path: calendarPath } = loadCalendar(options.calendar);
  const merchants = options.merchants ? loadMerchants(options.merchants) : emptyMerchants();
  const profiles: Record<Side, Profile | null> = {
    journal: options.journalFormat === OWN_FORMAT ? null : loadProfile(options.journalFormat),
    clearing: options.clearingFormat === OWN_FORMAT ? null : loadProfile(options.clearingFormat),
    payout: options.payoutFormat === OWN_FORMAT ? null : loadProfile(options.payoutFormat),
  };
  for (const side of ['journal', 'clearing', 'payout'] as const) {
    const p = profiles[side];
    if (p && p.side !== side)
      throw new UsageError(`--${side}-format ${p.name}: that profile reads ${p.side} files, not ${side} files`);
  }
  const plans: FilePlan[] = [];
  try {
    let gunzipDir: string | undefined;
    let unzipDir: string | undefined;
    let fileNo = 1;
    for (const [side, paths] of [
      ['journal', options.journal],
      ['clearing', options.clearing],
      ['payout', options.payout],
    ] as const) {
      for (const p of paths) {
        let readFrom = p;
        if (isGzipInput(p)) {
          gunzipDir ??= temp.make('recon-gunzip-', `to decompress ${p}`);
          progress.stage(`decompressing ${p}`);
          readFrom = join(gunzipDir, `${fileNo}.csv`);
          await gunzipFile(p, readFrom, p, options.maxInflateRatio);
        }
        const profile = profiles[side];
        if (profile?.container === 'zip' && isZipFile(readFrom)) {
          // The profile's entry of the archive, extracted (a file already extracted is read as it is).
          const entry = pickEntry(listZip(readFrom, p), profile.zipEntry!, p, profile.name);
          unzipDir ??= temp.make('recon-unzip-', `to extract ${p}`);
          progress.stage(`extracting ${entry.name} from ${p}`);
          const into = join(unzipDir, `${fileNo}.csv`);
          await extractZipEntry(readFrom, entry, into, p, options.maxInflateRatio);
          readFrom = into;
        }
        plans.push(
          planFile(
            p,
            side,
            fileNo++,
            options.chunkBytes,
            readFrom,
            profile ? { profile, runDay: options.runDay, merchants } : undefined,
          ),
        );
      }
    }
    const seenPath = new Map<string, string>();
    for (const p of plans) {
      const before = seenPath.get(p.path);
      if (before) throw new UsageError(`${p.shown} is given twice (also as ${before})`);
      seenPath.set(p.path, p.shown);
    }
  } catch (e) {
    temp.removeAll();
    throw e;
  }
  if (options.journal.length === 0)
    run.warnings.push(`no journal file for ${options.date}: clearing rows wait for late journals`);
  if (options.clearing.length === 0) run.warnings.push(`no clearing file for ${options.date}`);
  return { calendar, calendarPath, merchants, plans };
}

/** Whether an input is gzip-compressed; false when it cannot be read (planning says why). */
function isGzipInput(path: string): boolean {
  try {
    return isGzipFile(path);
  } catch {
    return false;
  }
}
