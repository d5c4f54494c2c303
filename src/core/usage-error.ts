/**
 * The error every layer may raise (the CLI maps it to exit 2): bad flags or a request the store's
 * state does not allow (e.g. an older date without --replay), an option out of range, a profile that
 * cannot be used (ProfileError, src/inputs/errors.ts). The message is the one line the CLI prints.
 * The other error classes live with what fails: InputError in src/inputs/errors.ts, StoreError in
 * src/store/store.ts. Expected partial failure (bad rows) is a result (rejected rows), not an error.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
