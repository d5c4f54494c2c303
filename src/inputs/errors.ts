/**
 * The errors of inputs: a file that cannot be used (InputError, exit 3) and a profile that cannot be
 * (ProfileError, a UsageError: exit 2). Each carries data for the one-line message the CLI prints; a
 * wrapped error keeps its `cause`. Expected partial failure (bad rows) is a result (rejected rows),
 * not an error. The store's errors are the store's (StoreError, src/store/store.ts); UsageError,
 * which every layer raises, is in src/core/usage-error.ts.
 */
import { UsageError } from '../core/usage-error.js';

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

/** A profile that cannot be used: names the file and the place in it. */
export class ProfileError extends UsageError {
  constructor(file: string, where: string, reason: string) {
    super(`profile ${file}${where ? `, ${where}` : ''}: ${reason}`);
    this.name = 'ProfileError';
  }
}
