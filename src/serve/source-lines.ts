/**
 * A finding's source lines, read from the kept input files for the finding page (DESIGN §11: both
 * sides' lines side by side, read from the files, else what the store holds). The store keeps each
 * side's file (its path, its size as the run read it, the run that loaded it) and line number; the
 * line is found by counting newlines from the start, in bounded chunks, never by reading the file
 * whole.
 *
 * When the file's line is not shown (the page shows the store's values instead), and why:
 * - the file is gone, or unreadable;
 * - it is a gzip or zip file: the run read its decompressed copy, which was the run's own and is gone;
 * - it changed since the run: its size is not the size the run read, or it was modified after the
 *   run was committed (size and mtime only: checking its sha256 would read the whole file — a
 *   nightly file of a GB — at every page view), or, in recon's own layout, the line does not hold
 *   the finding's merchant;
 * - the line lies more than 512 MiB past what this process has counted of the file so far (each
 *   view counts on from there: the counted lines are remembered, CHECKPOINT_BYTES apart, per file),
 *   or is longer than 16 KiB (READ_LIMITS).
 * Card numbers in the line are masked as in rejected rows (first 6 and last 4 digits shown).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FindingSource } from '../cases/case-detail.js';
import { maskCardNumbers } from '../core/card-mask.js';
import { parseSmallCsv } from '../core/small-csv.js';

/** Where a side's row is, as the store records it (1-based line: line 1 is the header in recon's own layout). */
export type SourceRef = FindingSource;

export type SourceLine =
  | { readonly ok: true; readonly text: string; readonly fields: readonly (readonly [string, string])[] | null }
  | { readonly ok: false; readonly why: string };

/** How far one view reads: bytes counted past the last remembered place, and the longest line shown. */
export interface ReadLimits {
  readonly maxScanBytes: number;
  readonly maxLineBytes: number;
}
export const READ_LIMITS: ReadLimits = Object.freeze({ maxScanBytes: 512 << 20, maxLineBytes: 16 << 10 });
/** Bytes read at a time. */
const CHUNK_BYTES = 1 << 20;
/** Places remembered per file: a line's number and offset every this many bytes. */
const CHECKPOINT_BYTES = 4 << 20;
/** Files whose places are remembered (the least recently used forgotten). */
const CACHED_FILES = 64;

interface Places {
  /** Line numbers, ascending, each with the offset its line starts at. */
  lines: number[];
  offsets: number[];
}
const placesByFile = new Map<string, Places>();

function placesOf(key: string): Places {
  let p = placesByFile.get(key);
  if (p) placesByFile.delete(key);
  else p = { lines: [1], offsets: [0] };
  placesByFile.set(key, p);
  while (placesByFile.size > CACHED_FILES) placesByFile.delete(placesByFile.keys().next().value!);
  return p;
}

/** The remembered place at or before `line`. */
function nearest(p: Places, line: number): { line: number; offset: number } {
  let lo = 0;
  let hi = p.lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.lines[mid]! <= line) lo = mid;
    else hi = mid - 1;
  }
  return { line: p.lines[lo]!, offset: p.offsets[lo]! };
}

function remember(p: Places, line: number, offset: number): void {
  if (line > p.lines.at(-1)!) {
    p.lines.push(line);
    p.offsets.push(offset);
  }
}

function mib(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes} bytes`;
}

/** The text of a line's bytes: UTF-8, else GB18030 (the Chinese acquirers' bills), else UTF-8 with replacements. */
function decode(b: Uint8Array): string {
  for (const enc of ['utf-8', 'gb18030']) {
    try {
      return new TextDecoder(enc, { fatal: true }).decode(b);
    } catch {
      // not this encoding
    }
  }
  return new TextDecoder('utf-8').decode(b);
}

/** Bytes `[at, at + n)` of the file (fewer at its end). */
function readAt(fd: number, at: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let got = 0;
  while (got < n) {
    const r = readSync(fd, b, got, n - got, at + got);
    if (r === 0) break;
    got += r;
  }
  return b.subarray(0, got);
}

/** A whole line starting at `offset` (without its line break), or null when it is longer than `max`. */
function lineAt(fd: number, offset: number, max: number): Buffer | null {
  const b = readAt(fd, offset, max + 2);
  let end = b.indexOf(10);
  if (end < 0) {
    if (b.length > max) return null;
    end = b.length;
  }
  if (end > 0 && b[end - 1] === 13) end--;
  return end > max ? null : b.subarray(0, end);
}

/**
 * The line `ref` points at, or why it is not shown. `merchant`: the finding's merchant id, which a
 * line of recon's own layout holds.
 */
export function readSourceLine(ref: SourceRef, merchant: string, limits: ReadLimits = READ_LIMITS): SourceLine {
  let fd: number;
  try {
    fd = openSync(ref.path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, why: code === 'ENOENT' ? 'the file is gone' : `the file cannot be read (${code})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, why: 'the path is no longer a file' };
    const head = readAt(fd, 0, 4);
    if (head[0] === 0x1f && head[1] === 0x8b)
      return { ok: false, why: 'it is a gzip file: the run read a decompressed copy of its own, which is gone' };
    if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4)
      return { ok: false, why: 'it is a zip archive: the run read an extracted copy of its own, which is gone' };
    if (st.size !== ref.bytes)
      return { ok: false, why: `the file changed since the run (${st.size} bytes now, ${ref.bytes} when it was read)` };
    if (st.mtimeMs > ref.committedAt)
      return { ok: false, why: 'the file was modified after the run that read it was committed' };

    const places = placesOf(`${ref.path}\0${st.size}\0${st.mtimeMs}`);
    let { line, offset } = nearest(places, ref.line);
    let scanned = 0;
    let sinceCheckpoint = 0;
    const fewer = { ok: false, why: `the file has fewer than ${ref.line} lines` } as const;
    while (line < ref.line) {
      const chunk = readAt(fd, offset, CHUNK_BYTES);
      if (chunk.length === 0) return fewer;
      let i = 0;
      for (;;) {
        const nl = chunk.indexOf(10, i);
        if (nl < 0) break;
        i = nl + 1;
        line++;
        if (line === ref.line) break;
      }
      if (i === 0) return chunk.length < CHUNK_BYTES ? fewer : { ok: false, why: `line ${line} is longer than 1 MiB` };
      // `offset` moves to the start of line `line`: just after the last line break counted.
      offset += i;
      scanned += i;
      sinceCheckpoint += i;
      if (sinceCheckpoint >= CHECKPOINT_BYTES) {
        remember(places, line, offset);
        sinceCheckpoint = 0;
      }
      if (line < ref.line && scanned > limits.maxScanBytes) {
        // The place reached is remembered: the next view of a line further on starts from it.
        remember(places, line, offset);
        return {
          ok: false,
          why: `the line lies more than ${mib(limits.maxScanBytes)} further into the file than this console has counted (line ${line} so far; the next view counts on)`,
        };
      }
    }
    // A line break at the very end ends the last line: nothing follows it.
    if (offset >= st.size && ref.line > 1) return fewer;
    const bytes = lineAt(fd, offset, limits.maxLineBytes);
    if (bytes === null) return { ok: false, why: `the line is longer than ${limits.maxLineBytes} bytes` };
    const masked = new Uint8Array(bytes);
    maskCardNumbers(masked, 0, masked.length);
    const text = decode(masked);
    const fields = ref.format === 'recon' ? ownFields(fd, text, limits.maxLineBytes) : null;
    if (fields) {
      const m = fields.find(([k]) => k === 'merchant_id');
      if (m && m[1] !== merchant)
        return { ok: false, why: "the line no longer holds the finding's merchant: the file changed since the run" };
    }
    return { ok: true, text, fields };
  } finally {
    closeSync(fd);
  }
}

/** A line of recon's own layout as (column, value) pairs by the file's header, or null when it does not parse. */
function ownFields(fd: number, text: string, max: number): [string, string][] | null {
  const header = lineAt(fd, 0, max);
  if (header === null) return null;
  try {
    const names = parseSmallCsv(decode(header))[0]?.fields;
    const values = parseSmallCsv(text)[0]?.fields;
    if (!names || !values || names.length !== values.length) return null;
    return names.map((n, i) => [n.trim(), values[i]!]);
  } catch {
    return null;
  }
}
