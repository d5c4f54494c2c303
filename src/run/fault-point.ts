/**
 * The coordinator's pause points for the crash tests (RECON_FAULT `<point>:pause[:ms]`,
 * src/core/fault.ts):
 * - `scan`: the first scan task has returned, the others are running;
 * - `join`: the first join's findings are written into the run's transaction, the others are running;
 * - `commit`: everything but the run record is written into the transaction.
 */
import type { Fault } from '../core/fault.js';

/** Pauses at `point` when the run's fault names it. */
export async function faultPoint(fault: Fault | undefined, point: 'scan' | 'join' | 'commit'): Promise<void> {
  if (fault?.point !== point || fault.action !== 'pause') return;
  process.stderr.write(`recon: fault point ${point}\n`);
  const ms = fault.arg ? Number(fault.arg) : 2 ** 31 - 1;
  await new Promise((resolve) => setTimeout(resolve, ms));
}
