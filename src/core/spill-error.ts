/**
 * How a worker's spill-file write failure begins (workers/spill.ts). Errors cross the thread
 * boundary as plain Errors, so the coordinator knows this one by its message and reports it as the
 * setting it is about (--spill-dir, --memory), not as a bug (src/run/scan-stage.ts).
 */
export const SPILL_WRITE_FAILED = 'cannot write the spill file';
