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
import { COLUMNS, columnView, type RowBatch, shapeBatch } from '../src/core/batch.js';
import { type Fault, spillFault } from '../src/core/fault.js';
import type { SpillPiece } from '../src/core/tasks.js';
import { SPILL_WRITE_FAILED } from '../src/core/worker-error-messages.js';

/**
 * Writes the batches (one per partition) to `path`; returns each one's piece. `fault` is the
 * worker's RECON_FAULT (workers/index.ts): `spill:enospc` fails the write as a full disk does.
 */
export function writeSpill(path: string, batches: readonly RowBatch[], fault?: Fault): SpillPiece[] {
  try {
    return write(path, batches, fault);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `${SPILL_WRITE_FAILED} ${path}: ${code ?? String(e)}${code === 'ENOSPC' ? ' (free some space, or give --spill-dir on a larger disk, or a larger --memory)' : ''}`,
    );
  }
}

function write(path: string, batches: readonly RowBatch[], fault: Fault | undefined): SpillPiece[] {
  spillFault(fault);
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
  const lean = leanBatch(bytes, piece.rows);
  if (lean) return lean;
  const batches = RecordBatchReader.from(bytes).readAll();
  if (batches.length !== 1 || batches[0]!.numRows !== piece.rows)
    throw new Error(`spill file ${piece.path} at ${piece.offset}: expected one batch of ${piece.rows} rows`);
  return fromArrow(batches[0]!);
}

/**
 * Views over the columns of a piece this module wrote, found from the stream's own metadata: its
 * record batch message lists where each buffer of the body lies, in schema order (per column a
 * validity buffer, then the values, or the offsets and the bytes of a Utf8 column). This reads the
 * few fields it needs out of the message's flatbuffer instead of building apache-arrow's objects
 * for every piece (its reader, its Data and vectors: ~0.3 s a worker and their garbage in a 5M
 * run). Null when the piece is not laid out as expected (another writer, compression): the caller
 * then reads it with apache-arrow.
 */
export function leanBatch(bytes: Uint8Array, rows: number): RowBatch | null {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  // A message: continuation marker, metadata size, the Message flatbuffer (padded), the body.
  const message = (): { root: number; field: (i: number) => number; body: number; bodyLength: number } | null => {
    if (pos + 8 > bytes.length || dv.getInt32(pos, true) !== -1) return null;
    const size = dv.getInt32(pos + 4, true);
    const fb = pos + 8;
    if (size <= 0 || fb + size > bytes.length) return null;
    const root = fb + dv.getUint32(fb, true);
    const field = table(dv, root);
    const bodyLength = field(3) ? Number(dv.getBigInt64(root + field(3), true)) : 0;
    pos = fb + size + bodyLength;
    return { root, field, body: fb + size, bodyLength };
  };
  const schema = message();
  if (!schema?.field(1) || dv.getUint8(schema.root + schema.field(1)) !== HEADER_SCHEMA) return null;
  const m = message();
  if (!m?.field(1) || dv.getUint8(m.root + m.field(1)) !== HEADER_RECORD_BATCH || !m.field(2)) return null;
  const at = m.root + m.field(2);
  const rb = at + dv.getUint32(at, true);
  const rf = table(dv, rb);
  if (!rf(0) || !rf(2) || rf(3) || Number(dv.getBigInt64(rb + rf(0), true)) !== rows) return null;
  const bv = rb + rf(2) + dv.getUint32(rb + rf(2), true);
  const nBuffers = dv.getUint32(bv, true);
  let expected = 0;
  for (const [, kind] of COLUMNS) expected += kind === 'utf8' ? 3 : 2;
  if (nBuffers !== expected) return null;
  const buffer = (k: number): [number, number] => [
    m.body + Number(dv.getBigInt64(bv + 4 + 16 * k, true)),
    Number(dv.getBigInt64(bv + 12 + 16 * k, true)),
  ];
  const out: Record<string, unknown> = {};
  let k = 0;
  for (const [name, kind] of COLUMNS) {
    k++; // the validity buffer (no nulls)
    const [off, len] = buffer(k++);
    if (off % 8 !== 0 || off + len > m.body + m.bodyLength) return null;
    const base = bytes.byteOffset + off;
    if (kind === 'utf8') {
      if (len < (rows + 1) * 4) return null;
      const offsets = new Int32Array(bytes.buffer, base, rows + 1);
      const [doff, dlen] = buffer(k++);
      if (doff + dlen > m.body + m.bodyLength || dlen < offsets[rows]!) return null;
      out[name] = { offsets, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset + doff, offsets[rows]!) };
      continue;
    }
    const view = columnView(kind, bytes.buffer as ArrayBuffer, base, rows);
    if (view.byteLength > len) return null;
    out[name] = view;
  }
  return shapeBatch(rows, out);
}

const HEADER_SCHEMA = 1;
const HEADER_RECORD_BATCH = 3;

/** A flatbuffer table's field locator: the offset of field i from the table, 0 when absent. */
function table(dv: DataView, at: number): (i: number) => number {
  const vt = at - dv.getInt32(at, true);
  const size = dv.getUint16(vt, true);
  return (i) => (4 + 2 * i < size ? dv.getUint16(vt + 4 + 2 * i, true) : 0);
}
