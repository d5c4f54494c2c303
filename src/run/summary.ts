/**
 * What a run reports: the summary the CLI prints (cli/format-summary.ts) and the run row stores
 * (recon.run.summary). Counts are rows; amounts are minor units.
 */

import type { CaseChanges } from '../cases/run-cases.js';
import type { Side } from '../core/schema.js';
import type { Pruned } from '../store/retention.js';
import type { KindTotal } from '../store/run-store.js';
import type { PayoutSummary } from './payout-stage.js';

export interface SideCounts {
  /** Data rows read from the side's files (accepted + rejected). */
  rowsIn: number;
  reconciled: number;
  exception: number;
  open: number;
  rejected: number;
  /** Amounts in minor units of the reconciled, open and in-exception rows. */
  amounts: { reconciled: number; open: number; exception: number };
}

export interface CarriedCounts {
  /** Open items loaded from the previous run. */
  in: number;
  reconciled: number;
  exception: number;
  open: number;
}

export interface RunSummary {
  date: string;
  rerun: boolean;
  store: string;
  workers: number;
  /** Hash partitions of the join; more than --partitions when the rows spilled. */
  partitions: number;
  /** Whether the rows went to spill files (they would not fit half of --memory). */
  spilled: boolean;
  files: { side: Side; path: string; sha256: string; bytes: number; rows: number; rejected: number }[];
  journal: SideCounts;
  clearing: SideCounts;
  carried: { journal: CarriedCounts; clearing: CarriedCounts };
  /** Open items written for the next run. */
  openItems: { journal: number; clearing: number };
  findings: KindTotal[];
  /** Earlier findings resolved by this run (late credits and refunds, ambiguities settled). */
  resolved: number;
  /** Open RISK_HOLD findings resolved by RELEASE rows. */
  holdsReleased: number;
  /** The payout leg (DESIGN §3.5): rows read, whether it was checked, pairs checked, findings resolved. */
  payouts: PayoutSummary;
  /** Earlier DUPLICATE_CREDIT findings whose count grew. */
  duplicatesGrown: number;
  /** What the run did to the cases people work (cases/run-cases.ts). */
  cases: CaseChanges;
  /** Retention (store/retention.ts): the earliest date a replay may start from now, and what this run pruned. */
  replayFrom: string;
  pruned: Pruned;
  panMasked: number;
  warnings: string[];
  timingsMs: Record<string, number>;
  durationMs: number;
  rowsPerSecond: number;
}
