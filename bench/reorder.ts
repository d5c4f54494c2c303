/**
 * What it costs to put a join partition's rows into another order (bench/RESULTS.md, session 6):
 * the radix split of DESIGN §9 step 4 moves every column of every row to its piece, where the join
 * today copies its batches with TypedArray.set. Columns of 8-byte values, a partition's worth of
 * rows (125,000: a 2M day in 16 partitions), copied as they are, scattered by a permutation that
 * groups them into 32 pieces, and scattered by the identity permutation (the loop's own cost); then
 * the same for a cache-sized block of rows; beside them a loop that only reads (a sum). Prints
 * nanoseconds per value, best of five. Then what the scan pays to write a row: 24 values into the
 * 24 columns of one of 16 partition batches (as emitRow does, a call per row), against the same
 * values into 24 consecutive slots of one array.
 *
 *   node dist/bench/reorder.js
 */

const COLUMNS = 24;
const PIECES = 32;

function scatter(from: Float64Array, to: Float64Array, dest: Int32Array): void {
  for (let k = 0; k < from.length; k++) to[dest[k]!] = from[k]!;
}

let sink = 0;
function sum(from: Float64Array): number {
  let s = 0;
  for (let k = 0; k < from.length; k++) s += from[k]!;
  return s;
}

function columns(rows: number): Float64Array[] {
  return Array.from({ length: COLUMNS }, (_, c) => new Float64Array(rows).fill(c));
}

/** A stable grouping of rows 0..rows into PIECES pieces by a hash of the row number. */
function grouping(rows: number): Int32Array {
  const piece = new Int32Array(rows);
  const next = new Int32Array(PIECES + 1);
  for (let i = 0; i < rows; i++) {
    piece[i] = Math.imul(i, 0x9e3779b1) >>> 27;
    next[piece[i]! + 1]!++;
  }
  for (let q = 0; q < PIECES; q++) next[q + 1]! += next[q]!;
  const dest = new Int32Array(rows);
  for (let i = 0; i < rows; i++) dest[i] = next[piece[i]!]!++;
  return dest;
}

function nsPerValue(rows: number, work: (from: Float64Array[], to: Float64Array[]) => void): number {
  const from = columns(rows);
  const to = columns(rows);
  const reps = Math.max(1, Math.round(4e7 / (rows * COLUMNS)));
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) work(from, to);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / (reps * rows * COLUMNS));
  }
  return best;
}

for (const rows of [125_000, 8_000]) {
  const grouped = grouping(rows);
  const identity = Int32Array.from({ length: rows }, (_, i) => i);
  const copy = nsPerValue(rows, (from, to) => {
    for (let c = 0; c < COLUMNS; c++) to[c]!.set(from[c]!);
  });
  const byPiece = nsPerValue(rows, (from, to) => {
    for (let c = 0; c < COLUMNS; c++) scatter(from[c]!, to[c]!, grouped);
  });
  const inOrder = nsPerValue(rows, (from, to) => {
    for (let c = 0; c < COLUMNS; c++) scatter(from[c]!, to[c]!, identity);
  });
  const summed = nsPerValue(rows, (from) => {
    for (let c = 0; c < COLUMNS; c++) sink += sum(from[c]!);
  });
  console.log(
    `${rows} rows × ${COLUMNS} columns: TypedArray.set ${copy.toFixed(2)} ns/value, ` +
      `scatter into ${PIECES} pieces ${byPiece.toFixed(2)}, scatter in order ${inOrder.toFixed(2)}, ` +
      `sum (reads only) ${summed.toFixed(2)}`,
  );
}

/** A partition batch's columns, as one object literal (fast properties, like batch.ts shapeBatch). */
function batchOf(rows: number) {
  const c = (): Float64Array => new Float64Array(rows);
  return {
    c0: c(),
    c1: c(),
    c2: c(),
    c3: c(),
    c4: c(),
    c5: c(),
    c6: c(),
    c7: c(),
    c8: c(),
    c9: c(),
    c10: c(),
    c11: c(),
    c12: c(),
    c13: c(),
    c14: c(),
    c15: c(),
    c16: c(),
    c17: c(),
    c18: c(),
    c19: c(),
    c20: c(),
    c21: c(),
    c22: c(),
    c23: c(),
  };
}
type Batch = ReturnType<typeof batchOf>;

function writeColumns(b: Batch, r: number, v: number): void {
  b.c0[r] = v;
  b.c1[r] = v + 1;
  b.c2[r] = v + 2;
  b.c3[r] = v + 3;
  b.c4[r] = v + 4;
  b.c5[r] = v + 5;
  b.c6[r] = v + 6;
  b.c7[r] = v + 7;
  b.c8[r] = v + 8;
  b.c9[r] = v + 9;
  b.c10[r] = v + 10;
  b.c11[r] = v + 11;
  b.c12[r] = v + 12;
  b.c13[r] = v + 13;
  b.c14[r] = v + 14;
  b.c15[r] = v + 15;
  b.c16[r] = v + 16;
  b.c17[r] = v + 17;
  b.c18[r] = v + 18;
  b.c19[r] = v + 19;
  b.c20[r] = v + 20;
  b.c21[r] = v + 21;
  b.c22[r] = v + 22;
  b.c23[r] = v + 23;
}

function writeSlots(a: Float64Array, r: number, v: number): void {
  const o = r * COLUMNS;
  for (let k = 0; k < COLUMNS; k++) a[o + k] = v + k;
}

const PARTS = 16;
const PER_PART = 8192;
const batches = Array.from({ length: PARTS }, () => batchOf(PER_PART));
const slots = Array.from({ length: PARTS }, () => new Float64Array(PER_PART * COLUMNS));
const nsPerRow = (write: (p: number, r: number, v: number) => void): number => {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let rep = 0; rep < 10; rep++)
      for (let i = 0; i < PARTS * PER_PART; i++) write(Math.imul(i, 0x9e3779b1) >>> 28, i >>> 4, rep);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / (10 * PARTS * PER_PART));
  }
  return best;
};
const columnsNs = nsPerRow((p, r, v) => writeColumns(batches[p]!, r, v));
const slotsNs = nsPerRow((p, r, v) => writeSlots(slots[p]!, r, v));
console.log(
  `a row of ${COLUMNS} values into one of ${PARTS} batches: ${columnsNs.toFixed(0)} ns into its columns, ` +
    `${slotsNs.toFixed(0)} ns into consecutive slots of one array`,
);
if (sink === 42) console.log('');
