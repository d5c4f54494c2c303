/**
 * Files of the package itself (the shipped calendar and profiles, the worker bundle: src/run/pool.ts),
 * found from the package root so that they resolve the same from src/ (tests) and from dist/ (the CLI).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('recon: cannot find the package root');
    dir = up;
  }
}

export function packagePath(rel: string): string {
  return join(packageRoot(), rel);
}
