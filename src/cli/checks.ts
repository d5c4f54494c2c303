/**
 * Checks of flag values that yargs' own validation would word badly or not make: each failure is a
 * usage error of one line naming the flag, what it must be and the value given.
 */
import { parseIsoDate } from '../core/dates.js';
import { UsageError } from '../core/usage-error.js';

/**
 * A value outside an option's `choices` as one line naming the flag, the value and the allowed
 * values: yargs' own message says "Invalid values:" and leaves the rest to lines below it. As
 * middleware before yargs' validation, with the options of the command being parsed (so every
 * `choices` option, of any command, is covered); `getOptions` is not in yargs' types.
 */
export function checkChoices(argv: Record<string, unknown>, y: unknown): void {
  const choices = (y as { getOptions?: () => { choices?: Record<string, unknown[]> } }).getOptions?.().choices ?? {};
  for (const [key, allowed] of Object.entries(choices)) {
    const bad = ([] as unknown[]).concat(argv[key]).filter((v) => v !== undefined && !allowed.includes(v));
    if (bad.length > 0) {
      const shown = bad.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ');
      throw new UsageError(`--${key} must be one of ${allowed.join(', ')} (got ${shown})`);
    }
  }
}

/**
 * A yargs check that the flag `--<key>` is a date YYYY-MM-DD that recon's calendar covers (when
 * given, for an optional flag: `required` false).
 */
export function dateCheck<K extends string>(key: K, required = true): (argv: { [k in K]?: unknown }) => true {
  return (argv) => {
    const v = argv[key];
    if (v === undefined && !required) return true;
    if (typeof v !== 'string' || Number.isNaN(parseIsoDate(v))) {
      throw new UsageError(`--${key} must be a date YYYY-MM-DD between 2000 and 2099, got "${String(v)}"`);
    }
    return true;
  };
}

/** --date, the run date of most commands. */
export const checkDate = dateCheck('date');
