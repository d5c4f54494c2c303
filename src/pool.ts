/**
 * The worker pool: Piscina over the compiled worker module (dist/workers/index.js), whose named
 * exports are the tasks (scan, join, settle, hashFile).
 */
import { Piscina } from 'piscina';
import { workerModulePath } from './paths.js';

export type Pool = Piscina;

export function createPool(workers: number): Pool {
  return new Piscina({
    filename: workerModulePath(),
    minThreads: workers,
    maxThreads: workers,
    // Idle workers stay until the run ends; the run destroys the pool.
    idleTimeout: 60_000,
  });
}
