/**
 * What the coordinator (src/inputs/gunzip-input.ts) and the fingerprint task (workers/hash-file.ts)
 * both know of gzip files.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Whether the file starts with the gzip magic bytes (1f 8b). */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Why a gzip stream could not be decompressed, in words. */
export function gunzipWhy(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'Z_BUF_ERROR'
    ? 'the file is truncated'
    : err.code === 'ENOSPC'
      ? 'no space left to decompress it'
      : err.message;
}
