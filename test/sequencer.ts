/**
 * The order test files start in. Vitest runs the files it has timings for longest first, and on a
 * fresh clone (no timings yet) the largest files first; the heaviest suites here live in helpers
 * behind four-line files, which would then start last and leave one worker running them alone at
 * the end. So the files known to be long start first, in this order, then the rest as vitest orders
 * them.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONG_FIRST = [
  'test/integration/crash.test.ts',
  'test/integration/cli.test.ts',
  'test/integration/bad-input.test.ts',
  'test/integration/chain.test.ts',
  'test/integration/crash-server.test.ts',
  'test/integration/chain-server.test.ts',
  'test/integration/fuzz.test.ts',
  'test/integration/kinds.test.ts',
  'test/unit/typecheck.test.ts',
];

export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = LONG_FIRST.indexOf(relative(f.project.config.root, f.moduleId));
      return i < 0 ? LONG_FIRST.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map((x) => x.f);
  }
}
