/**
 * Stage 7, settle: one task over every partition's left-overs — passes 1–2 across partitions,
 * passes 3–4, and the ageing of what is still unmatched into MISSING_CREDIT / UNMATCHED_CLEARING or
 * open items carried to the next run. The open items come back in two pieces, which two tasks
 * encode at once (workers/open-items.ts: the columns batches do not carry are read back from the
 * rows' lines), into the bytes the commit writes.
 */
import { type RowBatch, transferList } from '../core/batch.js';
import { concatBytes } from '../core/byte-writer.js';
import type { JoinResult, OpenItemsTask, SettleResult, SettleTask } from '../core/tasks.js';
import type { RunContext } from './context.js';
import { settleAll } from './pool.js';
import type { Scanned } from './scan-stage.js';
import type { CreditSettlement } from './window-checks.js';

export async function settle(
  run: RunContext,
  scanned: Scanned,
  joins: readonly JoinResult[],
  credits: CreditSettlement,
): Promise<Settled> {
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
  };
  const settled = (await run.pool.run(task, {
    name: 'settle',
    transferList: transferList([...leftJournal, ...leftClearing]),
  })) as SettleResult;
  const encoded = await settleAll(
    settled.open.map(async (piece) => {
      const t: OpenItemsTask = {
        runDay: options.runDay,
        grace: options.grace,
        calendar: inputs.calendar,
        merchants: inputs.merchants,
        sources: scanned.rowSources,
        piece,
      };
      const r = (await run.pool.run(t, {
        name: 'openItems',
        transferList: transferList([piece.clearing, piece.journal]),
      })) as { bytes: Uint8Array };
      return r.bytes;
    }),
  );
  return { ...settled, openItems: concatBytes(encoded) };
}

/** The settle task's result, with its open items encoded as COPY binary tuples, in order. */
export type Settled = SettleResult & { openItems: Uint8Array };
