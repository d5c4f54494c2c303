import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Worker pools and PGlite instances live in the test process: isolate files in forks.
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // The integration files each run many chains; keep the machine's two cores for their pools.
    maxWorkers: 2,
  },
});
