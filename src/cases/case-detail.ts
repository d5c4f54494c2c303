/**
 * One case as `recon case show` and the console's finding page show it: the case, its finding as
 * `recon exceptions` shows it (none when the case is orphaned), and its history from the audit trail.
 */
import { UsageError } from '../core/usage-error.js';
import type { Store } from '../store/store.js';
import { EVENT_SELECT, eventOf, type StoredEvent } from './audit-chain.js';
import { type QueueRow, queuePage } from './queue.js';

export interface CaseDetail {
  readonly row: QueueRow;
  readonly events: readonly StoredEvent[];
}

export function checkId(id: string): string {
  const v = id.trim().toUpperCase();
  if (!/^F[A-Z2-7]{12}$/.test(v))
    throw new UsageError(
      `${JSON.stringify(id)} is not a finding id (F and 12 characters of A-Z and 2-7, as recon exceptions shows it)`,
    );
  return v;
}

export async function caseDetail(store: Store, id: string, today: string): Promise<CaseDetail> {
  const fid = checkId(id);
  const rows = await queuePage(store, { ids: [fid] }, today, undefined, 1);
  if (!rows[0]) throw new UsageError(`no case ${fid} in the store`);
  const events = (
    await store.query<Parameters<typeof eventOf>[0]>(
      `select ${EVENT_SELECT} from recon.case_event e where e.finding_id = $1 order by e.seq`,
      [fid],
    )
  ).map(eventOf);
  return { row: rows[0], events };
}
