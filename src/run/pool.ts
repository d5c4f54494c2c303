/**
 * The worker pool: Piscina over the compiled worker module (dist/workers/index.js), whose named
 * exports are the tasks (scan, join, settle, openItems, hashFile). src never imports workers/: the
 * pool names that module by its path, and what crosses threads is typed by src/core/tasks.ts.
 */
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Piscina } from 'piscina';
import type { Fault } from '../core/fault.js';
import { packagePath } from '../core/package-path.js';
import type { WorkerData } from '../core/tasks.js';

export type Pool = Piscina;

/** The compiled worker module (built by `npm run build`; the pool needs JavaScript). */
export function workerModulePath(): string {
  const p = packagePath('dist/workers/index.js');
  if (!existsSync(p))
    throw new Error(`recon is not built: ${p} is missing. Run \`npm run build\` (npm install does it).`);
  return p;
}

/** A pool of `workers` threads; `fault` (RECON_FAULT, core/fault.ts) reaches them as workerData. */
export function createPool(workers: number, fault?: Fault): Pool {
  // Optimise hot functions on the thread that runs them, not in V8's background compiler: with every
  // core busy scanning or joining, a background compile waits for a core while the function keeps
  // running unoptimised. V8 flags are per process; the workers' isolates, created below, take it.
  // Measured on a 2M day (2 cores, alternating, 3 pairs): wall median 10.8 -> 9.8 s, user CPU
  // 16.9-18.0 -> 14.0-16.3 s, the 16 join tasks 6.6-7.7 -> 5.1-6.3 s in all; with 1 worker no worse.
  setFlagsFromString('--no-concurrent-recompilation');
  return new Piscina({
    filename: workerModulePath(),
    minThreads: workers,
    maxThreads: workers,
    // Idle workers stay until the run ends; the run destroys the pool.
    idleTimeout: 60_000,
    // Each worker holds its next task in its own queue: it starts it the moment the current one
    // ends, even while the coordinator's thread is busy (committing to an embedded store, say)
    // and could not hand it over.
    concurrentTasksPerWorker: 2,
    workerData: { fault } satisfies WorkerData,
  });
}

/**
 * Waits for every task, then throws the first failure (in task order). A run that fails destroys
 * its pool: it must not do so while tasks are still in flight, or their results reach a pool that
 * no longer knows them (piscina then emits "Unexpected message from Worker" as an uncaught error).
 */
export async function settleAll<T>(tasks: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(tasks);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
