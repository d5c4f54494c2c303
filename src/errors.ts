/**
 * The few error classes of recon. Each carries data for the one-line message the CLI prints and the
 * exit code it maps to; a wrapped error keeps its `cause`. Expected partial failure (bad rows) is a
 * result (rejected rows), not an error.
 */

/** Bad flags or a request the store's state does not allow (e.g. an older date without --replay). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Input that cannot be used: a missing or unreadable file, a bad header, too many rejected rows. */
export class InputError extends Error {
  constructor(
    readonly file: string | undefined,
    readonly reason: string,
    readonly line?: number,
    readonly column?: string,
    options?: { cause?: unknown },
  ) {
    super(
      [file, line !== undefined ? `line ${line}` : undefined, column !== undefined ? `column ${column}` : undefined]
        .filter((p) => p !== undefined)
        .join(', ')
        .concat(file !== undefined ? ': ' : '', reason),
      options,
    );
    this.name = 'InputError';
  }
}

export { StoreError } from './store/store.js';

/** Exit codes of the CLI (documented in the README). */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;
export const EXIT_INPUT = 3;
export const EXIT_STORE = 4;
