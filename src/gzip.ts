/**
 * Compressed inputs: acquirers often send `.csv.gz`. A gzip input (recognised by its magic bytes,
 * whatever its name) is decompressed once, streaming, into the run's private temp directory, and
 * the scan reads that copy in byte ranges like any other file. Its fingerprint is the sha256 of
 * the decompressed content (workers/hash-file.ts), so the same rows delivered once plain and once
 * compressed are the same file to the duplicate-file check.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { gunzipWhy } from './core/gzip.js';
import { InputError } from './errors.js';

function gunzipError(shown: string, e: unknown): InputError {
  return new InputError(shown, `cannot decompress the gzip file: ${gunzipWhy(e)}`, undefined, undefined, { cause: e });
}

/** Decompresses `path` (shown to users as `shown`) into `dest`, streaming. */
export async function gunzipFile(path: string, dest: string, shown: string): Promise<void> {
  try {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(dest));
  } catch (e) {
    throw gunzipError(shown, e);
  }
}
