/**
 * The run's private directories under --spill-dir (or the OS temp dir): decompressed gzip inputs
 * (plan stage) and spill files (scan stage). Each is made when a stage first needs it and removed
 * when the run ends, whether it succeeded or not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../core/usage-error.js';

export class TempDirs {
  private readonly made: string[] = [];

  /** `spillDir`: --spill-dir; undefined for the OS temp dir. */
  constructor(private readonly spillDir: string | undefined) {}

  /** A new private directory named `prefix…`; `what` it is for goes into the error when none can be made. */
  make(prefix: string, what: string): string {
    const base = this.spillDir ?? tmpdir();
    let dir: string;
    try {
      dir = mkdtempSync(join(base, prefix));
    } catch (e) {
      throw new UsageError(
        `--spill-dir ${base}: cannot make a directory there ${what} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      );
    }
    this.made.push(dir);
    return dir;
  }

  /** Removes every directory made so far, with its files. */
  removeAll(): void {
    for (const dir of this.made.splice(0).reverse()) rmSync(dir, { recursive: true, force: true });
  }
}
