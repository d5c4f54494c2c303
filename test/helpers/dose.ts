/**
 * How much of the long checks a test run does: the random and mutated cases of the property and
 * mutation tests, and the extra seeds of the generated chains.
 *
 * - `npm test` runs the short dose: every such test still runs and checks every rule it checks,
 *   on fewer cases (a first seed, a few hundred mutants, a few dozen random days), so a change
 *   that breaks a rule fails there.
 * - `npm run test:long` (vitest.long.config.ts, which sets RECON_TEST_LONG=1; .ci/run runs it after
 *   `npm test`) runs the files that have a long dose with it: thousands of mutants, hundreds of
 *   random days, every seed. `RECON_TEST_LONG=1 npx vitest run <file>` does the same for one file.
 *
 * Read here only (the environment in one place).
 */
export const LONG = process.env.RECON_TEST_LONG === '1';

/** `short` under `npm test`, `long` under `npm run test:long`. */
export function dose<T>(short: T, long: T): T {
  return LONG ? long : short;
}
