/** Generated chains on the PostgreSQL server (DATABASE_URL, which CI always sets): test/helpers/chain-suite.ts. */
import { describe } from 'vitest';
import { chainSuite } from '../helpers/chain-suite.js';

describe.skipIf(!process.env.DATABASE_URL)('on the server', () => {
  chainSuite('server');
});
