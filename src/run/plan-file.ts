/**
 * Plan (DESIGN §9 step 1): check each input file, read its header, and split the rest into byte
 * ranges of about `chunkBytes`, each cut just after a line end, for the scan tasks. The last
 * TAPER_RANGES × chunkBytes of a file go in ranges a TAPER_SPLIT-th that size: the scan ends with
 * its last range, and a worker that takes a small one finishes soon after the other instead of up
 * to a whole range (~0.2–0.4 s at 16 MiB here) later; a file smaller than that is scanned by
 * several workers instead of one.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ColumnMap, HeaderError, mapHeader, type Side } from '../core/schema.js';
import { InputError } from '../errors.js';
import { CsvSyntaxError, parseSmallCsv } from '../small-csv.js';

const TAPER_RANGES = 2;
const TAPER_SPLIT = 4;

export interface Chunk {
  start: number;
  end: number;
}

export interface FilePlan {
  fileNo: number;
  side: Side;
  /** Absolute path, as recorded in the store. */
  path: string;
  /** Where the bytes are read: the path itself, or the decompressed copy of a gzip file. */
  readPath: string;
  /** Path as the user gave it, for messages. */
  shown: string;
  size: number;
  columns: ColumnMap;
  /** Byte offset just after the header line. */
  dataStart: number;
  chunks: Chunk[];
}

/** Bytes read at a time when looking for a header or a line end. */
const PROBE_BYTES = 64 * 1024;
/** A header longer than this is not a header of ours. */
const MAX_HEADER_BYTES = 1 << 20;

function readAt(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.allocUnsafe(len);
  const n = readSync(fd, buf, 0, len, pos);
  return buf.subarray(0, n);
}

/** Offset just after the first '\n' at or after `pos`, or `size` when there is none. */
function nextLineStart(fd: number, pos: number, size: number): number {
  while (pos < size) {
    const buf = readAt(fd, pos, Math.min(PROBE_BYTES, size - pos));
    if (buf.length === 0) return size;
    const nl = buf.indexOf(10);
    if (nl >= 0) return pos + nl + 1;
    pos += buf.length;
  }
  return size;
}

/** Parses a header line (bytes without the line break) into column names; `shown` names the file. */
export function parseHeaderLine(bytes: Uint8Array, side: Side, shown: string, allowState = false): ColumnMap {
  let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (text.trim() === '') throw new InputError(shown, 'the header line is empty', 1);
  let names: string[];
  try {
    names = parseSmallCsv(text)[0]?.fields ?? [];
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new InputError(shown, `bad header: ${e.message}`, 1);
    throw e;
  }
  try {
    return mapHeader(side, names, allowState);
  } catch (e) {
    if (e instanceof HeaderError) throw new InputError(shown, e.message, 1, e.column);
    throw e;
  }
}

/** Plans `path` (as named to the user), reading its bytes from `readFrom` (its decompressed copy when gzip). */
export function planFile(
  path: string,
  side: Side,
  fileNo: number,
  chunkBytes: number,
  readFrom: string = path,
): FilePlan {
  const abs = resolve(path);
  const src = resolve(readFrom);
  let size: number;
  try {
    const st = statSync(src);
    if (!st.isFile()) throw new InputError(path, 'not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      path,
      code === 'ENOENT' ? `${side} file not found` : `cannot read the ${side} file: ${(e as Error).message}`,
      undefined,
      undefined,
      { cause: e },
    );
  }
  if (size === 0)
    throw new InputError(path, `empty ${side} file (no header line)${src !== abs ? ' once decompressed' : ''}`);
  let fd: number;
  try {
    fd = openSync(src, 'r');
  } catch (e) {
    throw new InputError(path, `cannot open the ${side} file: ${(e as Error).message}`, undefined, undefined, {
      cause: e,
    });
  }
  try {
    const head = readAt(fd, 0, Math.min(size, MAX_HEADER_BYTES));
    if (head[0] === 0x1f && head[1] === 0x8b) throw new InputError(path, 'is compressed twice (gzip inside gzip)');
    const nl = head.indexOf(10);
    if (nl < 0 && size > head.length) throw new InputError(path, 'the header line is longer than 1 MiB', 1);
    const headerEnd = nl < 0 ? head.length : nl;
    const columns = parseHeaderLine(head.subarray(0, headerEnd), side, path);
    const dataStart = nl < 0 ? size : nl + 1;
    const chunks: Chunk[] = [];
    let start = dataStart;
    while (start < size) {
      const step = size - start <= TAPER_RANGES * chunkBytes ? Math.ceil(chunkBytes / TAPER_SPLIT) : chunkBytes;
      let end = start + step >= size ? size : nextLineStart(fd, start + step, size);
      if (end <= start) end = size;
      chunks.push({ start, end });
      start = end;
    }
    return { fileNo, side, path: abs, readPath: src, shown: path, size, columns, dataStart, chunks };
  } finally {
    closeSync(fd);
  }
}
