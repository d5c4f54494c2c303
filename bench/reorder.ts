/**
 * What it costs to put a join partition's rows into another order (bench/RESULTS.md, session 6):
 * the radix split of DESIGN §9 step 4 moves every column of every row to its piece, where the join
 * today copies its batches with TypedArray.set. Columns of 8-byte values, a partition's worth of
 * rows (125,000: a 2M day in 16 partitions), copied as they are, scattered by a permutation that
 * groups them into 32 pieces, and scattered by the identity permutation (the loop's own cost); then
 * the same for a cache-sized block of rows; beside them a loop that only reads (a sum). Prints
 * nanoseconds per value, best of five.
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
if (sink === 42) console.log('');
