/**
 * File fingerprint task: sha256 of a whole input file, streamed in fixed-size reads so memory stays
 * flat whatever the file size (of a gzip file, of its decompressed content). The store refuses a
 * file whose fingerprint a run already loaded.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { isGzipFile, sha256OfGzip } from '../src/gzip.js';

/** Read size of the fingerprint loop: large enough to amortise the syscall, small next to RAM. */
const READ_BYTES = 4 << 20;

/** The fingerprint of an input file: sha256 of its content, decompressed when it is gzip. */
export async function sha256Input(path: string): Promise<string> {
  return isGzipFile(path) ? sha256OfGzip(path) : sha256File(path);
}

export function sha256File(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(READ_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, READ_BYTES, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}
