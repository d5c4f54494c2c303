/**
 * Whether a run's rows fit its memory budget (--memory), and if not, how many partitions make each
 * join task's share fit: the scan stage then spills the rows to Arrow IPC files.
 */
import type { FilledRunOptions } from './options.js';

/**
 * Memory the rows take per byte of CSV, batches and the join's working copy of a partition
 * together. Narrow rows are ~130 bytes in a batch (batch.ts), against 126–145 bytes of CSV a row in
 * generated files; with 1.1 (the batches alone) a 10M + 10M day spilled in 17 partitions and peaked
 * at 1.67 GB, with 1.4 in 21 partitions (bench/RESULTS.md).
 */
export const BATCH_BYTES_PER_INPUT_BYTE = 1.4;

export interface MemoryPlan {
  /** Estimated bytes of the run's row batches. */
  estimate: number;
  spill: boolean;
  partitions: number;
}

/**
 * Whether a run's rows fit its memory budget (half of it: the rest is for the join's tables and
 * copies, the store and the window), and if not, how many partitions make a join task's share fit:
 * each of the `workers` concurrent join tasks holds about three times its partition.
 */
export function memoryPlan(
  inputBytes: number,
  options: Pick<FilledRunOptions, 'memoryBytes' | 'partitions' | 'workers'>,
): MemoryPlan {
  const estimate = Math.round(inputBytes * BATCH_BYTES_PER_INPUT_BYTE);
  if (estimate <= options.memoryBytes / 2) return { estimate, spill: false, partitions: options.partitions };
  const perPartition = options.memoryBytes / 2 / (3 * options.workers);
  return {
    estimate,
    spill: true,
    partitions: Math.min(256, Math.max(options.partitions, Math.ceil(estimate / perPartition))),
  };
}

/** A byte count as the spill warning shows it: GiB with one decimal, else whole MiB. */
export function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`;
}
