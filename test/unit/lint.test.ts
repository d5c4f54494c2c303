/**
 * Biome's lint and format check of the whole project (`npm run lint`: biome ci .), as one test
 * beside the others: it runs in a child process while the other files run, instead of before them.
 * `npm run format` fixes what is only formatting.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { packagePath } from '../../src/core/package-path.js';

it('finds nothing to fix in the lint and the format', async () => {
  const biome = packagePath('node_modules/@biomejs/biome/bin/biome');
  const out = await promisify(execFile)(process.execPath, [biome, 'ci', '--colors=off', '.'], {
    cwd: packagePath('.'),
    maxBuffer: 64 << 20,
  }).then(
    () => '',
    (e: { stdout?: string; stderr?: string; message: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message,
  );
  expect(out, 'biome ci .').toBe('');
});
