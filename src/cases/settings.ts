/**
 * The store's settings of the case workflow (recon.setting): the approval threshold, in minor units
 * (default 1,000,000: 10,000.00 CNY), at or above which a closing waits for a checker (four eyes) and
 * a new case is due after one working day. A change is an event in the audit trail.
 */
import { UsageError } from '../core/usage-error.js';
import type { Store } from '../store/store.js';
import { appendEvents } from './audit-chain.js';
import { actorOf } from './users.js';

export const DEFAULT_APPROVAL_THRESHOLD = 1_000_000;

export async function approvalThreshold(store: Store): Promise<number> {
  const rows = await store.query<{ value: unknown }>(
    `select value from recon.setting where key = 'approval_threshold_minor'`,
  );
  const v = Number(rows[0]?.value ?? DEFAULT_APPROVAL_THRESHOLD);
  return Number.isSafeInteger(v) ? v : DEFAULT_APPROVAL_THRESHOLD;
}

/** Sets the approval threshold (a supervisor's act). */
export async function setApprovalThreshold(tx: Store, minor: number, actor: string | undefined): Promise<void> {
  if (!Number.isSafeInteger(minor) || minor < 0)
    throw new UsageError(`--approval-threshold must be a whole number of minor units ≥ 0, got ${minor}`);
  const by = await actorOf(tx, actor, 'supervisor', 'changing the approval threshold');
  const was = await approvalThreshold(tx);
  await tx.query(
    `insert into recon.setting (key, value) values ('approval_threshold_minor', to_jsonb($1::bigint))
     on conflict (key) do update set value = excluded.value`,
    [minor],
  );
  await appendEvents(tx, [
    {
      actor: by.name,
      finding_id: null,
      action: 'setting',
      from_state: null,
      to_state: null,
      reason: null,
      note: null,
      details: { key: 'approval_threshold_minor', from: was, to: minor },
    },
  ]);
}
