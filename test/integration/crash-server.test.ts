/**
 * Crashes and concurrency on the PostgreSQL server (DATABASE_URL, which CI always sets):
 * test/helpers/crash-suite.ts.
 */
import { describe } from 'vitest';
import { crashSuite } from '../helpers/crash-suite.js';

describe.skipIf(!process.env.DATABASE_URL)('on the server', () => {
  crashSuite('server');
});
