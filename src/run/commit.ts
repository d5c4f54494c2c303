/**
 * Stage 8, commit, the last in the run's transaction (the caller's transaction commits it): the
 * input files' records, the rejected rows and the settle task's findings written, earlier findings
 * resolved and holds released (timed as `commit`); the open items for the next run, COPY binary
 * (`open items`); the settle task's window segments (`window write`); then the run row with the
 * options it ran with and its summary.
 */
import { meetCases } from '../cases/run-cases.js';
import { workCalendarFor } from '../core/dates.js';
import { OPEN_ITEM_COLUMNS } from '../core/store-columns.js';
import type { JoinResult } from '../core/tasks.js';
import { binaryCopyHeader, binaryCopyTrailer } from '../store/binary-copy.js';
import { horizonOf, prune } from '../store/retention.js';
import {
  findingsByKind,
  insertInputFiles,
  insertRun,
  REJECTED_COLUMNS,
  releaseHolds,
  resolveFindings,
} from '../store/run-store.js';
import type { Store } from '../store/store.js';
import type { RunContext } from './context.js';
import type { RowCounts } from './counts.js';
import { faultPoint } from './fault-point.js';
import { FINDING_COPY_COLUMNS } from './finding-ids.js';
import type { Fingerprints } from './fingerprint.js';
import type { Loaded } from './load.js';
import { payoutLeg } from './payout-stage.js';
import { recordedOptions } from './recorded-options.js';
import type { Scanned } from './scan-stage.js';
import type { Settled } from './settle-stage.js';
import type { RunSummary } from './summary.js';
import type { CreditSettlement } from './window-checks.js';

/** What the stages before the commit produced. */
export interface StageResults {
  readonly prints: Fingerprints;
  readonly loaded: Loaded;
  readonly scanned: Scanned;
  readonly joins: readonly JoinResult[];
  readonly credits: CreditSettlement;
  readonly settled: Settled;
  readonly counts: RowCounts;
}

export async function commit(run: RunContext, tx: Store, s: StageResults): Promise<RunSummary> {
  const { options, inputs, clock } = run;
  const { date } = options;
  const { plans } = inputs;
  const { shas } = s.prints;
  const { fileRows } = s.scanned.lines;
  const { settled } = s;
  run.progress.stage('committing');
  // What the store records of each input file and what the summary shows of it.
  const facts = plans.map((p, i) => ({
    sha256: shas[i]!,
    bytes: p.size,
    rows: fileRows.get(p)!.rows,
    rejected: fileRows.get(p)!.rejected,
  }));
  await insertInputFiles(
    tx,
    date,
    plans.map((p, i) => ({ fileNo: p.fileNo, side: p.side, path: p.path, ...facts[i]! })),
  );
  await tx.copyIn('recon.rejected_row', REJECTED_COLUMNS, [s.scanned.lines.rejectCsv.bytes()]);
  await tx.copyIn('recon.exception', FINDING_COPY_COLUMNS, [s.prints.ids.prepend(settled.exceptions)]);
  const resolved = await resolveFindings(tx, date, concatInt32([...s.joins.map((r) => r.events), settled.events]));
  const released = await releaseHolds(
    tx,
    date,
    s.joins.map((r) => r.releases),
  );
  clock.lap('commit');
  // The third leg: payout rows and expected payouts kept, payout findings raised and resolved.
  const payouts = await payoutLeg(run, tx, s.scanned, s.prints.ids);
  clock.lap('payouts');
  // The findings meet the cases people work (ids, new cases, closed or reopened by this run).
  const cases = await meetCases(tx, date, workCalendarFor(inputs.calendar));
  clock.lap('cases');
  // COPY binary: the settle task wrote the tuples (encode.ts writeOpenItem).
  await tx.copyIn(
    'recon.open_item',
    OPEN_ITEM_COLUMNS,
    [binaryCopyHeader(), settled.openItems, binaryCopyTrailer()],
    'binary',
  );
  clock.lap('open items');
  // Window segments: the join tasks' (producer = partition) and the settle task's.
  await s.loaded.window.add(s.scanned.partitions, settled.window);
  clock.lap('window write');
  const findings = await findingsByKind(tx, date);
  // Retention: what no run that can still be replayed needs goes, in this transaction.
  const horizon = await horizonOf(tx, date, options.keepRuns, options.windowDays);
  const pruned = await prune(tx, horizon);
  clock.lap('prune');
  await faultPoint(options.fault, 'commit');
  const durationMs = clock.elapsed();
  const { rowsIn } = s.scanned.lines;
  const summary: RunSummary = {
    date,
    rerun: s.loaded.rerun,
    store: tx.location,
    workers: options.workers,
    partitions: s.scanned.partitions,
    spilled: s.scanned.spilled,
    files: plans.map((p, i) => ({ side: p.side, path: p.shown, ...facts[i]! })),
    ...s.counts,
    openItems: { journal: settled.openJournal, clearing: settled.openClearing },
    findings,
    resolved,
    holdsReleased: released,
    payouts,
    cases,
    duplicatesGrown: s.credits.duplicatesGrown,
    replayFrom: horizon.replayFrom,
    pruned,
    panMasked: s.scanned.lines.panMasked,
    warnings: run.warnings,
    timingsMs: clock.timings,
    durationMs,
    rowsPerSecond: Math.round((rowsIn / Math.max(durationMs, 1)) * 1000),
  };
  await insertRun(tx, {
    date,
    startedAt: clock.startedAt,
    finishedAt: new Date(),
    durationMs,
    workers: options.workers,
    options: recordedOptions(options, inputs.calendar),
    summary,
    replayFrom: horizon.replayFrom,
  });
  return summary;
}

function concatInt32(parts: readonly Int32Array[]): Int32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
