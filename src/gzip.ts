/**
 * Compressed inputs: acquirers often send `.csv.gz`. A gzip input (recognised by its magic bytes,
 * whatever its name) is decompressed once, streaming, into the run's private temp directory, and
 * the scan reads that copy in byte ranges like any other file. Its fingerprint is the sha256 of
 * the decompressed content, so the same rows delivered once plain and once compressed are the same
 * file to the duplicate-file check.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, openSync, readSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from './errors.js';

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

function gunzipError(shown: string, e: unknown): InputError {
  const err = e as NodeJS.ErrnoException;
  const why =
    err.code === 'Z_BUF_ERROR'
      ? 'the file is truncated'
      : err.code === 'ENOSPC'
        ? 'no space left to decompress it'
        : err.message;
  return new InputError(shown, `cannot decompress the gzip file: ${why}`, undefined, undefined, { cause: e });
}

/** Decompresses `path` (shown to users as `shown`) into `dest`, streaming. */
export async function gunzipFile(path: string, dest: string, shown: string): Promise<void> {
  try {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(dest));
  } catch (e) {
    throw gunzipError(shown, e);
  }
}

/** sha256 of a gzip file's decompressed content, streaming. */
export async function sha256OfGzip(path: string): Promise<string> {
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
    throw gunzipError(path, e);
  }
  return h.digest('hex');
}
