/**
 * Generated chains of bill layouts on the PostgreSQL server (DATABASE_URL, which CI always sets):
 * test/helpers/profile-chain-suite.ts.
 */
import { describe } from 'vitest';
import { profileChainSuite } from '../helpers/profile-chain-suite.js';

describe.skipIf(!process.env.DATABASE_URL)('on the server', () => {
  profileChainSuite('server');
});
