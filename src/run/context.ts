/**
 * What the stages of one run share (run-day.ts): its options, pool, progress and clock, the planned
 * inputs, the warnings for its summary and its private directories. Each stage takes this, and the
 * typed results of the stages before it that it reads, and returns its own.
 */
import type { FilledRunOptions } from './options.js';
import type { PlannedInputs } from './plan-inputs.js';
import type { Pool } from './pool.js';
import type { Progress } from './progress.js';
import type { TempDirs } from './temp-dirs.js';

export interface RunContext {
  readonly options: FilledRunOptions;
  readonly progress: Progress;
  /** Warnings for the summary, in the order the stages find them. */
  readonly warnings: string[];
  /** Private directories (decompressed inputs, spill files), removed when the run ends. */
  readonly temp: TempDirs;
  readonly clock: StageClock;
  readonly inputs: PlannedInputs;
  readonly pool: Pool;
}

/** The run's start, and the wall time of each stage (the summary's timingsMs), in ms. */
export class StageClock {
  readonly startedAt = new Date();
  private readonly t0 = performance.now();
  private mark = this.t0;
  readonly timings: Record<string, number> = {};

  /** Ends the stage `name`: its time runs from the previous lap (or the start) to now. */
  lap(name: string): void {
    const now = performance.now();
    this.timings[name] = Math.round(now - this.mark);
    this.mark = now;
  }

  /** Milliseconds since the run started. */
  elapsed(): number {
    return Math.round(performance.now() - this.t0);
  }
}
