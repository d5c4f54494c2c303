/**
 * Compressed inputs: acquirers often send `.csv.gz`. A gzip input (recognised by its magic bytes,
 * whatever its name) is decompressed once, streaming, into the run's private temp directory, and
 * the scan reads that copy in byte ranges like any other file. Its fingerprint is the sha256 of
 * the decompressed content (workers/hash-file.ts), so the same rows delivered once plain and once
 * compressed are the same file to the duplicate-file check.
 *
 * A gzip input may decompress to at most --max-inflate-ratio times its own size (issue 23): past
 * that it is refused as a decompression bomb, with no more than the bound written, and the partial
 * copy removed.
 */
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { gunzipWhy } from '../core/gzip-file.js';
import { ByteLimit, ByteLimitError } from './byte-limit.js';
import { InputError } from './errors.js';

function gunzipError(shown: string, e: unknown): InputError {
  return new InputError(shown, `cannot decompress the gzip file: ${gunzipWhy(e)}`, undefined, undefined, { cause: e });
}

/**
 * Decompresses `path` (shown to users as `shown`) into `dest`, streaming; refused once the output
 * passes `maxRatio` times the size of `path`.
 */
export async function gunzipFile(path: string, dest: string, shown: string, maxRatio: number): Promise<void> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw gunzipError(shown, e);
  }
  const limit = maxRatio * size;
  try {
    await pipeline(createReadStream(path), createGunzip(), new ByteLimit(limit), createWriteStream(dest));
  } catch (e) {
    rmSync(dest, { force: true });
    if (e instanceof ByteLimitError)
      throw new InputError(
        shown,
        `the gzip file decompresses to more than ${maxRatio} times its ${size} bytes (--max-inflate-ratio ${maxRatio}: ${limit} bytes); refused as a decompression bomb, raise the flag if the file is genuine`,
      );
    throw gunzipError(shown, e);
  }
}
