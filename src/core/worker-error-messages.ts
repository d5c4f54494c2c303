/**
 * The failures a worker reports that are not bugs. Errors cross the thread boundary as plain
 * Errors, so the coordinator knows these by their words (src/run/worker-failure.ts) and reports each
 * as what it is about, in the worker's one line.
 */

/** How a spill-file write failure begins (workers/spill.ts): the settings --spill-dir and --memory. */
export const SPILL_WRITE_FAILED = 'cannot write the spill file';

/**
 * What an input file that changed under the run is said to have done (workers/extras.ts: an open
 * item's line, read back by its locator, is another row): bad input.
 */
export const INPUT_CHANGED = 'changed while the run read it';
