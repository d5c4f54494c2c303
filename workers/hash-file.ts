/**
 * File fingerprint task: sha256 of a whole input file, streamed in fixed-size reads so memory stays
 * flat whatever the file size (of a gzip file, of its decompressed content). The store refuses a
 * file whose fingerprint a run already loaded.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { gunzipWhy, isGzipFile } from '../src/core/gzip-file.js';

/** Read size of the fingerprint loop: large enough to amortise the syscall, small next to RAM. */
const READ_BYTES = 4 << 20;

/** The fingerprint of an input file: sha256 of its content, decompressed when it is gzip. */
export async function sha256Input(path: string): Promise<string> {
  return isGzipFile(path) ? sha256OfGzip(path) : sha256File(path);
}

/** sha256 of a gzip file's decompressed content, streaming. */
async function sha256OfGzip(path: string): Promise<string> {
  const h = createHash('sha256');
  try {
    await pipeline(
      createReadStream(path),
      createGunzip(),
      new Writable({
        write(chunk: Buffer, _enc, done) {
          h.update(chunk);
          done();
        },
      }),
    );
  } catch (e) {
    throw new Error(`cannot decompress the gzip file: ${gunzipWhy(e)}`, { cause: e });
  }
  return h.digest('hex');
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
