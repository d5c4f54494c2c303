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
import { daysFromCivil, daysInMonth, formatIsoDate } from '../core/dates.js';
import { aliasesFor, type MerchantTable } from '../core/merchants.js';
import type { Profile } from '../core/profile.js';
import { PlanError, planRecords } from '../core/profile-record.js';
import { MAX_LINE_BYTES } from '../core/reject.js';
import { type ColumnMap, HeaderError, mapHeader, type Side } from '../core/schema.js';
import { CsvSyntaxError, parseSmallCsv } from '../core/small-csv.js';
import { InputError } from '../inputs/errors.js';
import { type Figures, frameHead, frameTail, readFigures } from '../inputs/profiles/frame.js';
import { isZipHead } from '../inputs/zip.js';

const TAPER_RANGES = 2;
const TAPER_SPLIT = 4;

export interface Chunk {
  start: number;
  end: number;
  /**
   * One line longer than MAX_LINE_BYTES, which a cut between ranges fell in: the scan rejects it as
   * "line too long" from its first bytes, without reading it whole.
   */
  tooLong?: true;
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
  /** Byte offset just after the header line (a profile's: of its first record). */
  dataStart: number;
  chunks: Chunk[];
  /** Read through a profile (DESIGN §3.4): what framing its table found. */
  profile?: ProfileInput;
}

/** A file read through a profile: the profile, and its table's place and surroundings. */
export interface ProfileInput {
  readonly profile: Profile;
  /** Delimited layouts: the header's column names. */
  readonly header: string[] | null;
  /** The lines before the table (and its header), decoded. */
  readonly before: string[];
  /** The first record's line number. */
  readonly firstLine: number;
  /** Byte offset just past the last record's line: the summary and footer follow. */
  readonly dataEnd: number;
  /** The control totals the file states (checked against its records once scanned). */
  readonly figures: Figures[];
}

/** What a profile's records need from the run to be read: its date and the merchants' aliases. */
export interface ProfileContext {
  readonly profile: Profile;
  readonly runDay: number;
  readonly merchants: MerchantTable;
}

/** Bytes read at a time when looking for a header or a line end. */
const PROBE_BYTES = 64 * 1024;
/** A header longer than this is not a header of ours. */
const MAX_HEADER_BYTES = 1 << 20;

function readAt(fd: number, pos: number, len: number, into: Buffer = Buffer.allocUnsafe(len)): Buffer {
  const n = readSync(fd, into, 0, len, pos);
  return into.subarray(0, n);
}

/**
 * Offset just after the first '\n' in [pos, limit), or −1 when there is none; read PROBE_BYTES at a
 * time into `probe`, however far the line goes.
 */
function nextLineStart(fd: number, pos: number, limit: number, probe: Buffer): number {
  while (pos < limit) {
    const buf = readAt(fd, pos, Math.min(PROBE_BYTES, limit - pos), probe);
    if (buf.length === 0) return -1;
    const nl = buf.indexOf(10);
    if (nl >= 0) return pos + nl + 1;
    pos += buf.length;
  }
  return -1;
}

/** Offset just after the last '\n' in [from, pos), or `from` when there is none; read backwards. */
function lineStartBefore(fd: number, from: number, pos: number, probe: Buffer): number {
  while (pos > from) {
    const len = Math.min(PROBE_BYTES, pos - from);
    const buf = readAt(fd, pos - len, len, probe);
    const nl = buf.lastIndexOf(10);
    if (nl >= 0) return pos - len + nl + 1;
    pos -= len;
  }
  return from;
}

/**
 * The byte ranges of data[start, dataEnd), each cut just after a line end (module comment). A line
 * that a cut falls in and that runs on for more than MAX_LINE_BYTES is a range of its own, marked
 * tooLong, so that no range holds more than its step plus MAX_LINE_BYTES, whatever the file holds.
 */
function cutRanges(fd: number, start: number, dataEnd: number, chunkBytes: number): Chunk[] {
  const probe = Buffer.allocUnsafe(PROBE_BYTES);
  const chunks: Chunk[] = [];
  while (start < dataEnd) {
    const step = dataEnd - start <= TAPER_RANGES * chunkBytes ? Math.ceil(chunkBytes / TAPER_SPLIT) : chunkBytes;
    const cut = start + step;
    if (cut >= dataEnd) {
      chunks.push({ start, end: dataEnd });
      break;
    }
    const end = nextLineStart(fd, cut, Math.min(dataEnd, cut + MAX_LINE_BYTES), probe);
    if (end >= 0 || dataEnd <= cut + MAX_LINE_BYTES) {
      // The scan rejects a long line inside a range it reads (the range stays bounded).
      chunks.push({ start, end: end >= 0 ? end : dataEnd });
      start = end >= 0 ? end : dataEnd;
      continue;
    }
    const lineStart = lineStartBefore(fd, start, cut, probe);
    const lineEnd = nextLineStart(fd, cut + MAX_LINE_BYTES, dataEnd, probe);
    if (lineStart > start) chunks.push({ start, end: lineStart });
    chunks.push({ start: lineStart, end: lineEnd >= 0 ? lineEnd : dataEnd, tooLong: true });
    start = lineEnd >= 0 ? lineEnd : dataEnd;
  }
  return chunks;
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

/** Bytes of a file's end read for a profile's summary and footer lines. */
const TAIL_BYTES = 64 * 1024;

/**
 * Plans `path` (as named to the user), reading its bytes from `readFrom` (its decompressed copy when
 * gzip); with `profile`, in that profile's layout.
 */
export function planFile(
  path: string,
  side: Side,
  fileNo: number,
  chunkBytes: number,
  readFrom: string = path,
  profile?: ProfileContext,
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
  // A profile's layout without a header line (UnionPay's ZM) has nothing at all on a day without records.
  const headerless = profile !== undefined && !profile.profile.lines.header && !profile.profile.lines.end;
  if (size === 0 && !headerless)
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
    let columns: ColumnMap;
    let dataStart: number;
    let dataEnd = size;
    let input: ProfileInput | undefined;
    if (profile) {
      const framed = frameProfile(path, side, fd, head, size, profile);
      input = framed.input;
      columns = { side, names: input.header ?? fieldNames(profile.profile), fields: [], state: false };
      dataStart = Math.min(framed.dataStart, input.dataEnd);
      dataEnd = input.dataEnd;
    } else {
      if (isZipHead(head))
        throw new InputError(
          path,
          `is a zip archive: recon's own layout reads .csv or .csv.gz files; give --${side}-format with a profile that reads zips`,
        );
      const nl = head.indexOf(10);
      if (nl < 0 && size > head.length) throw new InputError(path, 'the header line is longer than 1 MiB', 1);
      const headerEnd = nl < 0 ? head.length : nl;
      columns = parseHeaderLine(head.subarray(0, headerEnd), side, path);
      dataStart = nl < 0 ? size : nl + 1;
    }
    const chunks = cutRanges(fd, dataStart, dataEnd, chunkBytes);
    return {
      fileNo,
      side,
      path: abs,
      readPath: src,
      shown: path,
      size,
      columns,
      dataStart,
      chunks,
      ...(input ? { profile: input } : {}),
    };
  } finally {
    closeSync(fd);
  }
}

function fieldNames(profile: Profile): string[] {
  return profile.layout.kind === 'fixed' ? profile.layout.fields.map((f) => f.name) : [];
}

/** Frames a profile's file: where its records are, its header and totals, and that its columns fit. */
function frameProfile(
  path: string,
  side: Side,
  fd: number,
  head: Buffer,
  size: number,
  ctx: ProfileContext,
): { input: ProfileInput; dataStart: number } {
  const { profile } = ctx;
  if (profile.side !== side)
    throw new InputError(path, `profile ${profile.name} reads ${profile.side} files, not ${side} files`);
  if (isZipHead(head))
    throw new InputError(
      path,
      `is a zip archive, but profile ${profile.name} reads plain files (its "container" is not "zip")`,
    );
  const h = frameHead(profile, head, path, head.length === size);
  if (profile.fileDate) {
    // A bill of another day would be reconciled as if it were this run's: refused instead.
    const m = h.before.map((l) => profile.fileDate!.exec(l)).find((x) => x !== null);
    if (!m)
      throw new InputError(
        path,
        `does not fit profile ${profile.name}: no line states its date (/${profile.fileDate.source}/)`,
      );
    const dayOf = (k: number): number => {
      const [y, mo, d] = [Number(m[k]), Number(m[k + 1]), Number(m[k + 2])];
      if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)))
        throw new InputError(path, `states its date as ${m[k]}-${m[k + 1]}-${m[k + 2]}, which is no date (${m[0]})`);
      return daysFromCivil(y, mo, d);
    };
    const day = dayOf(1);
    if (day !== ctx.runDay)
      throw new InputError(
        path,
        `is the bill of ${formatIsoDate(day)}, not of the run's date ${formatIsoDate(ctx.runDay)}`,
      );
    // With its span's last day (Alipay's 终止日期: the same day, or the next at 00:00:00): one day.
    if (m.length > 4) {
      const last = dayOf(4);
      if (last !== day && last !== day + 1)
        throw new InputError(
          path,
          `is a bill of ${formatIsoDate(day)} to ${formatIsoDate(last)}, not of one day: recon reconciles a bill of the run's date`,
        );
    }
  }
  const tailStart = Math.max(h.dataStart, size - TAIL_BYTES);
  const tail = frameTail(
    profile,
    readAt(fd, tailStart, size - tailStart),
    tailStart,
    size,
    path,
    tailStart === h.dataStart,
  );
  const figures = readFigures(profile, tail.after, path);
  try {
    planRecords(profile, h.header, {
      runDay: ctx.runDay,
      before: h.before,
      aliases: profile.platform ? aliasesFor(ctx.merchants, profile.platform) : new Map(),
    });
  } catch (e) {
    if (e instanceof PlanError) throw new InputError(path, `does not fit profile ${profile.name}: ${e.message}`);
    throw e;
  }
  return {
    input: { profile, header: h.header, before: h.before, firstLine: h.firstLine, dataEnd: tail.dataEnd, figures },
    dataStart: h.dataStart,
  };
}
