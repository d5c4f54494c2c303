/**
 * What a worker says when an input file changed under the run: reading an open item's line back by
 * its locator, it found another row there (workers/extras.ts). Errors cross the thread boundary as
 * plain Errors, so the coordinator knows this one by these words and reports it as bad input
 * (exit 3, one line naming the file and line), not as a bug (src/run/settle-stage.ts).
 */
export const INPUT_CHANGED = 'changed while the run read it';
