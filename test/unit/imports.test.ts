/**
 * The one-way import rule of DESIGN §9 and no circles (`npm run deps`: dependency-cruiser with
 * .dependency-cruiser.cjs, which names the rule and both files of each violation), as one test
 * beside the others: it runs in a child process while the other files run, instead of before them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { packagePath } from '../../src/core/package-path.js';

it('finds no import against the layout and no circle', async () => {
  const depcruise = packagePath('node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const args = [depcruise, 'src', 'workers', '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long'];
  const out = await promisify(execFile)(process.execPath, args, { cwd: packagePath('.'), maxBuffer: 64 << 20 }).then(
    () => '',
    (e: { stdout?: string; stderr?: string; message: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message,
  );
  expect(out, 'npm run deps').toBe('');
});
