/**
 * A worker's failure as the run reports it: the ones src/core/worker-error-messages.ts names become the
 * usage or input error they are about (exit 2 or 3, the worker's one line); anything else stays
 * what it is (an internal error).
 */

import { UsageError } from '../core/usage-error.js';
import { INPUT_CHANGED, SPILL_WRITE_FAILED } from '../core/worker-error-messages.js';
import { InputError } from '../inputs/errors.js';

export function fromWorker(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof UsageError || e instanceof InputError) return e;
  if (e.message.startsWith(SPILL_WRITE_FAILED)) return new UsageError(e.message);
  if (e.message.includes(` ${INPUT_CHANGED}: `)) return new InputError(undefined, e.message);
  return e;
}
