/**
 * The coordinator of one run (`recon run --date D`, DESIGN §9): plan the inputs, drive the pool
 * through scan → join → settle, and commit everything in one transaction. One module a stage, each
 * taking the run's context (context.ts) and the results of the stages before it:
 *
 * 1. plan         headers checked, files cut into byte ranges (plan-inputs.ts)
 * 2. fingerprint  sha256 of each file, from the bytes the scan reads (fingerprint.ts): once the scan
 *                 is done, a file given twice or loaded before is refused unless --force
 * 3. load         inside the transaction: the chain is checked (a re-run of the latest date first
 *                 takes that run back), the previous run's open items are read with COPY … TO as
 *                 CSV bytes, and what the scan must check for journal copies (load.ts)
 * 4. scan         every byte range (and the open items) → row batches per hash partition, in
 *                 memory or, past half of --memory, in Arrow IPC spill files (scan-stage.ts)
 * 5. join         one task per partition: copies dropped, passes 1–2, findings on matched pairs,
 *                 left-overs; each task's findings and window segments are copied in as it ends
 *                 (join-stage.ts)
 * 6. window       left-over credits looked up in the journal window (window-stage.ts)
 * 7. settle       left-overs aged into MISSING_CREDIT / UNMATCHED_CLEARING or carried as open items
 *                 (settle-stage.ts)
 * 8. commit       COPY the settle's findings, open items, window segments, rejected rows; the run
 *                 row; COMMIT (commit.ts, timed in three laps: commit, open items, window write)
 *
 * Everything is one transaction: a failure anywhere leaves the store as it was. The rows-in
 * equation is checked before commit (counts.ts); a run that would lose or double-count a row fails
 * instead.
 */
import type { Store } from '../store/store.js';
import { commit } from './commit.js';
import { type RunContext, StageClock } from './context.js';
import { countRows } from './counts.js';
import { checkFingerprints } from './fingerprint.js';
import { join } from './join-stage.js';
import { load } from './load.js';
import type { FilledRunOptions } from './options.js';
import { planInputs } from './plan-inputs.js';
import { createPool, type Pool } from './pool.js';
import { type Progress, silentProgress } from './progress.js';
import { scan } from './scan-stage.js';
import { settle } from './settle-stage.js';
import type { RunSummary } from './summary.js';
import { TempDirs } from './temp-dirs.js';
import { checkWindowCredits } from './window-stage.js';
import { fromWorker } from './worker-failure.js';

export interface RunDeps {
  /** A pool to use (tests share one); otherwise the run makes its own and destroys it. */
  pool?: Pool;
  progress?: Progress;
}

export async function runDay(store: Store, options: FilledRunOptions, deps: RunDeps = {}): Promise<RunSummary> {
  const clock = new StageClock();
  const progress = deps.progress ?? silentProgress;
  const warnings: string[] = [];
  const temp = new TempDirs(options.spillDir);
  const inputs = await planInputs({ options, progress, warnings, temp });
  clock.lap('plan');
  const pool = deps.pool ?? createPool(options.workers, options.fault);
  const run: RunContext = { options, progress, warnings, temp, clock, inputs, pool };
  try {
    return await store.transaction(async (tx) => {
      const loaded = await load(run, tx);
      clock.lap('load');
      const scanned = await scan(run, loaded);
      clock.lap('scan');
      const prints = await checkFingerprints(run, tx, scanned.shas);
      clock.lap('fingerprint');
      const joins = await join(run, tx, loaded, scanned, prints.ids);
      clock.lap('join');
      const credits = await checkWindowCredits(run, tx, loaded, joins, prints.ids);
      clock.lap('window');
      const settled = await settle(run, scanned, joins, credits);
      clock.lap('settle');
      const counts = countRows(run, scanned, joins, settled);
      const summary = await commit(run, tx, { prints, loaded, scanned, joins, credits, settled, counts });
      progress.done();
      return summary;
    });
  } catch (e) {
    // A worker's failure that is about the input or the settings, not a bug (worker-failure.ts).
    throw fromWorker(e);
  } finally {
    progress.done();
    if (!deps.pool) await pool.destroy();
    temp.removeAll();
  }
}
