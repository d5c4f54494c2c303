import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ (the worker pool and bin/recon run it) and makes the template stores, once.
    globalSetup: ['test/global-setup.ts'],
    // Worker pools and PGlite instances live in the test process: isolate files in forks.
    pool: 'forks',
    isolate: false,
    // Test runs are short: PGlite's WASM is not worth optimising (TurboFan) in them (test/helpers/cli.ts).
    execArgv: ['--liftoff-only'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // The integration files each run many chains; keep the machine's two cores for their pools.
    maxWorkers: 3,
  },
});
