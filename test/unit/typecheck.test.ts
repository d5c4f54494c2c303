/**
 * The type check of everything (src, workers, data-gen, bench, tests) under the strict settings of
 * tsconfig.json, as one test beside the others: the global setup's build only emits (--noCheck),
 * and starts the check in its own process at the same moment (test/global-setup.ts); this waits
 * for its result.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, inject, it } from 'vitest';

it('type-checks the whole project without an error', async () => {
  const result = inject('typecheckResult');
  while (!existsSync(result)) await sleep(100);
  expect(readFileSync(result, 'utf8'), 'tsgo -p tsconfig.json').toBe('');
});
