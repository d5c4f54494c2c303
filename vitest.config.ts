import { defineConfig } from 'vitest/config';
import { LONG } from './test/helpers/dose.js';
import { LongFirstSequencer } from './test/sequencer.js';

/**
 * The files with a long dose (test/helpers/dose.ts): `npm run test:long` (RECON_TEST_LONG=1) runs
 * these only, with it; `npm test` runs every file with the short dose.
 */
const LONG_FILES = [
  'test/unit/profile-row.test.ts',
  'test/unit/scan.test.ts',
  'test/integration/fuzz.test.ts',
  'test/integration/chain.test.ts',
  'test/integration/profile-chain.test.ts',
  'test/integration/profile-chain-server.test.ts',
];

export default defineConfig({
  test: {
    include: LONG ? LONG_FILES : ['test/**/*.test.ts'],
    // Builds dist/ (the worker pool and bin/recon run it) and makes the template stores, once.
    globalSetup: ['test/global-setup.ts'],
    // Worker pools and PGlite instances live in the test process: forks, not threads.
    pool: 'forks',
    // Files that run in the same fork share its loaded modules (each still makes its own pools and
    // stores, and closes them): the module loading is not repeated for every file.
    isolate: false,
    // Test runs are short: PGlite's WASM is not worth optimising (TurboFan) in them (test/helpers/cli.ts).
    execArgv: ['--liftoff-only'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Three files at a time on the two cores: each waits part of the time (for child processes, the
    // server, its worker pool).
    maxWorkers: 3,
    // The longest files first (test/sequencer.ts).
    sequence: { sequencer: LongFirstSequencer },
  },
});
