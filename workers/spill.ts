/**
 * Spill files (DESIGN §9): when a run's rows would not fit its memory budget, each scan task writes
 * its partition batches to one file instead of returning them, and each join task reads back the
 * pieces of its partition. A piece is a self-contained Arrow IPC stream (schema, one record batch,
 * end marker), so any Arrow reader opens it; the run's batch layout is the Arrow layout, so writing
 * and reading wrap the same buffers (toArrow / fromArrow) without converting a value.
 *
 * Loaded only by runs that spill (it brings in apache-arrow).
 */
import { closeSync, openSync, readSync, writeSync, writevSync } from 'node:fs';
import { AsyncByteQueue, RecordBatchReader, RecordBatchStreamWriter } from 'apache-arrow';
import { fromArrow, toArrow } from '../src/core/arrow.js';
import type { RowBatch } from '../src/core/batch.js';
import { SPILL_WRITE_FAILED } from '../src/errors.js';
import { spillFault } from '../src/fault.js';

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
    throw new Error(
      `${SPILL_WRITE_FAILED} ${path}: ${code ?? String(e)}${code === 'ENOSPC' ? ' (free some space, or give --spill-dir on a larger disk, or a larger --memory)' : ''}`,
    );
  }
}

function write(path: string, batches: readonly RowBatch[]): SpillPiece[] {
  spillFault();
  const fd = openSync(path, 'w');
  const pieces: SpillPiece[] = [];
  let offset = 0;
  try {
    for (const b of batches) {
      const sink = new ChunkSink();
      const w = new RecordBatchStreamWriter();
      w.reset(sink);
      w.write(toArrow(b));
      w.finish();
      const length = writeChunks(fd, sink.chunks);
      pieces.push({ path, offset, length, rows: b.length });
      offset += length;
    }
  } finally {
    closeSync(fd);
  }
  return pieces;
}

/**
 * Where the stream writer puts its bytes: the chunks as it makes them (its metadata, and views of
 * the batch's own column buffers), kept for one gathered write instead of joined into one buffer, a
 * copy of every spilled byte.
 */
class ChunkSink extends AsyncByteQueue<Uint8Array> {
  readonly chunks: Uint8Array[] = [];

  override write(value: ArrayBufferView | ArrayBuffer | string): void {
    const bytes =
      typeof value === 'string'
        ? Buffer.from(value)
        : ArrayBuffer.isView(value)
          ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
          : new Uint8Array(value);
    if (bytes.byteLength > 0) this.chunks.push(bytes);
  }
}

/** Chunks a gathered write takes at most (the system's limit is 1024). */
const GATHER = 512;

/** Writes the chunks at the file's position, in order, in gathered writes; returns their bytes. */
function writeChunks(fd: number, chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (let g = 0; g < chunks.length; g += GATHER) {
    const group = chunks.slice(g, g + GATHER);
    let bytes = 0;
    for (const c of group) bytes += c.byteLength;
    let done = writevSync(fd, group);
    // A short write (rare for a file) goes on chunk by chunk from where it stopped.
    for (const c of group) {
      if (done >= c.byteLength) {
        done -= c.byteLength;
        continue;
      }
      let at = done;
      done = 0;
      while (at < c.byteLength) at += writeSync(fd, c, at, c.byteLength - at);
    }
    total += bytes;
  }
  return total;
}

/**
 * The worker's read arena for spilled pieces, reused from join task to join task: the join copies
 * its input into its own tables before it returns, so nothing outlives the task that read it.
 */
let arena = new Uint8Array(0);

/**
 * Reads the spilled pieces of a join task's lists into the worker's arena, in one synchronous go:
 * the batches are views into it, valid until the worker's next call (the caller must not yield
 * before it is done with them). In-memory batches pass through.
 */
export function readPieces(lists: readonly (readonly (RowBatch | SpillPiece)[])[]): RowBatch[][] {
  let total = 0;
  for (const list of lists) for (const s of list) if ('path' in s) total += align8(s.length);
  if (arena.length < total) arena = new Uint8Array(Buffer.allocUnsafeSlow(Math.ceil(total * 1.25)).buffer);
  let at = 0;
  return lists.map((list) =>
    list.map((s) => {
      if (!('path' in s)) return s;
      const b = readInto(s, arena.subarray(at, at + s.length));
      at += align8(s.length);
      return b;
    }),
  );
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Reads a piece into `bytes` and wraps it as a batch (views over the bytes, no copy of a column). */
function readInto(piece: SpillPiece, bytes: Uint8Array): RowBatch {
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
  if (batches.length !== 1 || batches[0]!.numRows !== piece.rows)
    throw new Error(`spill file ${piece.path} at ${piece.offset}: expected one batch of ${piece.rows} rows`);
  return fromArrow(batches[0]!);
}
