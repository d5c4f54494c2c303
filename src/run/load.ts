/**
 * Stage 3, load, the first in the run's transaction: the store lock taken; the chain checked (a date
 * before the latest run is refused, a re-run of the latest date first takes that run back); the
 * previous run's open items read with
 * COPY … TO as CSV bytes; and what the scan must check for copies of journal rows the window holds
 * (journal-window.ts).
 */
import type { CopyCheck } from '../core/tasks.js';
import { UsageError } from '../core/usage-error.js';
import { RECON_LOCK_KEY } from '../store/migrate.js';
import { replayHorizon } from '../store/retention.js';
import { latestRun, loadOpenItems, undoRun } from '../store/run-store.js';
import type { Store } from '../store/store.js';
import type { RunContext } from './context.js';
import { JournalWindow } from './journal-window.js';

export interface Loaded {
  /** Whether the date had a run, now taken back. */
  readonly rerun: boolean;
  /** The previous run's open journal items: CSV with a header line, in shared memory. */
  readonly openJournal: Uint8Array;
  /** The previous run's open clearing items, the same way. */
  readonly openClearing: Uint8Array;
  /** The journal window of earlier runs; this run's segments are added to it. */
  readonly window: JournalWindow;
  /** Which new journal rows the scan returns the keys of, to be checked for copies before matching. */
  readonly copyCheck: CopyCheck | undefined;
}

export async function load(run: RunContext, tx: Store): Promise<Loaded> {
  const { options, progress } = run;
  const { date, runDay } = options;
  progress.stage('waiting for the store lock');
  await tx.query('select pg_advisory_xact_lock($1)', [RECON_LOCK_KEY]);
  const latest = await latestRun(tx);
  if (latest !== null && date < latest) {
    const h = await replayHorizon(tx);
    if (h?.replayFrom && date < h.replayFrom)
      throw new UsageError(
        `run ${date} refused: runs up to ${latest} exist, and the store keeps what a replay needs only from ${h.replayFrom} on (--keep-runs); ${date} cannot be redone`,
      );
    throw new UsageError(
      `run ${date} refused: runs up to ${latest} exist. Re-run with --replay to redo ${date}..${latest} in order`,
    );
  }
  const rerun = latest === date;
  if (rerun) await undoRun(tx, date);
  progress.stage('loading open items');
  const openJournal = sharedBytes(await loadOpenItems(tx, 'journal', runDay));
  const openClearing = sharedBytes(await loadOpenItems(tx, 'clearing', runDay));
  const window = new JournalWindow(tx, runDay, runDay - options.windowDays);
  const copyCheck = await window.copyCheck();
  return { rerun, openJournal, openClearing, window, copyCheck };
}

/**
 * The open-item store's rows in shared memory: the scan reads them, and the settle task reads the
 * lines of those that stay open again (workers/extras.ts). (pg's Buffer.concat may sit in Node's
 * shared pool, which is neither transferable nor shareable.)
 */
function sharedBytes(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(b.length));
  out.set(b);
  return out;
}
