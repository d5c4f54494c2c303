/**
 * `recon run --date D --replay`: redo D with the inputs given now, then every later date with the
 * inputs and options it was run with, in order, in one transaction (DESIGN §7: a run for an older
 * date is refused without it, because every later run built on the state D left).
 *
 * Later dates re-read their recorded files; a file that is gone or whose content changed stops the
 * replay before anything is committed.
 */
import type { Profile } from '../core/profile.js';
import { UsageError } from '../core/usage-error.js';
import { InputError } from '../inputs/errors.js';
import { loadProfile, OWN_FORMAT } from '../inputs/profiles/profile-file.js';
import { isZipFile, listZip, pickEntry, sha256OfZipEntry } from '../inputs/zip.js';
import { RECON_LOCK_KEY } from '../store/migrate.js';
import { replayHorizon } from '../store/retention.js';
import { runDates, undoRun } from '../store/run-store.js';
import type { Store } from '../store/store.js';
import { type FilledRunOptions, fillRunOptions } from './options.js';
import { createPool } from './pool.js';
import { sha256OfFile } from './recorded-options.js';
import { type RunDeps, runDay } from './run-day.js';
import type { RunSummary } from './summary.js';

interface RecordedRun {
  date: string;
  journal: string[];
  clearing: string[];
  payout: string[];
  shas: Map<string, string>;
  options: {
    grace?: number;
    amountTolerance?: number;
    windowDays?: number;
    keepRuns?: number;
    maxRejects?: string;
    /** Not recorded by runs before issue 23: the replay's own --max-inflate-ratio then. */
    maxInflateRatio?: number;
    calendar?: string | null;
    calendarSha256?: string | null;
    merchants?: string | null;
    merchantsSha256?: string | null;
    journalFormat?: string;
    journalFormatSha256?: string | null;
    clearingFormat?: string;
    clearingFormatSha256?: string | null;
    /** Not recorded by runs before the payout leg (issue 27): recon's own layout then. */
    payoutFormat?: string;
    payoutFormatSha256?: string | null;
    force?: boolean;
  };
}

async function recorded(tx: Store, date: string): Promise<RecordedRun> {
  const files = await tx.query<{ side: string; path: string; sha256: string }>(
    'select side, path, sha256 from recon.input_file where run_date = $1::date order by file_no',
    [date],
  );
  const run = await tx.query<{ options: RecordedRun['options'] | string }>(
    'select options from recon.run where run_date = $1::date',
    [date],
  );
  const raw = run[0]?.options ?? {};
  const options = (typeof raw === 'string' ? JSON.parse(raw) : raw) as RecordedRun['options'];
  return {
    date,
    journal: files.filter((f) => f.side === 'journal').map((f) => f.path),
    clearing: files.filter((f) => f.side === 'clearing').map((f) => f.path),
    payout: files.filter((f) => f.side === 'payout').map((f) => f.path),
    shas: new Map(files.map((f) => [f.path, f.sha256])),
    options,
  };
}

export async function replay(store: Store, first: FilledRunOptions, deps: RunDeps = {}): Promise<RunSummary[]> {
  const pool = deps.pool ?? createPool(first.workers, first.fault);
  try {
    return await store.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [RECON_LOCK_KEY]);
      await checkReach(tx, first.date);
      const dates = await runDates(tx, first.date);
      const later: RecordedRun[] = [];
      for (const d of dates) if (d > first.date) later.push(await recorded(tx, d));
      // The recorded files must still be there, unchanged, before anything is taken back.
      for (const r of later) {
        // Its merchants file, calendar and profile files first: a profile names the zip entries.
        for (const [path, sha, what] of [
          [r.options.merchants, r.options.merchantsSha256, 'merchants file'],
          [r.options.calendar, r.options.calendarSha256, 'calendar'],
          [r.options.journalFormat, r.options.journalFormatSha256, 'journal profile'],
          [r.options.clearingFormat, r.options.clearingFormatSha256, 'clearing profile'],
          [r.options.payoutFormat, r.options.payoutFormatSha256, 'payout profile'],
        ] as const) {
          if (!path || !sha) continue;
          let now: string;
          try {
            now = sha256OfFile(path);
          } catch (e) {
            throw unreadable(path, r.date, `${what} is not readable`, e);
          }
          if (now !== sha)
            throw new InputError(
              path,
              `cannot replay ${r.date}: its ${what} changed since that run; restore it, or re-run the dates one by one`,
            );
        }
        const zipEntryOf = (format: string | undefined): { pattern: RegExp; name: string } | undefined => {
          if (format === undefined || format === OWN_FORMAT) return undefined;
          let profile: Profile;
          try {
            profile = loadProfile(format);
          } catch (e) {
            throw unreadable(format, r.date, 'input profile cannot be loaded', e);
          }
          return profile.container === 'zip' ? { pattern: profile.zipEntry!, name: profile.name } : undefined;
        };
        const entries = {
          journal: zipEntryOf(r.options.journalFormat),
          clearing: zipEntryOf(r.options.clearingFormat),
          payout: zipEntryOf(r.options.payoutFormat),
        };
        for (const [side, path] of [
          ...r.journal.map((p) => ['journal', p] as const),
          ...r.clearing.map((p) => ['clearing', p] as const),
          ...r.payout.map((p) => ['payout', p] as const),
        ]) {
          let sha: string;
          try {
            // A zip input's fingerprint is its profile's entry's, as the run took it.
            const entry = entries[side];
            sha =
              entry && isZipFile(path)
                ? await sha256OfZipEntry(
                    path,
                    pickEntry(listZip(path, path), entry.pattern, path, entry.name),
                    path,
                    r.options.maxInflateRatio ?? first.maxInflateRatio,
                  )
                : ((await pool.run(path, { name: 'hashFile' })) as string);
          } catch (e) {
            throw unreadable(path, r.date, 'input file is not readable', e);
          }
          if (sha !== r.shas.get(path))
            throw new InputError(path, `cannot replay ${r.date}: its input file changed since that run`);
        }
      }
      for (const d of [...dates].reverse()) await undoRun(tx, d);
      const out: RunSummary[] = [await runDay(tx, first, { ...deps, pool })];
      for (const r of later) {
        const o = r.options;
        const options = fillRunOptions({
          date: r.date,
          journal: r.journal,
          clearing: r.clearing,
          payout: r.payout,
          merchants: o.merchants ?? undefined,
          calendar: o.calendar ?? undefined,
          ...(o.journalFormat !== undefined ? { journalFormat: o.journalFormat } : {}),
          ...(o.clearingFormat !== undefined ? { clearingFormat: o.clearingFormat } : {}),
          ...(o.payoutFormat !== undefined ? { payoutFormat: o.payoutFormat } : {}),
          workers: first.workers,
          partitions: first.partitions,
          chunkBytes: first.chunkBytes,
          memory: first.memoryText,
          spillDir: first.spillDir,
          maxInflateRatio: o.maxInflateRatio ?? first.maxInflateRatio,
          ...(o.grace !== undefined ? { grace: o.grace } : {}),
          ...(o.amountTolerance !== undefined ? { amountTolerance: o.amountTolerance } : {}),
          ...(o.windowDays !== undefined ? { windowDays: o.windowDays } : {}),
          ...(o.keepRuns !== undefined ? { keepRuns: o.keepRuns } : {}),
          ...(o.maxRejects !== undefined ? { maxRejects: o.maxRejects } : {}),
          force: o.force ?? false,
          fault: first.fault,
        });
        out.push(await runDay(tx, options, { ...deps, pool }));
      }
      return out;
    });
  } finally {
    if (!deps.pool) await pool.destroy();
  }
}

/**
 * Refuses a replay from before what the store keeps (retention.ts): the open items it would start
 * from, and the undo logs of the runs after it, were pruned.
 */
export async function checkReach(tx: Store, date: string): Promise<void> {
  const h = await replayHorizon(tx);
  if (h?.replayFrom && date < h.replayFrom)
    throw new UsageError(
      `cannot replay from ${date}: the store keeps what a replay needs from ${h.replayFrom} on (the run of ${h.latest} pruned the rest; --keep-runs sets how many runs stay replayable). Replay from ${h.replayFrom} or later`,
    );
}

/** A replay of `date` refused: what it ran with (at `path`) cannot be read now; `e` says why. */
function unreadable(path: string, date: string, what: string, e: unknown): InputError {
  return new InputError(path, `cannot replay ${date}: its ${what} (${(e as Error).message})`, undefined, undefined, {
    cause: e,
  });
}
