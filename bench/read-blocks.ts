/**
 * Whether the scan's row function is held back by memory (bench/RESULTS.md, session 6): the first
 * 128 MiB of a journal file, read in 16 MiB ranges as the scan reads them, each parsed after the
 * whole range is read, against the same ranges read in 1 MiB and 256 KiB blocks, each block parsed
 * right after its read (while the bytes the kernel copied are still in the core's caches). Prints
 * the milliseconds of reading + parsing and of parsing alone, four rounds.
 *
 *   node dist/bench/read-blocks.js <journal.csv>
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { FIELD_COUNT } from '../src/core/schema.js';
import { parseHeaderLine } from '../src/run/plan-file.js';
import { rowParserFor } from '../workers/scan.js';
import { newDateCache, VALS_LENGTH } from '../workers/scan-gen.js';

const path = process.argv[2];
if (!path) {
  console.error('usage: node dist/bench/read-blocks.js <journal.csv>');
  process.exit(2);
}
const RANGE = 16 << 20;
const TOTAL = 128 << 20;

const fd = openSync(path, 'r');
const head = new Uint8Array(4096);
readSync(fd, head, 0, head.length, 0);
const headerEnd = head.indexOf(10);
const columns = parseHeaderLine(head.subarray(0, headerEnd), 'journal', path);
const parse = rowParserFor('journal', columns.fields, false);
const vals = new Float64Array(VALS_LENGTH);
const ts = new Int32Array(FIELD_COUNT);
const te = new Int32Array(FIELD_COUNT);
const dates = newDateCache();
const buf = new Uint8Array(RANGE);
const dv = new DataView(buf.buffer);

/** Parses the records in buf[p, end) (end at a line's end); returns end. */
function parseRange(p: number, end: number): number {
  while (p < end) {
    const next = parse(buf, dv, p, end, vals, ts, te, dates);
    if (next >= 0) p = next;
    else {
      const nl = buf.indexOf(10, p);
      p = nl < 0 ? end : nl + 1;
    }
  }
  return p;
}

/** Reads and parses TOTAL bytes in RANGE ranges, `block` bytes a read; [total ms, parse ms]. */
function run(block: number): [number, number] {
  const t0 = process.hrtime.bigint();
  let parsing = 0n;
  for (let off = 0; off < TOTAL; off += RANGE) {
    let got = 0;
    let p = 0;
    while (got < RANGE) {
      const n = readSync(fd, buf, got, Math.min(block, RANGE - got), headerEnd + 1 + off + got);
      if (n === 0) break;
      got += n;
      const end = buf.lastIndexOf(10, got - 1) + 1;
      const t1 = process.hrtime.bigint();
      p = parseRange(p, end);
      parsing += process.hrtime.bigint() - t1;
    }
  }
  return [Number(process.hrtime.bigint() - t0) / 1e6, Number(parsing) / 1e6];
}

const show = ([total, parsing]: [number, number]): string => `${total.toFixed(0)}/${parsing.toFixed(0)}`;
for (let round = 0; round < 4; round++) {
  console.log(
    `read + parse / parse alone, ms for 128 MiB: 16 MiB reads ${show(run(RANGE))}, ` +
      `1 MiB blocks ${show(run(1 << 20))}, 256 KiB blocks ${show(run(256 << 10))}`,
  );
}
closeSync(fd);
