/**
 * Stage 7, settle: one task over every partition's left-overs — passes 1–2 across partitions,
 * passes 3–4, and the ageing of what is still unmatched into MISSING_CREDIT / UNMATCHED_CLEARING or
 * open items carried to the next run (whose columns batches do not carry it reads back from the
 * rows' lines: workers/extras.ts).
 */
import type { JoinResult } from '../../workers/join.js';
import type { SettleResult, SettleTask } from '../../workers/settle.js';
import { type RowBatch, transferList } from '../core/batch.js';
import type { CreditSettlement } from '../window-checks.js';
import type { RunContext } from './context.js';
import type { Scanned } from './scan-stage.js';

export async function settle(
  run: RunContext,
  scanned: Scanned,
  joins: readonly JoinResult[],
  credits: CreditSettlement,
): Promise<SettleResult> {
  const { options, inputs } = run;
  run.progress.stage('matching left-overs and ageing open items');
  const leftJournal: RowBatch[] = joins.map((r) => r.leftJournal);
  const leftClearing: RowBatch[] = joins.map((r) => r.leftClearing);
  const task: SettleTask = {
    runDay: options.runDay,
    windowStart: options.runDay - options.windowDays,
    journal: leftJournal,
    clearing: leftClearing,
    consumedClearing: credits.consumed,
    calendar: inputs.calendar,
    merchants: inputs.merchants,
    amountTolerance: options.amountTolerance,
    grace: options.grace,
    sources: scanned.rowSources,
  };
  return (await run.pool.run(task, {
    name: 'settle',
    transferList: transferList([...leftJournal, ...leftClearing]),
  })) as SettleResult;
}
