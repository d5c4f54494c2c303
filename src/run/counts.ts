/**
 * The rows-in equation (DESIGN §6), checked before commit: every row read ends in exactly one
 * bucket (reconciled, exception, open or rejected), and every open item carried in from the
 * previous run in one of reconciled, exception or open. A run that would lose or double-count a row
 * fails instead.
 */
import {
  COUNTS_LENGTH,
  countIndex,
  ORIGIN_CARRIED,
  ORIGIN_NEW,
  OUTCOME_EXCEPTION,
  OUTCOME_OPEN,
  OUTCOME_RECONCILED,
  SIDE_CLEARING,
  SIDE_JOURNAL,
} from '../core/codes.js';
import type { Side } from '../core/schema.js';
import type { JoinResult, SettleResult } from '../core/tasks.js';
import type { RunContext } from './context.js';
import type { Scanned } from './scan-stage.js';
import { OPEN_CLEARING_CHUNK, OPEN_JOURNAL_CHUNK } from './scan-tasks.js';
import type { CarriedCounts, RunSummary, SideCounts } from './summary.js';

export type RowCounts = Pick<RunSummary, 'journal' | 'clearing' | 'carried'>;

export function countRows(
  run: RunContext,
  scanned: Scanned,
  joins: readonly JoinResult[],
  settled: SettleResult,
): RowCounts {
  const counts = new Int32Array(COUNTS_LENGTH);
  for (const r of [...joins.map((j) => j.counts), settled.counts])
    for (let i = 0; i < COUNTS_LENGTH; i++) counts[i]! += r[i]!;
  const amounts = new Float64Array(COUNTS_LENGTH);
  for (const r of [...joins.map((j) => j.amounts), settled.amounts])
    for (let i = 0; i < COUNTS_LENGTH; i++) amounts[i]! += r[i]!;
  const sideCounts = (side: number, sideName: Side): SideCounts => {
    let rowsInSide = 0;
    let rejected = 0;
    for (const plan of run.inputs.plans) {
      if (plan.side !== sideName) continue;
      const f = scanned.lines.fileRows.get(plan)!;
      rowsInSide += f.rows + f.rejected;
      rejected += f.rejected;
    }
    const c: SideCounts = {
      rowsIn: rowsInSide,
      reconciled: counts[countIndex(side, ORIGIN_NEW, OUTCOME_RECONCILED)]!,
      exception: counts[countIndex(side, ORIGIN_NEW, OUTCOME_EXCEPTION)]!,
      open: counts[countIndex(side, ORIGIN_NEW, OUTCOME_OPEN)]!,
      rejected,
      amounts: {
        reconciled: amounts[countIndex(side, ORIGIN_NEW, OUTCOME_RECONCILED)]!,
        open: amounts[countIndex(side, ORIGIN_NEW, OUTCOME_OPEN)]!,
        exception: amounts[countIndex(side, ORIGIN_NEW, OUTCOME_EXCEPTION)]!,
      },
    };
    if (c.reconciled + c.exception + c.open + c.rejected !== c.rowsIn) {
      throw new Error(
        `internal: ${sideName} rows do not add up: ${c.rowsIn} in ≠ ${c.reconciled} reconciled + ${c.exception} exception + ${c.open} open + ${c.rejected} rejected`,
      );
    }
    return c;
  };
  const carriedCounts = (side: number, storeChunk: number, sideName: Side): CarriedCounts => {
    const c: CarriedCounts = {
      in: scanned.results.get(storeChunk)?.rows ?? 0,
      reconciled: counts[countIndex(side, ORIGIN_CARRIED, OUTCOME_RECONCILED)]!,
      exception: counts[countIndex(side, ORIGIN_CARRIED, OUTCOME_EXCEPTION)]!,
      open: counts[countIndex(side, ORIGIN_CARRIED, OUTCOME_OPEN)]!,
    };
    if (c.reconciled + c.exception + c.open !== c.in) {
      throw new Error(
        `internal: carried ${sideName} items do not add up: ${c.in} ≠ ${c.reconciled} + ${c.exception} + ${c.open}`,
      );
    }
    return c;
  };
  const journal = sideCounts(SIDE_JOURNAL, 'journal');
  const clearing = sideCounts(SIDE_CLEARING, 'clearing');
  const carried = {
    journal: carriedCounts(SIDE_JOURNAL, OPEN_JOURNAL_CHUNK, 'journal'),
    clearing: carriedCounts(SIDE_CLEARING, OPEN_CLEARING_CHUNK, 'clearing'),
  };
  return { journal, clearing, carried };
}
