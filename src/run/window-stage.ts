/**
 * Stage 6, window: the credits no partition matched, looked up in the journal window — earlier
 * runs' segments and this run's, of every partition (window-checks.ts settleWindowCredits): a credit
 * for a transaction already credited is a DUPLICATE_CREDIT, the first credit of a sale closed
 * without one is that sale's credit. The joins' findings are in the store by now.
 */
import type { JoinResult } from '../core/tasks.js';
import type { Store } from '../store/store.js';
import type { RunContext } from './context.js';
import type { FindingIds } from './finding-ids.js';
import type { Loaded } from './load.js';
import { type CreditSettlement, settleWindowCredits } from './window-checks.js';

export function checkWindowCredits(
  run: RunContext,
  tx: Store,
  loaded: Loaded,
  joins: readonly JoinResult[],
  ids: FindingIds,
): Promise<CreditSettlement> {
  const { options, inputs } = run;
  run.progress.stage('checking the journal window');
  return settleWindowCredits(
    tx,
    loaded.window,
    options.date,
    options.runDay,
    joins.map((r) => r.leftClearing),
    inputs.calendar.zoneOffsetMinutes,
    ids,
  );
}
