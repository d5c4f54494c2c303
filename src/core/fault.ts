/**
 * Fault injection for the crash tests (test/integration/crash.test.ts), as RECON_FAULT spells it:
 * `<point>:<action>[:<arg>]`. The CLI reads RECON_FAULT once (cliEnv) and parses it here; the run
 * takes it in its options to its pause points (src/run/fault-point.ts) and, through the pool's
 * workerData, to the workers (workers/index.ts). Without RECON_FAULT every fault point is a no-op.
 * - `<point>:pause[:ms]` with point `scan`, `join` or `commit`: the run prints
 *   `recon: fault point <point>` on stderr and waits there (for ms milliseconds, or until it is
 *   killed), so that a test can kill -9 it, or cut its database connection, at a known place;
 * - `worker:throw`: every join task throws inside its worker;
 * - `spill:enospc`: every spill-file write fails as a full disk does.
 */

export interface Fault {
  /** Where: a pause point (scan, join, commit), `worker` or `spill`. */
  readonly point: string;
  /** What: `pause`, `throw` or `enospc`. */
  readonly action: string;
  /** A pause's milliseconds; none: until killed. */
  readonly arg: string | undefined;
}

/** RECON_FAULT's value as a fault; undefined when unset or empty. */
export function parseFault(spec: string | undefined): Fault | undefined {
  if (!spec) return undefined;
  const [point = '', action = '', arg] = spec.split(':');
  return { point, action, arg };
}

/** Throws ENOSPC, as a full disk does, with `spill:enospc`. */
export function spillFault(fault: Fault | undefined): void {
  if (fault?.point === 'spill' && fault.action === 'enospc')
    throw Object.assign(new Error('ENOSPC: no space left on device, write (RECON_FAULT)'), { code: 'ENOSPC' });
}

/** Throws in a worker task with `worker:throw`. */
export function workerFault(fault: Fault | undefined, task: string): void {
  if (fault?.point === 'worker' && fault.action === 'throw')
    throw new Error(`injected fault in the ${task} task (RECON_FAULT)`);
}
