/** Generated chains of bill layouts on the embedded store: test/helpers/profile-chain-suite.ts. */
import { profileChainSuite } from '../helpers/profile-chain-suite.js';

profileChainSuite('pglite');
