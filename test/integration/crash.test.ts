/** Crashes and concurrency on the embedded store: test/helpers/crash-suite.ts. */
import { crashSuite } from '../helpers/crash-suite.js';

crashSuite('pglite');
