/**
 * Fault points for the crash tests (test/integration/crash.test.ts). With
 * `RECON_FAULT=<point>:pause[:ms]` a run that reaches the named point prints
 * `recon: fault point <point>` on stderr and waits there (for ms milliseconds, or until it is
 * killed), so that a test can kill -9 it, or cut its database connection, at a known place:
 * - `scan`: the first scan task has returned, the others are running;
 * - `join`: the first join's findings are written into the run's transaction, the others are running;
 * - `commit`: everything but the run record is written into the transaction.
 * `RECON_FAULT=worker:throw` makes every join task throw inside its worker; `RECON_FAULT=spill:enospc`
 * makes every spill-file write fail as a full disk does. Without RECON_FAULT these are no-ops.
 */
const spec = process.env.RECON_FAULT;
const [faultAt, faultAction, faultArg] = spec ? spec.split(':') : [];

/** Pauses at `point` when RECON_FAULT names it. */
export async function faultPoint(point: 'scan' | 'join' | 'commit'): Promise<void> {
  if (faultAt !== point || faultAction !== 'pause') return;
  process.stderr.write(`recon: fault point ${point}\n`);
  const ms = faultArg ? Number(faultArg) : 2 ** 31 - 1;
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Throws ENOSPC, as a full disk does, when RECON_FAULT=spill:enospc. */
export function spillFault(): void {
  if (faultAt === 'spill' && faultAction === 'enospc')
    throw Object.assign(new Error('ENOSPC: no space left on device, write (RECON_FAULT)'), { code: 'ENOSPC' });
}

/** Throws in a worker task when RECON_FAULT=worker:throw. */
export function workerFault(task: string): void {
  if (faultAt === 'worker' && faultAction === 'throw')
    throw new Error(`injected fault in the ${task} task (RECON_FAULT)`);
}
