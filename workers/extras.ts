/**
 * The open items' columns that row batches do not carry (DESIGN §9 step 3: batch_no, pan_masked,
 * currency, net_minor, clearing_date), read back from the rows' own lines by locator
 * (`src_offset`, batch.ts) when the settle task writes the open items.
 *
 * The lines are read again by the scan's own row function for their file's header and side (scan.ts
 * readBackExtras): the same rules, one definition, so an open item stores exactly what the scan
 * validated, a full card number masked as on the first reading. Each line read back must be the
 * row the batch holds (merchant, stan, amount): a file changed while the run read it fails the run
 * instead of storing another row's values.
 *
 * Reads: the rows come sorted by source (file, then line), so each file is read forward once, in
 * blocks that cover the next few rows when they are near each other and in single lines when they
 * are far apart (a few percent of a night's rows stay open).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { allocExtras, type ExtraColumns, type RowBatch } from '../src/core/batch.js';
import { FLAG_CARRIED } from '../src/core/codes.js';
import type { CalendarSpec } from '../src/core/dates.js';
import type { MerchantTable } from '../src/core/merchants.js';
import type { Side } from '../src/core/schema.js';
import type { ProfileSource, RowSources } from '../src/core/tasks.js';
import { INPUT_CHANGED } from '../src/core/worker-error-messages.js';
import { readBackExtras } from './scan.js';

/** What the scan needs besides the bytes (the same as the run's scan tasks had). */
export interface RescanContext {
  runDay: number;
  grace: number;
  calendar: CalendarSpec;
  merchants: MerchantTable;
}

const NL = 10;
/** Smallest read: a line is ~150 bytes; a read of a few more costs the same syscall. */
const MIN_READ = 1024;
/** Largest read of the forward block reader. */
const MAX_READ = 256 * 1024;
/** How many rows ahead a read looks to decide whether a block covers them. */
const LOOKAHEAD = 32;

/**
 * The extra columns of rows[0..n) of B, entry k for row rows[k]. The rows must be sorted by source
 * (settle.ts bySource): carried rows by the store's order, the rest by file and line.
 */
export function readExtras(
  B: RowBatch,
  rows: Int32Array,
  side: Side,
  sources: RowSources,
  ctx: RescanContext,
): ExtraColumns {
  const out = allocExtras(rows.length);
  let k = 0;
  while (k < rows.length) {
    // A group: consecutive rows from one source.
    const carried = (B.flags[rows[k]!]! & FLAG_CARRIED) !== 0;
    const fileNo = carried ? 0 : B.src_file[rows[k]!]!;
    let g = k + 1;
    while (g < rows.length) {
      const i = rows[g]!;
      const c = (B.flags[i]! & FLAG_CARRIED) !== 0;
      if (c !== carried || (!c && B.src_file[i] !== fileNo)) break;
      g++;
    }
    const group = rows.subarray(k, g);
    let lines: LineBuffer;
    let fields: readonly number[];
    let where: string;
    let profile: ProfileSource | undefined;
    if (carried) {
      if (sources.store === null) throw new Error(`internal: a carried ${side} row without the open-item store's rows`);
      lines = linesInMemory(B, group, sources.store.bytes);
      fields = sources.store.fields;
      where = `the open-item store (${side})`;
    } else {
      const file = sources.files.find((f) => f.fileNo === fileNo);
      if (file === undefined) throw new Error(`internal: no input file ${fileNo} for a ${side} row`);
      lines = linesInFile(B, group, file.path);
      fields = file.fields;
      where = file.path;
      profile = file.profile;
    }
    const task = {
      ...ctx,
      chunk: 0,
      side,
      fields,
      state: carried,
      fileNo: 0,
      partitions: 1,
      ...(profile ? { profile } : {}),
    };
    const bad = readBackExtras(lines.bytes, lines.length, task, B, group, out);
    if (bad >= 0)
      throw new Error(`${where} ${INPUT_CHANGED}: line ${B.src_line[group[bad]!]} is not the row the run scanned`);
    k = g;
  }
  return out;
}

interface LineBuffer {
  bytes: Uint8Array;
  length: number;
}

function pushLine(into: LineBuffer, src: Uint8Array, s: number, e: number): void {
  const need = into.length + (e - s) + 1;
  if (need > into.bytes.length) {
    const grown = new Uint8Array(Math.max(need, into.bytes.length * 2));
    grown.set(into.bytes.subarray(0, into.length));
    into.bytes = grown;
  }
  into.bytes.set(src.subarray(s, e), into.length);
  into.length += e - s;
  into.bytes[into.length++] = NL;
}

/** The rows' lines from bytes in memory, one line each. */
function linesInMemory(B: RowBatch, rows: Int32Array, bytes: Uint8Array): LineBuffer {
  const out: LineBuffer = { bytes: new Uint8Array(rows.length * 256 + 1024), length: 0 };
  for (let k = 0; k < rows.length; k++) {
    const s = B.src_offset[rows[k]!]!;
    const nl = bytes.indexOf(NL, s);
    pushLine(out, bytes, s, nl < 0 ? bytes.length : nl);
  }
  return out;
}

/** The rows' lines from a file, read forward (rows sorted by line). */
function linesInFile(B: RowBatch, rows: Int32Array, path: string): LineBuffer {
  const out: LineBuffer = { bytes: new Uint8Array(rows.length * 256 + 1024), length: 0 };
  let block = new Uint8Array(MAX_READ);
  let blockStart = 0; // file offset of block[0]
  let blockLength = 0;
  let blockEof = false;
  const fd = openSync(path, 'r');
  try {
    for (let k = 0; k < rows.length; k++) {
      const off = B.src_offset[rows[k]!]!;
      let s = off - blockStart;
      let nl = s >= 0 && s < blockLength ? block.subarray(0, blockLength).indexOf(NL, s) : -1;
      if (nl < 0 && !(blockEof && s >= 0 && s < blockLength)) {
        // Read from the line's start: enough for the next rows when they are close, else the line.
        const ahead = k + LOOKAHEAD < rows.length ? B.src_offset[rows[k + LOOKAHEAD]!]! - off : 0;
        let size = Math.min(MAX_READ, Math.max(MIN_READ, ahead > 0 && ahead < MAX_READ ? ahead + MIN_READ : 0));
        for (;;) {
          if (size > block.length) block = new Uint8Array(size);
          blockStart = off;
          blockLength = readAt(fd, block, size, off);
          blockEof = blockLength < size;
          s = 0;
          nl = block.subarray(0, blockLength).indexOf(NL);
          if (nl >= 0 || blockEof) break;
          size *= 2; // a line longer than the read
        }
      }
      pushLine(out, block, s, nl < 0 ? blockLength : nl);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

function readAt(fd: number, into: Uint8Array, size: number, at: number): number {
  let got = 0;
  while (got < size) {
    const n = readSync(fd, into, got, size - got, at + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
