/**
 * Spill files are Arrow IPC streams: any Arrow reader reads a piece, and the join's own reader
 * (views found from the stream's metadata) gives the same columns as apache-arrow's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { fromArrow } from '../../src/core/arrow.js';
import { COLUMNS, type RowBatch } from '../../src/core/batch.js';
import { strAt } from '../../src/core/utf8.js';
import { leanBatch, readPieces, writeSpill } from '../../workers/spill.js';
import { generateChain, tempDir } from '../helpers/chain.js';
import { scanFile } from '../helpers/scan-file.js';

/** Every column of every row, as plain values. */
function values(b: RowBatch): unknown[] {
  return COLUMNS.map(([name, kind]) => {
    const col = b[name] as unknown;
    if (kind === 'utf8') return Array.from({ length: b.length }, (_, i) => strAt(col as RowBatch['order_no'], i));
    const width = kind === 'i64' || kind === 'time' ? 2 : 1;
    return [name, Array.from((col as Int32Array).subarray(0, b.length * width))];
  });
}

describe('spill files', () => {
  it('hold Arrow IPC streams that apache-arrow and the join read alike, column for column', () => {
    const { dir } = generateChain('2026-11-19', 1, 2000, 5);
    const batches = ['journal', 'clearing'].map(
      (side) => scanFile(join(dir, side, '2026-11-19.csv'), side as 'journal' | 'clearing').batch,
    );
    const path = join(tempDir('spill'), 'pieces.arrow');
    const pieces = writeSpill(path, batches);
    const file = readFileSync(path);
    const [read] = readPieces([pieces]);
    for (const [k, piece] of pieces.entries()) {
      const bytes = new Uint8Array(file.buffer, file.byteOffset + piece.offset, piece.length);
      const all = RecordBatchReader.from(bytes).readAll();
      expect(all.length).toBe(1);
      const reference = fromArrow(all[0]!);
      expect(reference.length).toBe(batches[k]!.length);
      expect(values(reference)).toEqual(values(batches[k]!));
      // The join's reader takes its own path (not apache-arrow's) and gets the same columns.
      const aligned = new Uint8Array(new ArrayBuffer(piece.length));
      aligned.set(bytes);
      const lean = leanBatch(aligned, piece.rows);
      expect(lean).not.toBeNull();
      expect(values(lean!)).toEqual(values(batches[k]!));
      expect(values(read![k] as RowBatch)).toEqual(values(batches[k]!));
    }
    // Not a piece of this layout: no lean batch (the caller falls back to apache-arrow).
    const first = pieces[0]!;
    const garbled = new Uint8Array(file.subarray(first.offset, first.offset + first.length));
    garbled[0] = 0;
    expect(leanBatch(garbled, first.rows)).toBeNull();
    expect(
      leanBatch(new Uint8Array(file.subarray(first.offset, first.offset + first.length)), first.rows + 1),
    ).toBeNull();
  });
});
