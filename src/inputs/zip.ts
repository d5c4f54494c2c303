/**
 * Zip containers (DESIGN §3.4): Alipay delivers its bills as a `csv.zip` holding a detail and a
 * summary entry, UnionPay its ZM file in a settlement zip. A profile names the entry it reads by a
 * pattern; that entry is extracted once, streaming, into the run's private temp directory, and read
 * like any other file from there (its fingerprint is the sha256 of the entry's content).
 *
 * Only what these files use is read: the central directory (entry names in UTF-8 when the entry
 * says so, else in GBK as Alipay writes them), entries stored or deflated, and no zip64.
 *
 * An entry is trusted no further than it must be (issue 23): it may inflate to its declared size
 * and no more (the inflating stops at the first byte past it), and it may declare at most
 * --max-inflate-ratio times its compressed size (checked before anything is written).
 */

import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fstatSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import { ByteLimit, ByteLimitError } from './byte-limit.js';
import { InputError } from './errors.js';

export interface ZipEntry {
  /** The name as the archive writes it: UTF-8 when flagged or given in a Unicode path field, else GBK. */
  name: string;
  /** Every reading of the name a pattern is matched against (an unflagged name may be UTF-8 too). */
  readings: string[];
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  /** Offset of the entry's local header. */
  offset: number;
}

/** Whether the bytes start like a zip archive (a local file header). */
export function isZipHead(head: Uint8Array): boolean {
  // A local file header, or the end record of an archive without entries.
  return (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06))
  );
}

/** Whether the file at `path` starts like a zip archive; false when it cannot be read (planning says why). */
export function isZipFile(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      return isZipHead(readAt(fd, 0, 4));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, b, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return b.subarray(0, got);
}

/** The entries of the zip archive `path` (`shown` names it in messages), from its central directory. */
export function listZip(path: string, shown: string): ZipEntry[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    // The end-of-central-directory record: 22 bytes and a comment of up to 65535.
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = readAt(fd, size - tailLen, tailLen);
    let eocd = -1;
    // The last such record whose comment reaches exactly to the end (a comment may hold the signature).
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50 && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
        eocd = i;
        break;
      }
    if (eocd < 0) throw new InputError(shown, 'is not a zip archive (no end of central directory)');
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || dirOffset === 0xffffffff)
      throw new InputError(shown, 'is a zip64 archive, which recon does not read');
    const dir = readAt(fd, dirOffset, dirSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50)
        throw new InputError(shown, 'has a damaged zip central directory');
      const flags = dir.readUInt16LE(p + 8);
      const nameLen = dir.readUInt16LE(p + 28);
      const extraLen = dir.readUInt16LE(p + 30);
      const commentLen = dir.readUInt16LE(p + 32);
      const nameBytes = dir.subarray(p + 46, p + 46 + nameLen);
      const readings = entryNames(
        nameBytes,
        (flags & 0x800) !== 0,
        dir.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen),
      );
      entries.push({
        name: readings[0]!,
        readings,
        method: dir.readUInt16LE(p + 10),
        crc: dir.readUInt32LE(p + 16),
        compressedSize: dir.readUInt32LE(p + 20),
        size: dir.readUInt32LE(p + 24),
        offset: dir.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/**
 * The readings of an entry's name: UTF-8 when the entry is flagged so, or from an Info-ZIP Unicode
 * path field (0x7075) when it has one; otherwise GBK, as Alipay writes names, and also UTF-8 when
 * the bytes are valid UTF-8 (Info-ZIP's zip on Linux writes UTF-8 names without the flag).
 */
function entryNames(name: Uint8Array, utf8Flag: boolean, extra: Uint8Array): string[] {
  if (utf8Flag) return [new TextDecoder('utf-8').decode(name)];
  for (let q = 0; q + 4 <= extra.length; ) {
    const id = extra[q]! | (extra[q + 1]! << 8);
    const size = extra[q + 2]! | (extra[q + 3]! << 8);
    if (id === 0x7075 && size >= 5 && extra[q + 4] === 1)
      return [new TextDecoder('utf-8').decode(extra.subarray(q + 9, q + 4 + size))];
    q += 4 + size;
  }
  const out = [new TextDecoder('gbk').decode(name)];
  try {
    const utf8 = new TextDecoder('utf-8', { fatal: true }).decode(name);
    if (utf8 !== out[0]) out.push(utf8);
  } catch {
    // not UTF-8: GBK only
  }
  return out;
}

/** The one entry whose name matches `pattern`; an error naming the entries otherwise. */
export function pickEntry(entries: readonly ZipEntry[], pattern: RegExp, shown: string, profile: string): ZipEntry {
  const matching = entries.filter((e) => e.readings.some((n) => pattern.test(n)));
  const names = entries.map((e) => e.name).join(', ') || 'none';
  if (matching.length === 0)
    throw new InputError(
      shown,
      `has no zip entry matching /${pattern.source}/ for profile ${profile} (its entries: ${names})`,
    );
  if (matching.length > 1)
    throw new InputError(
      shown,
      `has ${matching.length} zip entries matching /${pattern.source}/ for profile ${profile}: ${names}`,
    );
  const entry = matching[0]!;
  // Named as the reading that matched (an unflagged UTF-8 name is not shown as GBK mojibake).
  return { ...entry, name: entry.readings.find((n) => pattern.test(n))! };
}

/** The sha256 of `entry`'s content (a run's fingerprint of a zip input), streaming; `maxRatio` as extractZipEntry. */
export async function sha256OfZipEntry(
  path: string,
  entry: ZipEntry,
  shown: string,
  maxRatio: number,
): Promise<string> {
  const h = createHash('sha256');
  await extractZipEntry(
    path,
    entry,
    new Writable({
      write(chunk: Buffer, _enc, done) {
        h.update(chunk);
        done();
      },
    }),
    shown,
    maxRatio,
  );
  return h.digest('hex');
}

/**
 * Extracts `entry` of the zip archive `path` into `dest` (a file, or a stream), streaming, checking
 * its size and CRC-32. Refused, with no more than its declared size written (and a partial file
 * removed), when it inflates past that size; refused before anything is written when it declares
 * more than `maxRatio` (--max-inflate-ratio) times its compressed size.
 */
export async function extractZipEntry(
  path: string,
  entry: ZipEntry,
  dest: string | Writable,
  shown: string,
  maxRatio: number,
): Promise<void> {
  const fd = openSync(path, 'r');
  let dataStart: number;
  try {
    const local = readAt(fd, entry.offset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50)
      throw new InputError(shown, `zip entry ${entry.name} is damaged (no local header)`);
    dataStart = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    closeSync(fd);
  }
  if (entry.method !== 0 && entry.method !== 8)
    throw new InputError(
      shown,
      `zip entry ${entry.name} uses compression method ${entry.method}; recon reads stored and deflated entries`,
    );
  let crc = 0;
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      done(null, chunk);
    },
  });
  if (entry.compressedSize === 0) {
    if (entry.size !== 0) throw new InputError(shown, `zip entry ${entry.name} is damaged (no data)`);
    if (typeof dest === 'string') writeFileSync(dest, '');
    else dest.end();
    return;
  }
  // 0xffffffff in a size says "see the zip64 field": the sizes of an entry recon reads are below it.
  if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff)
    throw new InputError(shown, `zip entry ${entry.name} is a zip64 entry, which recon does not read`);
  if (entry.size > maxRatio * entry.compressedSize)
    throw new InputError(
      shown,
      `zip entry ${entry.name} declares ${entry.size} bytes from ${entry.compressedSize} compressed, more than --max-inflate-ratio ${maxRatio} allows (${maxRatio * entry.compressedSize} bytes); raise it if the archive is genuine`,
    );
  const source = createReadStream(path, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  // Stops the inflating at the first chunk past the declared size: at most that much goes on.
  const limit = new ByteLimit(entry.size);
  try {
    const sink = typeof dest === 'string' ? createWriteStream(dest) : dest;
    if (entry.method === 8) await pipeline(source, createInflateRaw(), limit, check, sink);
    else await pipeline(source, limit, check, sink);
  } catch (e) {
    if (typeof dest === 'string') rmSync(dest, { force: true });
    if (e instanceof ByteLimitError)
      throw new InputError(
        shown,
        `zip entry ${entry.name} inflates past its declared size of ${entry.size} bytes; refused as damaged or hostile`,
      );
    throw new InputError(
      shown,
      `cannot extract zip entry ${entry.name}: ${(e as Error).message}`,
      undefined,
      undefined,
      {
        cause: e,
      },
    );
  }
  if (size !== entry.size || crc >>> 0 !== entry.crc >>> 0) {
    if (typeof dest === 'string') rmSync(dest, { force: true });
    throw new InputError(shown, `zip entry ${entry.name} is damaged (its size or CRC-32 does not match)`);
  }
}
