/**
 * Spill files (DESIGN §9): when a run's rows would not fit its memory budget, each scan task writes
 * its partition batches to one file instead of returning them, and each join task reads back the
 * pieces of its partition. A piece is a self-contained Arrow IPC stream (schema, one record batch,
 * end marker), so any Arrow reader opens it; the run's batch layout is the Arrow layout, so writing
 * and reading wrap the same buffers (toArrow / fromArrow) without converting a value.
 *
 * Loaded only by runs that spill (it brings in apache-arrow).
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { RecordBatchReader, RecordBatchStreamWriter } from 'apache-arrow';
import { fromArrow, toArrow } from '../src/core/arrow.js';
import type { RowBatch } from '../src/core/batch.js';

/** Where one partition's batch of one scan chunk lives. */
export interface SpillPiece {
  path: string;
  offset: number;
  length: number;
  rows: number;
}

/** Writes the batches (one per partition) to `path`; returns each one's piece. */
export function writeSpill(path: string, batches: readonly RowBatch[]): SpillPiece[] {
  try {
    return write(path, batches);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`cannot write the spill file ${path}: ${code ?? String(e)}${code === 'ENOSPC' ? ' (free some space, or give --spill-dir on a larger disk, or a larger --memory)' : ''}`);
  }
}

function write(path: string, batches: readonly RowBatch[]): SpillPiece[] {
  const fd = openSync(path, 'w');
  const pieces: SpillPiece[] = [];
  let offset = 0;
  try {
    for (const b of batches) {
      const w = new RecordBatchStreamWriter();
      w.write(toArrow(b));
      w.finish();
      const bytes = w.toUint8Array(true);
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      pieces.push({ path, offset, length: bytes.length, rows: b.length });
      offset += bytes.length;
    }
  } finally {
    closeSync(fd);
  }
  return pieces;
}

/** Reads a piece back as a batch (views over the bytes read, no copy of a column). */
export function readSpill(piece: SpillPiece): RowBatch {
  const bytes = new Uint8Array(piece.length);
  const fd = openSync(piece.path, 'r');
  try {
    let got = 0;
    while (got < piece.length) {
      const n = readSync(fd, bytes, got, piece.length - got, piece.offset + got);
      if (n === 0) throw new Error(`spill file ${piece.path} is shorter than expected (offset ${piece.offset + got})`);
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  const batches = RecordBatchReader.from(bytes).readAll();
  if (batches.length !== 1 || batches[0]!.numRows !== piece.rows) throw new Error(`spill file ${piece.path} at ${piece.offset}: expected one batch of ${piece.rows} rows`);
  return fromArrow(batches[0]!);
}
