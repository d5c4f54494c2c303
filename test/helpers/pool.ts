/**
 * The worker pool of a test process: one pool of 2 threads for every test file the process runs.
 * Vitest runs the files of a fork one after another and, with `isolate: false`, keeps this module
 * loaded between them, so the second file finds the first one's threads started, the worker module
 * loaded and its code already optimised by V8. A pool of its own per file paid all of that again:
 * about 0.7 s of CPU on this 2-core machine before its runs reached their warm speed (a small run
 * took 300 ms on a new pool, 100 ms on a warm one).
 *
 * The pool is fault-free and of 2 threads: a test that needs another size or a RECON_FAULT makes
 * its own with createPool and destroys it. Nobody destroys this one: piscina unrefs idle threads,
 * so they do not hold the process, and they end with it.
 */
import { createPool, type Pool } from '../../src/run/pool.js';

let pool: Pool | undefined;

/** This process's pool of 2 threads, started at the first call. */
export function testPool(): Pool {
  pool ??= createPool(2);
  return pool;
}
