/** Generated chains on the embedded store: test/helpers/chain-suite.ts. */
import { chainSuite } from '../helpers/chain-suite.js';

chainSuite('pglite');
