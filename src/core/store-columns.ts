/**
 * Column lists of the rows workers encode for COPY. The encoders (workers/encode.ts) write these
 * columns in this order and the store's COPY statements name the same lists: one contract.
 */
import { FINDING_COLUMNS, type FindingColumn, type StoredFindingColumn } from './finding-columns.js';

/** recon.exception: the finding columns a new finding is written with (src/core/finding-columns.ts). */
export const EXCEPTION_COLUMNS: readonly StoredFindingColumn[] = FINDING_COLUMNS.filter(
  (c: FindingColumn) => !c.later && !c.payout,
).map((c) => c.name);

/** recon.exception: the columns a payout finding is written with (src/run/payout-stage.ts): the id first. */
export const PAYOUT_FINDING_COLUMNS: readonly StoredFindingColumn[] = [
  'id',
  ...EXCEPTION_COLUMNS,
  ...FINDING_COLUMNS.filter((c: FindingColumn) => c.payout).map((c) => c.name),
];

export const OPEN_ITEM_COLUMNS = [
  'side',
  'created_by',
  'src_run',
  'src_file',
  'src_line',
  'flags',
  'type',
  'channel',
  'status',
  'response_code',
  'merchant_id',
  'terminal_id',
  'batch_no',
  'stan',
  'rrn',
  'auth_code',
  'order_no',
  'orig_rrn',
  'pan_masked',
  'txn_time',
  'amount_minor',
  'fee_minor',
  'net_minor',
  'currency',
  'clearing_date',
  'settle_date',
  'business_date',
  'expected_settle_date',
  'deadline',
] as const;

/** RELEASE rows: the keys by which each names the hold it releases (DESIGN §6.1 rule 3). */
export const RELEASE_COLUMNS = ['merchant_id', 'terminal_id', 'rrn', 'order_no', 'orig_rrn'] as const;
