/** Outputs a command writes (gen's --out, report's --out): an OS error there is the user's to fix. */
import { UsageError } from '../core/usage-error.js';

/**
 * An output that cannot be written (an OS error: EACCES, ENOTDIR, EROFS, ENOSPC…) as a usage error
 * naming the flag, its value and the OS's reason; any other error is returned as it is.
 */
export function cannotWrite(flag: string, value: string, what: string, e: unknown): unknown {
  const sys = e as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof sys.code !== 'string' || typeof sys.syscall !== 'string') return e;
  return new UsageError(`${flag} ${value}: cannot write ${what} there (${sys.message})`);
}

/** `fn`, whose OS errors (thrown, or rejected if it returns a promise) are cannotWrite's usage errors. */
export function writingTo<A extends unknown[], R>(flag: string, value: string, what: string, fn: (...args: A) => R) {
  return (...args: A): R => {
    try {
      const r = fn(...args);
      return r instanceof Promise
        ? (r.catch((e: unknown) => {
            throw cannotWrite(flag, value, what, e);
          }) as R)
        : r;
    } catch (e) {
      throw cannotWrite(flag, value, what, e);
    }
  };
}
