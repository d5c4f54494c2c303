/**
 * The type check of everything (src, workers, data-gen, bench, tests) under the strict settings of
 * tsconfig.json, as one test beside the others: the global setup's build only emits (--noCheck).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { packagePath } from '../../src/core/package-path.js';

it('type-checks the whole project without an error', async () => {
  const tsc = packagePath('node_modules/typescript/bin/tsc');
  const info = packagePath('dist/.tsbuildinfo-check');
  const args = [tsc, '-p', packagePath('tsconfig.json'), '--incremental', '--tsBuildInfoFile', info];
  const out = await promisify(execFile)(process.execPath, args, { cwd: packagePath('.') }).then(
    () => '',
    (e: { stdout?: string; message: string }) => e.stdout || e.message,
  );
  expect(out, 'tsc -p tsconfig.json').toBe('');
});
