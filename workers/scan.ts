/**
 * Scan task: one byte range of one CSV file → row batches in Arrow layout, one per hash partition:
 * each row is written straight into the batch of its partition, chosen by the hash of its primary
 * match key (DESIGN §9 step 2).
 *
 * The scanner works on bytes: it splits records (RFC 4180: commas, optional double quotes with ""
 * escapes, LF or CRLF), validates and converts each field into the columns of its partition's
 * batch, and records rejected lines (file line, column, reason, raw text with card numbers masked).
 * No JS object or string is made per row.
 *
 * Records and chunks: a record is one physical line (DESIGN §3), even inside quotes: a line that
 * ends inside a quoted field is rejected alone and the next line is a record of its own. So any
 * line end is a safe place to cut a file into chunks, and the planner cuts at line ends.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import {
  allocExtras,
  allocWriteBatch,
  appendExtras,
  type ExtraColumns,
  ensureBytes,
  ensureExtras,
  ensureRows,
  type RowBatch,
  SharedRegion,
  sealBatch,
  UTF8_COLUMNS,
  type Utf8Column,
  withRoom,
} from '../src/core/batch.js';
import { concatBytes } from '../src/core/byte-writer.js';
import {
  MASK_LOOKAHEAD,
  maskAccountNumbers,
  maskCardNumbers,
  maskPanField,
  panShowsTooMuch,
} from '../src/core/card-mask.js';
import {
  CHANNEL_QR,
  FLAG_CARRIED,
  FLAG_PERSISTED,
  STATUS_REJECTED,
  TYPE_REVERSAL,
  TYPE_VOID,
} from '../src/core/codes.js';
import { CYCLE_T1, END_DAY, FIRST_DAY, type WorkCalendar, workCalendarFor } from '../src/core/dates.js';
import { type ColumnDef, readValue } from '../src/core/field-rules.js';
import { HASH_SEED, hashBytes, lowerBound, partitionOf } from '../src/core/hash.js';
import { getI64, setI64 } from '../src/core/int64.js';
import { hashOrderKey, hashRrnKey, hashTerminalKey, ownKeyHash } from '../src/core/keys.js';
import { AliasIndex, aliasesFor, MerchantIndex, type MerchantTable } from '../src/core/merchants.js';
import { packAlnum } from '../src/core/packed.js';
import {
  addPayoutSum,
  allocPayoutRows,
  allocPayoutSums,
  appendPayoutText,
  type PayoutRows,
  type PayoutSums,
  payoutRowRoom,
  payoutSign,
} from '../src/core/payout-rows.js';
import { addTotals, type PlanContext, planRecords, readRecord, rejectOf } from '../src/core/profile-record.js';
import type { RecordPlan } from '../src/core/record-plan.js';
import {
  MAX_LINE_BYTES,
  MAX_RAW_BYTES,
  R_EMBEDDED_NEWLINE,
  R_FIELD_COUNT,
  R_LENGTH,
  R_LINE_TOO_LONG,
  R_QUOTE,
  R_RANGE,
  R_UTF8,
  type RejectBatch,
} from '../src/core/reject.js';
import {
  CLEARING_HEADER,
  columnsOf,
  F_AMOUNT,
  F_AUTH_CODE,
  F_BATCH_NO,
  F_CHANNEL,
  F_CLEARING_DATE,
  F_CURRENCY,
  F_FEE,
  F_FLAGS,
  F_MERCHANT_ID,
  F_NET,
  F_ORDER_NO,
  F_ORIG_RRN,
  F_PAN,
  F_RESPONSE,
  F_RRN,
  F_SETTLE_DATE,
  F_SRC_FILE,
  F_SRC_LINE,
  F_SRC_RUN,
  F_STAN,
  F_STATUS,
  F_TERMINAL_ID,
  F_TXN_TIME,
  F_TYPE,
  FIELD_COUNT,
  JOURNAL_HEADER,
  mapHeader,
  RRN_LO,
  type Side,
  STATE_COLUMNS,
  VALS_LENGTH,
} from '../src/core/schema.js';
import type { CopyCheck, ProfileSource, ScanResult, ScanTask } from '../src/core/tasks.js';
import { validUtf8 } from '../src/core/utf8.js';
import { COPY_KEY_WIDTH } from '../src/core/window-layout.js';
import { compileRowParser, type DateCache, newDateCache, type RowParser, warmLines } from './scan-gen.js';
import { identityKey } from './window-records.js';

const COMMA = 44;
const QUOTE = 34;
const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/** Input bytes per row and Utf8 bytes per row of each string column, as the last chunk had them. */
interface RowShape {
  bytesPerRow: number;
  stringBytesPerRow: number[];
}

/** Before any chunk: rows of ~110 bytes with an order number or a card number each. */
const FIRST_GUESS: RowShape = { bytesPerRow: 110, stringBytesPerRow: [24, 4] };
/**
 * Per side: a journal row is shorter than a clearing row (126 against 145 bytes in the generated
 * files), and sizing a journal chunk's batches by a clearing chunk's rows made most of them grow
 * (a copy into fresh memory) before the task ended.
 */
const shapes: Record<Side, RowShape> = { journal: FIRST_GUESS, clearing: FIRST_GUESS, payout: FIRST_GUESS };

/**
 * The partition batches of a worker's spilling tasks, reused from task to task: their rows go to a
 * spill file before the task returns (index.ts), so fresh memory (a page fault every 4 KB, and
 * garbage to collect) is only needed for batches that travel to the coordinator.
 */
let spillBatches: RowBatch[] = [];

/** Where this worker's scan batches live (shared, sent on, never reused; see SharedRegion). */
const region = new SharedRegion(64 << 20);

/** Per-worker cache of the merchant index, keyed by the table's content identity. */
let merchantCache: { table: MerchantTable; key: string; index: MerchantIndex } | undefined;

function merchantIndexFor(m: MerchantTable): MerchantIndex {
  // The same object within a task (the read-back of open items scans line by line) ...
  if (merchantCache?.table === m) return merchantCache.index;
  // ... but tasks receive a structured clone each time: the content identifies the table.
  let h = hashBytes(HASH_SEED, new Uint8Array(m.ids.buffer, m.ids.byteOffset, m.ids.byteLength), 0, m.ids.byteLength);
  h = hashBytes(h, m.cycle, 0, m.cycle.length);
  h = hashBytes(h, new Uint8Array(m.mdrBps.buffer, m.mdrBps.byteOffset, m.mdrBps.byteLength), 0, m.mdrBps.byteLength);
  h = hashBytes(h, new Uint8Array(m.feeCap.buffer, m.feeCap.byteOffset, m.feeCap.byteLength), 0, m.feeCap.byteLength);
  const key = `${m.count}:${h >>> 0}`;
  merchantCache = { table: m, key, index: merchantCache?.key === key ? merchantCache.index : new MerchantIndex(m) };
  return merchantCache.index;
}

/**
 * The worker's read buffer, reused from chunk to chunk: fresh memory for every chunk costs a page
 * fault per 4 KB (a third of the scan's time at 8 MB chunks). Nothing the scan returns points into it.
 */
let readBuffer = new Uint8Array(0);

/** Whether this worker's scan code has been warmed up (warmScan). */
let warmed = false;

/**
 * Before a worker's first scan: the standard journal and clearing layouts scanned once, from the
 * row functions' warm-up records (scan-gen.ts warmLines) and a few records for the careful path, so
 * that `emitRow` and `carefulRecord` have type feedback for both sides' branches before V8
 * optimizes them in the first real chunk, which is of one side only (without it each was compiled
 * again once the other side's rows came: bench/RESULTS.md, session 6). What it scans is dropped.
 */
function warmScan(task: ScanTask): void {
  warmed = true;
  for (const [side, header] of [
    ['journal', JOURNAL_HEADER],
    ['clearing', CLEARING_HEADER],
  ] as const) {
    const fields = mapHeader(side, [...header]).fields;
    const lines = warmLinesFor(side, fields, false);
    const text = new TextDecoder().decode(lines[0]!).replace(/\r?\n$/, '');
    const careful = [
      `"${text.replace(',', '""x,')}`, // an escaped quote: rejected or unescaped by the careful path
      text.replace(/,[^,]*$/, ''), // a field short
      `${text},extra`, // a field too many
    ].map((l) => new TextEncoder().encode(`${l}\n`));
    const bytes = concatBytes([...lines, ...careful, ...lines]);
    const { runDay, partitions, grace, calendar, merchants } = task;
    scanBytes(bytes, 0, bytes.length, {
      chunk: 0,
      side,
      fields,
      state: false,
      fileNo: 0,
      runDay,
      partitions,
      grace,
      calendar,
      merchants,
    });
  }
}

/**
 * A payout file's rejected rows: account numbers masked in their raw text too, whatever field they
 * stood in (a quote error or a profile's record leaves the fields unknown; card-mask.ts).
 */
function maskAccounts(task: ScanTask, r: ScanResult): ScanResult {
  if (task.side !== 'payout') return r;
  const { raw } = r.rejects;
  for (let i = 0; i < r.rejects.length; i++) {
    const s = raw.offsets[i]!;
    const e = raw.offsets[i + 1]!;
    maskAccountNumbers(raw.bytes, s, e, e - s === MAX_RAW_BYTES);
  }
  return r;
}

/** Piscina task: read the range (or take the inline bytes) and scan it. */
export function scan(task: ScanTask): ScanResult {
  if (!warmed) warmScan(task);
  let buf: Uint8Array;
  let start: number;
  let end: number;
  if ('path' in task.source) {
    const { path, start: s, end: e } = task.source;
    if (task.source.tooLong) return maskAccounts(task, scanLongLine(task, path, s, e));
    let into = task.readInto;
    if (into !== undefined && into.length < e - s) into = new Uint8Array(new SharedArrayBuffer(e - s));
    // With room to spare: chunks differ by a few bytes, and a buffer of the exact size would be
    // replaced (fresh memory again) by most chunks that are larger than the last.
    if (into === undefined && readBuffer.length < e - s)
      readBuffer = new Uint8Array(Buffer.allocUnsafeSlow(Math.ceil((e - s) * 1.125)).buffer);
    buf = (into ?? readBuffer).subarray(0, e - s); // every byte is read into
    const fd = openSync(path, 'r');
    try {
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, s + got);
        if (n === 0) break;
        got += n;
      }
      if (got < buf.length) buf = buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
    start = 0;
    end = buf.length;
    const r = maskAccounts(task, scanBytes(buf, start, end, task, s));
    if (into !== undefined) r.read = into;
    return r;
  }
  buf = task.source.bytes;
  start = task.source.start;
  end = buf.length;
  return scanBytes(buf, start, end, task);
}

/**
 * A range that is one line longer than MAX_LINE_BYTES: one rejected row, "line too long", whose raw
 * text is the line's first MAX_RAW_BYTES (card numbers masked, one cut at the end judged whole by
 * the bytes after it). Only those bytes are read; the coordinator hashes the range itself.
 */
function scanLongLine(task: ScanTask, path: string, s: number, e: number): ScanResult {
  const head = Buffer.allocUnsafe(Math.min(e - s, MAX_RAW_BYTES + MASK_LOOKAHEAD));
  const fd = openSync(path, 'r');
  let got = 0;
  try {
    while (got < head.length) {
      const n = readSync(fd, head, got, head.length - got, s + got);
      if (n === 0) break;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  const r = scanBytes(head, 0, 0, task, s); // an empty range: the result's shape, no rows
  pushReject(r.rejects, 0, -1, R_LINE_TOO_LONG, Math.ceil(lineLength(path, s, e) / 1024), head, 0, got);
  if (task.profile !== undefined && r.totals !== undefined) {
    // Counted where every record counts; what it would add to the sums is unknown.
    addTotals(profilePlan(task.profile, task).plan, head, r.totals, false);
  }
  return { ...r, lines: 1, bytes: e - s };
}

/** The length of the line file[s, e) without its line break (it ends in one unless the file ends). */
function lineLength(path: string, s: number, e: number): number {
  const last = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, last, 0, 2, e - 2);
  } finally {
    closeSync(fd);
  }
  if (last[1] !== NL) return e - s;
  return last[0] === CR ? e - s - 2 : e - s - 1;
}

function newRejects(): RejectBatch {
  return {
    length: 0,
    line: new Int32Array(16),
    column: new Int32Array(16),
    reason: new Uint8Array(16),
    detail: new Int32Array(16),
    raw: { offsets: new Int32Array(17), bytes: new Uint8Array(1024) },
  };
}

function growRejects(r: RejectBatch): void {
  const cap = r.line.length * 2;
  const line = new Int32Array(cap);
  line.set(r.line);
  r.line = line;
  const column = new Int32Array(cap);
  column.set(r.column);
  r.column = column;
  const reason = new Uint8Array(cap);
  reason.set(r.reason);
  r.reason = reason;
  const detail = new Int32Array(cap);
  detail.set(r.detail);
  r.detail = detail;
  const offsets = new Int32Array(cap + 1);
  offsets.set(r.raw.offsets);
  r.raw.offsets = offsets;
}

/**
 * Records a rejected line with its raw text, cut at MAX_RAW_BYTES (a runaway line is cut; the rest
 * is noted); `panStart`/`panEnd` locate the pan_masked field in `src` when the scanner knows it (an
 * unquoted field of a line with the right field count). Card numbers are masked in the kept text as
 * they stand in the whole line: one that the cut goes through is masked as if it were whole.
 */
function pushReject(
  r: RejectBatch,
  line: number,
  column: number,
  reason: number,
  detail: number,
  src: Uint8Array,
  s: number,
  e: number,
  panStart = 0,
  panEnd = 0,
): void {
  if (r.length === r.line.length) growRejects(r);
  const i = r.length++;
  r.line[i] = line;
  r.column[i] = column;
  r.reason[i] = reason;
  r.detail[i] = detail;
  const n = Math.min(e - s, MAX_RAW_BYTES);
  const used = r.raw.offsets[i]!;
  const bytes = ensureBytes(r.raw, used, n);
  bytes.set(src.subarray(s, s + n), used);
  if (panEnd > panStart && panStart >= s && panStart < s + n)
    maskFieldDigits(src, panStart, panEnd, bytes, used - s, s + n);
  maskCardNumbers(bytes, used, used + n, src, s + n, e);
  r.raw.offsets[i + 1] = used + n;
}

/**
 * Masks the digits of the pan_masked field src[s, e) but its first 6 and last 4, in the copy of the
 * line at `out` (src position k is out[k + shift]); positions from `cut` on were not copied.
 */
function maskFieldDigits(src: Uint8Array, s: number, e: number, out: Uint8Array, shift: number, cut: number): void {
  let seen = 0;
  let total = 0;
  for (let i = s; i < e; i++) if (src[i]! >= 48 && src[i]! <= 57) total++;
  for (let i = s; i < e && i < cut; i++) {
    if (src[i]! < 48 || src[i]! > 57) continue;
    if (seen >= 6 && seen < total - 4) out[i + shift] = 42;
    seen++;
  }
}

/** The columns of a file layout: per file column, its field (F_*) and rule (field-rules.ts). */
interface FieldRules {
  field: Int32Array;
  columns: ColumnDef[];
}

/** The field rules of each file layout this worker has scanned. */
const fieldRules = new Map<string, FieldRules>();

function layoutKey(side: Side, fields: readonly number[], state: boolean): string {
  return `${side}:${state}:${fields.join(',')}`;
}

/** The field rules of a file layout, built once per worker (a scan of one line costs little more). */
function rulesFor(side: Side, fields: readonly number[], state: boolean): FieldRules {
  const key = layoutKey(side, fields, state);
  let rules = fieldRules.get(key);
  if (!rules) {
    rules = buildRules(side, fields, state);
    fieldRules.set(key, rules);
  }
  return rules;
}

function buildRules(side: Side, fields: readonly number[], state: boolean): FieldRules {
  const defs = new Map<number, ColumnDef>();
  for (const d of columnsOf(side)) defs.set(d.field, d);
  if (state) for (const d of STATE_COLUMNS) defs.set(d.field, d);
  const columns = fields.map((f) => {
    const d = defs.get(f);
    if (!d) throw new Error(`scan: field ${f} is not a ${side} column`);
    return d;
  });
  return { field: Int32Array.from(fields), columns };
}

/** The generated row function of each file layout this worker has scanned (scan-gen.ts). */
const rowParsers = new Map<string, RowParser>();

/** The fast path of a file whose i-th column holds field `fields[i]`, compiled once per worker. */
export function rowParserFor(side: Side, fields: readonly number[], state: boolean): RowParser {
  const key = layoutKey(side, fields, state);
  let parser = rowParsers.get(key);
  if (!parser) {
    parser = compileRowParser(rulesFor(side, fields, state).columns);
    rowParsers.set(key, parser);
  }
  return parser;
}

/** The records a file layout's row function is warmed up with (scan-gen.ts warmLines). */
export function warmLinesFor(side: Side, fields: readonly number[], state: boolean): Uint8Array[] {
  return warmLines(rulesFor(side, fields, state).columns);
}

function appendUtf8(col: Utf8Column, row: number, src: Uint8Array, s: number, e: number): void {
  const used = col.offsets[row]!;
  const n = e - s;
  const bytes = n > 0 ? ensureBytes(col, used, n) : col.bytes;
  for (let i = 0; i < n; i++) bytes[used + i] = src[s + i]!;
  col.offsets[row + 1] = used + n;
}

/** Appends a card number, masking what it shows beyond its first 6 and last 4 characters. */
function appendPan(col: Utf8Column, row: number, src: Uint8Array, s: number, e: number): boolean {
  appendUtf8(col, row, src, s, e);
  const at = col.offsets[row]!;
  if (!panShowsTooMuch(col.bytes, at, at + e - s)) return false;
  maskPanField(col.bytes, at, at + e - s);
  return true;
}

/**
 * What emitRow needs of one scanBytes call: the batches, the current record's values (vals, ts/te,
 * tq), and what the chunk's rows add up to. One object of a fixed shape, so that the row functions
 * below are small top-level functions the compiler optimises once per worker, not a closure
 * recompiled with every chunk.
 */
class Emitter {
  readonly state: boolean;
  readonly runDay: number;
  readonly fileNo: number;
  readonly partitions: number;
  readonly grace: number;
  readonly cycles: Uint8Array;
  /** Offset in the input of buf[0]: a row's locator is base + where its line starts in buf. */
  readonly base: number;
  /** With ScanTask.extras: where the rows' open-item-only columns go. */
  readonly extras: ExtraColumns | null;
  /** Physical lines consumed so far (fastRun advances it). */
  line = 0;
  rows = 0;
  panMasked = 0;
  firstBusinessDate = Number.POSITIVE_INFINITY;
  lastDeadline = Number.NEGATIVE_INFINITY;
  lastSettle = Number.NEGATIVE_INFINITY;
  copyKeys: Int32Array;
  copyCount = 0;
  readonly identity = new Int32Array(2);
  /** Whether every column is written: batches reused from an earlier task hold its rows' values. */
  writeAll = false;
  /** A profile's settle_date is the expected settle date under the merchant's cycle (emitRow sets it). */
  settleExpected = false;
  /** A payout file's range: its rows go here, not to partition batches (emitPayout). */
  payouts: PayoutRows | null;
  /** A clearing range of a run with a payout leg: its rows' share of the expected payouts. */
  sums: PayoutSums | null;

  constructor(
    task: Omit<ScanTask, 'source'>,
    readonly journal: boolean,
    readonly cal: WorkCalendar,
    readonly merchants: MerchantIndex,
    readonly outs: RowBatch[],
    readonly vals: Float64Array,
    readonly ts: Int32Array,
    readonly te: Int32Array,
    readonly tq: Uint8Array,
    readonly buf: Uint8Array,
    /** The careful path's unescaped field bytes (it may replace the buffer when it grows). */
    public qbuf: Uint8Array,
    readonly check: CopyCheck | undefined,
    base: number,
  ) {
    this.base = base;
    this.extras = task.extras ? allocExtras(16) : null;
    this.payouts = task.side === 'payout' ? allocPayoutRows(256) : null;
    this.sums = task.payoutSums && task.side === 'clearing' && !task.state ? allocPayoutSums() : null;
    this.state = task.state;
    this.runDay = task.runDay;
    this.fileNo = task.fileNo;
    this.partitions = task.partitions;
    this.grace = task.grace;
    this.cycles = task.merchants.cycle;
    this.copyKeys = new Int32Array(check ? 64 * COPY_KEY_WIDTH : 0);
  }
}

/**
 * The fast path over buf[pos, end): each record the generated row function takes is appended, until
 * one it does not take (or that emitRow refuses); returns where that record starts, or end.
 */
function fastRun(st: Emitter, fast: RowParser, dv: DataView, pos: number, end: number, dates: DateCache): number {
  const buf = st.buf;
  const vals = st.vals;
  const ts = st.ts;
  const te = st.te;
  const tq = st.tq;
  tq[F_ORDER_NO] = 0;
  tq[F_ORIG_RRN] = 0;
  tq[F_PAN] = 0;
  tq[F_BATCH_NO] = 0; // a payout's reason code
  let line = st.line;
  while (pos < end) {
    const next = fast(buf, dv, pos, end, vals, ts, te, dates);
    if (next < 0 || !emitRow(st, line, pos)) break;
    pos = next;
    line++;
  }
  st.line = line;
  return pos;
}

/**
 * Appends the record in vals/ts/te to its partition's batch; false when its business date is out
 * of the supported span (the caller rejects it).
 */
function emitRow(st: Emitter, recLine: number, recStart: number): boolean {
  if (st.payouts !== null) return emitPayout(st, st.payouts, recLine);
  const vals = st.vals;
  const ts = st.ts;
  const te = st.te;
  const tq = st.tq;
  const cal = st.cal;
  const journal = st.journal;

  const time = vals[F_TXN_TIME]!;
  const businessDate = cal.businessDate(time);
  if (businessDate < FIRST_DAY || businessDate >= END_DAY - 60) {
    // Only the careful path can get here with such a date; the fast path's dates are in range.
    return false;
  }
  const type = vals[F_TYPE]!;
  const channel = vals[F_CHANNEL]!;
  const merchant = vals[F_MERCHANT_ID]!;
  const terminal = vals[F_TERMINAL_ID]!;
  const rrnHi = vals[F_RRN]!;
  const rrnLo = vals[RRN_LO]!;
  const merchantIx = st.merchants.lookup(merchant);
  const cycle = merchantIx >= 0 ? st.cycles[merchantIx]! : CYCLE_T1;
  const expected = cal.expectedSettle(businessDate, cycle);
  const deadline = cal.deadline(expected, st.grace);
  if (st.settleExpected) vals[F_SETTLE_DATE] = expected;
  if (businessDate < st.firstBusinessDate) st.firstBusinessDate = businessDate;
  if (deadline > st.lastDeadline) st.lastDeadline = deadline;
  if (!journal && vals[F_STATUS] !== STATUS_REJECTED && vals[F_SETTLE_DATE]! > st.lastSettle)
    st.lastSettle = vals[F_SETTLE_DATE]!;

  // Primary key hash → partition.
  const osrc = tq[F_ORDER_NO] ? st.qbuf : st.buf;
  const gsrc = tq[F_ORIG_RRN] ? st.qbuf : st.buf;
  const os = ts[F_ORDER_NO]!;
  const oe = te[F_ORDER_NO]!;
  const gs = ts[F_ORIG_RRN]!;
  const ge = te[F_ORIG_RRN]!;
  let hash: number;
  // The row's own identity key hash (keys.ts ownKeyHash), where the partition key is that key.
  let own = -1;
  const link = type === TYPE_REVERSAL || (journal && type === TYPE_VOID);
  if (link && ge > gs) {
    // The original's kind: the journal's channel; on the clearing side, a card reversal has an rrn.
    if (journal ? channel === CHANNEL_QR : rrnHi === 0) hash = hashOrderKey(merchant, gsrc, gs, ge);
    else
      hash =
        ge - gs === 12
          ? hashRrnKey(merchant, terminal, packAlnum(gsrc, gs, gs + 6), packAlnum(gsrc, gs + 6, ge))
          : hashTerminalKey(terminal);
  } else if (journal && channel !== CHANNEL_QR && rrnHi !== 0) {
    // A card row is keyed by its rrn even when it carries an order number too.
    hash = hashRrnKey(merchant, terminal, rrnHi, rrnLo);
    if (oe <= os) own = hash;
  } else if (oe > os) hash = own = hashOrderKey(merchant, osrc, os, oe);
  else if (rrnHi !== 0) hash = own = hashRrnKey(merchant, terminal, rrnHi, rrnLo);
  else hash = hashTerminalKey(terminal);
  if (own < 0) own = ownKeyHash(merchant, terminal, rrnHi, rrnLo, osrc, os, oe, vals[F_STAN]!, businessDate);

  const p = partitionOf(hash, st.partitions);
  const b = st.outs[p]!;
  const r = b.length;
  if (r === b.type.length) ensureRows(b, r + 1);
  // Each value straight into its column, once (staged rows flushed a few dozen at a time cost a
  // second pass over every value: bench/RESULTS.md, session 6).
  b.type[r] = type;
  b.merchant_id[r] = merchant;
  b.terminal_id[r] = terminal;
  b.stan[r] = vals[F_STAN]!;
  b.rrn_hi[r] = rrnHi;
  b.rrn_lo[r] = rrnLo;
  b.auth_code[r] = vals[F_AUTH_CODE]!;
  // A new row's flags are 0, its run and file the task's: written for a whole batch at the end of
  // the task (scanBytes), where reused batches also get the flags' zeros.
  if (st.state) {
    b.flags[r] = (vals[F_FLAGS]! & FLAG_PERSISTED) | FLAG_CARRIED;
    b.src_run[r] = vals[F_SRC_RUN]!;
    b.src_file[r] = vals[F_SRC_FILE]!;
  }
  // A side's columns of the other side are zero: in fresh (zeroed) batches they are left unwritten,
  // and their pages are never faulted in.
  if (st.writeAll || !journal) {
    b.status[r] = vals[F_STATUS]!;
    setI64(b.fee, r, vals[F_FEE]!);
    b.settle_date[r] = vals[F_SETTLE_DATE]!;
  }
  if (st.writeAll || journal) {
    b.channel[r] = channel;
    b.response[r] = vals[F_RESPONSE]!;
  }
  setI64(b.txn_time, r, time);
  setI64(b.amount, r, vals[F_AMOUNT]!);
  b.business_date[r] = businessDate;
  b.expected[r] = expected;
  b.deadline[r] = deadline;
  b.src_line[r] = st.state ? vals[F_SRC_LINE]! : recLine;
  b.src_offset[r] = st.base + recStart;
  b.merchant_ix[r] = merchantIx;
  b.key_hash[r] = own;
  appendUtf8(b.order_no, r, osrc, os, oe);
  appendUtf8(b.orig_rrn, r, gsrc, gs, ge);
  // The card number is not carried (an open item reads it back, masked), but one showing more than
  // its first 6 and last 4 digits is counted here.
  const pan = tq[F_PAN] ? st.qbuf : st.buf;
  const ps = ts[F_PAN]!;
  const pe = te[F_PAN]!;
  if (!maskedSixteen(pan, ps, pe) && panShowsTooMuch(pan, ps, pe)) st.panMasked++;
  if (st.extras !== null) emitExtras(st, st.extras, pan);
  if (st.sums !== null) {
    const sign = payoutSign(type, vals[F_STATUS]!);
    if (sign !== 0) st.sums = addPayoutSum(st.sums, merchant, vals[F_SETTLE_DATE]!, sign * vals[F_NET]!, recLine);
  }
  b.length = r + 1;
  st.rows++;
  const check = st.check;
  if (check) {
    const d = businessDate - check.from;
    const mode = d >= 0 && d < check.days.length ? check.days[d]! : 0;
    if (mode !== 0) {
      // The key the window records a row's identity under (the row is in the batch by now).
      identityKey(b, r, st.identity);
      const hi = st.identity[0]!;
      const lo = st.identity[1]!;
      if (mode === 1 || sortedHas(check.hashes, hi >>> 0)) {
        const copyKeys = withRoom(st.copyKeys, (st.copyCount + 1) * COPY_KEY_WIDTH);
        st.copyKeys = copyKeys;
        const k = st.copyCount++ * COPY_KEY_WIDTH;
        copyKeys[k] = p;
        copyKeys[k + 1] = r;
        copyKeys[k + 2] = hi;
        copyKeys[k + 3] = lo;
        copyKeys[k + 4] = businessDate;
        copyKeys[k + 5] = type | (b.response[r]! << 8);
        copyKeys[k + 6] = b.amount[2 * r]!;
        copyKeys[k + 7] = b.amount[2 * r + 1]!;
      }
    }
  }
  return true;
}

/** The fields of a payout row's text values, in PayoutRows order (schema.ts PAYOUT). */
const PAYOUT_TEXT_FIELDS = [F_ORDER_NO, F_BATCH_NO, F_PAN, F_ORIG_RRN];

/**
 * Appends a payout row (DESIGN §3.5) to the chunk's payout rows: its numbers, and its text values
 * with the account number masked to its first 6 and last 4 characters when it shows more (counted).
 */
function emitPayout(st: Emitter, rows: PayoutRows, recLine: number): boolean {
  const p = payoutRowRoom(rows);
  st.payouts = p;
  const { vals, ts, te, tq } = st;
  const r = p.length;
  p.line[r] = recLine;
  p.merchant[r] = vals[F_MERCHANT_ID]!;
  p.settle[r] = vals[F_SETTLE_DATE]!;
  p.amount[r] = vals[F_AMOUNT]!;
  p.status[r] = vals[F_STATUS]!;
  p.statusDate[r] = vals[F_CLEARING_DATE]!;
  p.currency[r] = vals[F_CURRENCY]!;
  for (let k = 0; k < PAYOUT_TEXT_FIELDS.length; k++) {
    const f = PAYOUT_TEXT_FIELDS[k]!;
    const src = tq[f] ? st.qbuf : st.buf;
    appendPayoutText(p, k, src, ts[f]!, te[f]!);
    if (f === F_PAN && panShowsTooMuch(src, ts[f]!, te[f]!)) {
      const end = p.textLength;
      maskPanField(p.text, end - (te[f]! - ts[f]!), end);
      st.panMasked++;
    }
  }
  p.length = r + 1;
  st.rows++;
  return true;
}

/**
 * Whether pan[s, e) is a card number of 16 characters with '*' at every hidden position: nearly every
 * row, cleared by six compares (a loop over the hidden positions, or a test of 4 bytes at a time,
 * cost 2–3% of the scan, measured in one process against the build before).
 */
function maskedSixteen(pan: Uint8Array, s: number, e: number): boolean {
  return (
    e - s === 16 &&
    pan[s + 6] === 42 &&
    pan[s + 7] === 42 &&
    pan[s + 8] === 42 &&
    pan[s + 9] === 42 &&
    pan[s + 10] === 42 &&
    pan[s + 11] === 42
  );
}

/** Appends the current record's open-item-only columns (ScanTask.extras), masking a full card number. */
function emitExtras(st: Emitter, x: ExtraColumns, pan: Uint8Array): void {
  appendExtraRow(x, st.vals, pan, st.ts[F_PAN]!, st.te[F_PAN]!);
}

/** Appends a record's open-item-only columns from its values, the card number from pan[ps, pe). */
function appendExtraRow(x: ExtraColumns, vals: Float64Array, pan: Uint8Array, ps: number, pe: number): void {
  const r = x.length;
  ensureExtras(x, r + 1);
  x.batch_no[r] = vals[F_BATCH_NO]!;
  x.currency[r] = vals[F_CURRENCY]!;
  setI64(x.net, r, vals[F_NET]!);
  x.clearing_date[r] = vals[F_CLEARING_DATE]!;
  appendPan(x.pan_masked, r, pan, ps, pe);
  x.length = r + 1;
}

/**
 * Open items' columns read back from their lines (workers/extras.ts): `lines` holds the lines of
 * rows[0..n) of B, one each, ending in a newline, from a file or store with `task`'s header. The
 * generated row function reads each (the rows were accepted before; the few the fast path does not
 * take go through scanBytes, the careful path); the five columns are appended to `out`. Returns the
 * first k whose line is not the row B holds (merchant, stan and amount differ: the file changed
 * since the scan), or −1.
 */
export function readBackExtras(
  lines: Uint8Array,
  length: number,
  task: Omit<ScanTask, 'source'>,
  B: RowBatch,
  rows: Int32Array,
  out: ExtraColumns,
): number {
  if (task.profile !== undefined) return readBackProfileExtras(lines, length, task, task.profile, B, rows, out);
  const fast = rowParserFor(task.side, task.fields, task.state);
  const vals = new Float64Array(VALS_LENGTH);
  const ts = new Int32Array(FIELD_COUNT);
  const te = new Int32Array(FIELD_COUNT);
  const dates = newDateCache();
  const dv = new DataView(lines.buffer, lines.byteOffset, lines.byteLength);
  let pos = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    const nl = lines.indexOf(NL, pos);
    const lineEnd = nl < 0 || nl >= length ? length : nl + 1;
    if (fast(lines, dv, pos, lineEnd, vals, ts, te, dates) === lineEnd) {
      if (
        vals[F_MERCHANT_ID] !== B.merchant_id[i] ||
        vals[F_STAN] !== B.stan[i] ||
        vals[F_AMOUNT] !== getI64(B.amount, i)
      )
        return k;
      appendExtraRow(out, vals, lines, ts[F_PAN]!, te[F_PAN]!);
    } else {
      const one = scanBytes(lines, pos, lineEnd, { ...task, partitions: 1, extras: true });
      const b = one.batches[0]!;
      if (
        one.rows !== 1 ||
        b.merchant_id[0] !== B.merchant_id[i] ||
        b.stan[0] !== B.stan[i] ||
        getI64(b.amount, 0) !== getI64(B.amount, i)
      )
        return k;
      appendExtras(out, one.extras!);
    }
    pos = lineEnd;
  }
  return -1;
}

/** readBackExtras for the lines of a profile's file: each read by the profile again. */
function readBackProfileExtras(
  lines: Uint8Array,
  length: number,
  task: Omit<ScanTask, 'source'>,
  src: ProfileSource,
  B: RowBatch,
  rows: Int32Array,
  out: ExtraColumns,
): number {
  const { plan, ctx } = profilePlan(src, task);
  const vals = new Float64Array(VALS_LENGTH);
  const ts = new Int32Array(FIELD_COUNT);
  const te = new Int32Array(FIELD_COUNT);
  const pan = new Uint8Array(24);
  let pos = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    let nl = lines.indexOf(NL, pos);
    if (nl < 0 || nl >= length) nl = length;
    const e = nl > pos && lines[nl - 1] === CR ? nl - 1 : nl;
    vals.fill(0);
    if (
      readRecord(plan, lines, pos, e, vals, ts, te, ctx) !== 0 ||
      vals[F_MERCHANT_ID] !== B.merchant_id[i] ||
      vals[F_STAN] !== B.stan[i] ||
      vals[F_AMOUNT] !== getI64(B.amount, i)
    )
      return k;
    // The card number as the scan stored it (masked when full): a copy, so the line stays as read.
    const n = Math.min(te[F_PAN]! - ts[F_PAN]!, pan.length);
    pan.set(lines.subarray(ts[F_PAN]!, ts[F_PAN]! + n));
    appendExtraRow(out, vals, pan, 0, n);
    pos = nl + 1;
  }
  return -1;
}

/**
 * The careful path's state over one chunk (scanBytes): the field bounds of the current record and
 * where each field sits in the file's columns. Apart from scanBytes, so that its loop, which runs
 * once per careful record, is small: V8 compiled scanBytes with this path inside 6–7 times per
 * worker at ~60–130 ms a time (node --trace-opt, a 2M run).
 */
class Careful {
  /** Field bounds of the current record, per file column (one extra slot to count surplus fields). */
  readonly fs: Int32Array;
  readonly fe: Int32Array;
  readonly fq: Uint8Array;
  /** Raw bounds of each field in buf (quotes included), to mask a card number in a rejected line. */
  readonly rs: Int32Array;
  readonly re: Int32Array;
  /** Unescaped bytes of quoted fields of the current record (replaced when it grows). */
  qbuf: Uint8Array;
  /** Where each field (F_*) of the current record lives: file column index, or −1. */
  readonly at: Int32Array;
  readonly panCol: number;
  /** The current record as split (splitRecord): its field count, −1 when its line ended inside quotes. */
  nf = 0;
  /** A malformed quote (R_QUOTE) and the column it is in; 0 and −1 when none. */
  bad = 0;
  badCol = -1;
  /** A byte ≥ 0x80 was seen: the line's UTF-8 is checked. */
  high = false;
  /** Bytes used in qbuf. */
  qpos = 0;

  constructor(
    readonly st: Emitter,
    readonly rules: FieldRules,
    readonly rejects: RejectBatch,
    readonly ncols: number,
    readonly end: number,
  ) {
    this.fs = new Int32Array(ncols + 1);
    this.fe = new Int32Array(ncols + 1);
    this.fq = new Uint8Array(ncols + 1);
    this.rs = new Int32Array(ncols + 1);
    this.re = new Int32Array(ncols + 1);
    this.qbuf = st.qbuf;
    this.at = new Int32Array(FIELD_COUNT).fill(-1);
    for (let i = 0; i < ncols; i++) this.at[rules.field[i]!] = i;
    this.panCol = this.at[F_PAN]!;
  }
}

/**
 * The careful path over the record at pos, the line st.line: every field checked and converted,
 * the row appended (emitRow) or rejected naming its field and reason. Returns where the next
 * record starts.
 */
function carefulRecord(cs: Careful, pos: number): number {
  const { st, rejects, end } = cs;
  const buf = st.buf;
  const recLine = st.line;
  st.line = recLine + 1; // a record is one line (DESIGN §3)
  const nl = buf.indexOf(NL, pos);
  const lineEnd = nl < 0 || nl >= end ? end : nl + 1;
  if (lineEnd - pos > MAX_LINE_BYTES) {
    const e = trimEol(buf, pos, lineEnd);
    pushReject(rejects, recLine, -1, R_LINE_TOO_LONG, Math.ceil((e - pos) / 1024), buf, pos, e);
    return lineEnd;
  }
  const next = splitRecord(cs, pos, recLine);
  if (cs.nf < 0) return next;
  const recEnd = trimEol(buf, pos, next);
  // A blank line is not a row.
  if (cs.nf === 1 && cs.fe[0] === cs.fs[0] && cs.fq[0] === 0) return next;
  if (rejectLine(cs, recLine, pos, recEnd) || !readFields(cs, recLine, pos, recEnd)) return next;
  st.qbuf = cs.qbuf;
  if (!emitRow(st, recLine, pos)) {
    const { rs, re, panCol } = cs;
    pushReject(rejects, recLine, cs.at[F_TXN_TIME]!, R_RANGE, 0, buf, pos, recEnd, rs[panCol]!, re[panCol]!);
  }
  return next;
}

/**
 * Splits the record at pos into fields as fast-csv reads them (RFC 4180): their bounds in cs.fs/fe
 * (in cs.qbuf, unescaped, where fq is set; raw bounds in rs/re), their count in cs.nf, a malformed
 * quote in cs.bad/badCol, a byte ≥ 0x80 in cs.high. Returns where the next record starts. A line
 * that ends inside quotes is rejected here (cs.nf = −1).
 */
function splitRecord(cs: Careful, pos: number, recLine: number): number {
  const { st, end } = cs;
  const buf = st.buf;
  const recStart = pos;
  cs.nf = 0;
  cs.bad = 0;
  cs.badCol = -1;
  cs.high = false;
  cs.qpos = 0;
  for (;;) {
    // A quoted field may have blanks around its quotes (fast-csv reads `a, "b" ,c` as a,b,c).
    let q = pos;
    while (q < end && (buf[q] === SPACE || buf[q] === TAB)) q++;
    if (q < end && buf[q] === QUOTE) {
      const qs = cs.qpos;
      const j = unquote(cs, q);
      if (j < 0) {
        // The line (or the input) ends inside the quotes: that line alone is rejected, and the
        // next line is a record of its own. One stray quote costs exactly its line.
        const stop = -1 - j;
        const lineEnd = stop < end ? stop + 1 : end;
        const reason = stop < end ? R_EMBEDDED_NEWLINE : R_QUOTE;
        pushReject(cs.rejects, recLine, cs.nf, reason, 0, buf, recStart, trimEol(buf, recStart, lineEnd));
        cs.nf = -1;
        return lineEnd;
      }
      addField(cs, qs, cs.qpos, 1, q, j);
      pos = j;
      while (pos < end && (buf[pos] === SPACE || buf[pos] === TAB)) pos++;
      const c = pos < end ? buf[pos]! : -1;
      if (c === COMMA) {
        pos++;
        continue;
      }
      if (c === NL) return pos + 1;
      if (c === CR && (pos + 1 >= end || buf[pos + 1] === NL)) return pos + (pos + 1 < end ? 2 : 1);
      if (c === -1) return pos;
      // Text after a closing quote: malformed; the record ends at the next line end.
      if (!cs.bad) {
        cs.bad = R_QUOTE;
        cs.badCol = cs.nf - 1;
      }
      const nl = buf.indexOf(NL, pos);
      return nl < 0 || nl >= end ? end : nl + 1;
    }
    // Unquoted field; a quote inside it is an ordinary character (as fast-csv reads it).
    let j = pos;
    let c = -1;
    while (j < end) {
      c = buf[j]!;
      if (c === COMMA || c === NL) break;
      if (c >= 0x80) cs.high = true;
      j++;
    }
    let e = j;
    if (e > pos && buf[e - 1] === CR && (j >= end || c === NL)) e--;
    addField(cs, pos, e, 0, pos, e);
    if (j >= end) return end;
    pos = j + 1;
    if (c === NL) return pos;
  }
}

/**
 * Copies the quoted field whose opening quote is at q into cs.qbuf, unescaping doubled quotes;
 * returns where it ends (after the closing quote), or −1 − where it stopped without one (a line
 * end: a record is one line, DESIGN §3, even inside quotes; or the end of the input).
 */
function unquote(cs: Careful, q: number): number {
  const { end } = cs;
  const buf = cs.st.buf;
  let qbuf = cs.qbuf;
  let qpos = cs.qpos;
  let j = q + 1;
  let closed = false;
  while (j < end) {
    const b = buf[j]!;
    if (b === QUOTE) {
      if (j + 1 < end && buf[j + 1] === QUOTE) {
        if (qpos >= qbuf.length) qbuf = cs.qbuf = growBuf(qbuf);
        qbuf[qpos++] = QUOTE;
        j += 2;
        continue;
      }
      closed = true;
      j++;
      break;
    }
    if (b === NL) break;
    if (b >= 0x80) cs.high = true;
    if (qpos >= qbuf.length) qbuf = cs.qbuf = growBuf(qbuf);
    qbuf[qpos++] = b;
    j++;
  }
  cs.qpos = qpos;
  return closed ? j : -1 - j;
}

/** Notes the current record's next field: its value's bounds (in qbuf when quoted) and raw bounds. */
function addField(cs: Careful, s: number, e: number, quoted: number, rawStart: number, rawEnd: number): void {
  const nf = cs.nf++;
  if (nf > cs.ncols) return;
  cs.fs[nf] = s;
  cs.fe[nf] = e;
  cs.fq[nf] = quoted;
  cs.rs[nf] = rawStart;
  cs.re[nf] = rawEnd;
}

/**
 * Rejects the whole line for bytes that are not UTF-8, then a malformed quote, then the wrong
 * number of fields; true when it did.
 */
function rejectLine(cs: Careful, recLine: number, recStart: number, recEnd: number): boolean {
  const { nf, bad, panCol } = cs;
  const utf8 = cs.high && !validUtf8(cs.st.buf, recStart, recEnd);
  const reason = utf8 ? R_UTF8 : bad ? bad : nf !== cs.ncols ? R_FIELD_COUNT : 0;
  if (reason === 0) return false;
  const column = !utf8 && bad ? cs.badCol : -1;
  const detail = reason === R_FIELD_COUNT ? nf : 0;
  const panS = panCol < nf ? cs.rs[panCol]! : 0;
  const panE = panCol < nf ? cs.re[panCol]! : 0;
  pushReject(cs.rejects, recLine, column, reason, detail, cs.st.buf, recStart, recEnd, panS, panE);
  return true;
}

/**
 * Converts every field of the record by its column's rule (field-rules.ts readValue) before
 * anything is appended; false when one fails, rejected naming its column and reason.
 */
function readFields(cs: Careful, recLine: number, recStart: number, recEnd: number): boolean {
  const { st, fs, fe, fq } = cs;
  const { buf, vals, ts, te, tq } = st;
  const columns = cs.rules.columns;
  vals.fill(0);
  for (let i = 0; i < cs.ncols; i++) {
    const col = columns[i]!;
    const s = fs[i]!;
    const e = fe[i]!;
    tq[col.field] = fq[i]!;
    // An open item read through a profile may have no value where a file's row must have one.
    if (s === e && st.state && col.storeEmpty !== undefined) {
      vals[col.field] = col.storeEmpty;
      continue;
    }
    const reason = readValue(col, fq[i] ? cs.qbuf : buf, s, e, vals, ts, te);
    if (reason !== 0) {
      const detail = reason === R_LENGTH ? e - s : 0;
      pushReject(cs.rejects, recLine, i, reason, detail, buf, recStart, recEnd, cs.rs[cs.panCol]!, cs.re[cs.panCol]!);
      return false;
    }
  }
  return true;
}

/** The record plan and context of a profile's file, as planRecords makes them for a task. */
function profilePlan(
  src: ProfileSource,
  task: Pick<ScanTask, 'runDay' | 'merchants'>,
): { plan: RecordPlan; ctx: PlanContext } {
  const { profile } = src;
  const ctx: PlanContext = {
    runDay: task.runDay,
    before: src.before,
    aliases: profile.platform ? aliasesFor(task.merchants, profile.platform) : new Map(),
  };
  return { plan: planRecords(profile, src.header, ctx), ctx };
}

/**
 * The records of a profile's file in buf[pos, end), one a line: each read by the profile
 * (core/profile-record.ts) into the scanner's values and appended like any other row, or rejected
 * with the source field and reason. Blank lines are not rows. Returns what the records add to the
 * file's control totals.
 */
function profileRecords(
  st: Emitter,
  src: ProfileSource,
  task: Omit<ScanTask, 'source'>,
  rejects: RejectBatch,
  pos: number,
  end: number,
): Float64Array {
  const { plan, ctx } = profilePlan(src, task);
  const totals = new Float64Array(2 * plan.totalSlots);
  const counting = plan.totals.length > 0;
  st.settleExpected = plan.settleExpected;
  const { buf, vals, ts, te, tq } = st;
  tq[F_ORDER_NO] = 0;
  tq[F_ORIG_RRN] = 0;
  tq[F_PAN] = 0;
  const timeField = plan.steps.find((s) => s.field === F_TXN_TIME)?.sources[0] ?? -1;
  // The one-pass reader takes the records whose line end lies in the chunk (every scan in it
  // stops at a line end); the last record without one, and any it cannot take, are read below.
  const row = plan.row;
  const fastEnd = row === null ? pos : buf.lastIndexOf(NL, end - 1) + 1;
  const aliases = new AliasIndex(ctx.aliases);
  while (pos < end) {
    if (pos < fastEnd) {
      const next = row!(buf, pos, vals, ts, te, totals, aliases);
      if (next >= 0) {
        const line = st.line++;
        // A line that runs on in a field nobody reads is rejected (its totals were added as read).
        const tooLong = next - pos > MAX_LINE_BYTES;
        if (tooLong || !emitRow(st, line, pos)) {
          const e = buf[next - 2] === CR ? next - 2 : next - 1;
          if (tooLong) pushReject(rejects, line, -1, R_LINE_TOO_LONG, Math.ceil((e - pos) / 1024), buf, pos, e);
          else pushReject(rejects, line, timeField, R_RANGE, 0, buf, pos, e);
        }
        pos = next;
        continue;
      }
    }
    let nl = buf.indexOf(NL, pos);
    if (nl < 0 || nl >= end) nl = end;
    const e = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
    const next = nl < end ? nl + 1 : end;
    const line = st.line++;
    if (e - pos > MAX_LINE_BYTES) {
      pushReject(rejects, line, -1, R_LINE_TOO_LONG, Math.ceil((e - pos) / 1024), buf, pos, e);
      if (counting) addTotals(plan, buf, totals, false);
    } else if (e > pos) {
      vals.fill(0);
      const r = readRecord(plan, buf, pos, e, vals, ts, te, ctx);
      if (r !== 0) {
        const { reason, field, detail } = rejectOf(plan, r);
        pushReject(rejects, line, field, reason, detail, buf, pos, e);
        // A reject of the whole line (encoding, field count, length) left its fields unsplit.
        if (counting) addTotals(plan, buf, totals, plan.split[0] === 1);
      } else {
        if (counting) addTotals(plan, buf, totals, true);
        if (!emitRow(st, line, pos)) pushReject(rejects, line, timeField, R_RANGE, 0, buf, pos, e);
      }
    }
    pos = next;
  }
  return totals;
}

/**
 * Scans the records of buf[start, end), which starts at a line start. `base` is the input offset
 * of buf[0] (the rows' locators).
 */
export function scanBytes(
  buf: Uint8Array,
  start: number,
  end: number,
  task: Omit<ScanTask, 'source'>,
  base = 0,
): ScanResult {
  const journal = task.side === 'journal';
  const rules = rulesFor(task.side, task.fields, task.state);
  const ncols = task.fields.length;
  const cal = workCalendarFor(task.calendar);
  const merchants = merchantIndexFor(task.merchants);
  const P = task.partitions;

  // Each row goes straight to its partition's batch (rows keep their file order there). The
  // batches are sized from what this worker's earlier chunks held per input byte, with a small
  // margin, and grow when a partition gets more. Fresh batches are zeroed shared memory (the other
  // side's columns stay unwritten: emitRow); reused ones get every column of every row written.
  let outs: RowBatch[];
  const reused = task.spill !== undefined && spillBatches.length === P;
  if (task.side === 'payout') {
    // Payout rows go to their own columns (emitPayout): no partition batches.
    outs = [];
  } else if (reused) {
    // Spilled batches are written out before the task returns: the next task reuses their memory.
    outs = spillBatches;
    for (const b of outs) b.length = 0;
  } else {
    const est = task.state ? FIRST_GUESS : shapes[task.side];
    const expectRows = (end - start) / est.bytesPerRow / P;
    // A partition's share of a chunk varies by a few standard deviations (√n) around n, and a
    // batch that overflows grows by a copy into fresh memory; room that is never written costs
    // little (the region's pages are faulted in when first written).
    const margin = 1.05 * expectRows + 4 * Math.sqrt(expectRows) + 32;
    const perPart = Math.ceil(margin);
    const stringBytes = est.stringBytesPerRow.map((b) => Math.ceil(b * margin * 1.1) + 256);
    outs = [];
    for (let p = 0; p < P; p++) outs.push(allocWriteBatch(perPart, stringBytes, region));
    if (task.spill !== undefined) spillBatches = outs;
  }
  const rejects = newRejects();

  // One record's values, by field: numbers in vals, text ranges in ts/te (in qbuf when tq is set).
  const vals = new Float64Array(VALS_LENGTH);
  const ts = new Int32Array(FIELD_COUNT);
  const te = new Int32Array(FIELD_COUNT);
  const tq = new Uint8Array(FIELD_COUNT);
  const dates = newDateCache();
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const fast = task.carefulOnly || task.profile !== undefined ? null : rowParserFor(task.side, task.fields, task.state);

  let pos = start;
  // Copy keys, with the partition row they belong to.
  const check = journal && !task.state ? task.copyCheck : undefined;
  const st = new Emitter(task, journal, cal, merchants, outs, vals, ts, te, tq, buf, new Uint8Array(1024), check, base);
  st.writeAll = reused;

  let totals: Float64Array | undefined;
  if (task.profile !== undefined) {
    totals = profileRecords(st, task.profile, task, rejects, pos, end);
    pos = end;
  }
  const careful = new Careful(st, rules, rejects, ncols, end);
  while (pos < end) {
    if (fast !== null) {
      // The fast path takes every row it can; it stops at a row it cannot take or at the end.
      pos = fastRun(st, fast, dv, pos, end, dates);
      if (pos >= end) break;
      // This record goes the careful way: one the fast path does not take (a quote to unescape, a
      // field it cannot convert), or one out of the supported span, which the careful path rejects
      // with its reason.
    }
    pos = carefulRecord(careful, pos);
  }

  if (!task.state)
    for (const b of outs) {
      // What emitRow leaves to the end (every row of a batch is this task's).
      if (reused) b.flags.fill(0, 0, b.length);
      b.src_run.fill(task.runDay, 0, b.length);
      b.src_file.fill(task.fileNo, 0, b.length);
    }
  const batches = outs.map(sealBatch);
  const rows = st.rows;
  if (!task.state && !task.extras && rows >= 1000) {
    shapes[task.side] = {
      bytesPerRow: (end - start) / rows,
      stringBytesPerRow: UTF8_COLUMNS.map((name) => batches.reduce((s, b) => s + b[name].offsets[b.length]!, 0) / rows),
    };
  }
  return {
    chunk: task.chunk,
    lines: st.line,
    rows,
    bytes: end - start,
    batches,
    partRows: batches.map((b) => b.length),
    rejects,
    panMasked: st.panMasked,
    needs: { firstBusinessDate: st.firstBusinessDate, lastDeadline: st.lastDeadline, lastSettle: st.lastSettle },
    copyKeys: st.copyKeys.slice(0, st.copyCount * COPY_KEY_WIDTH),
    ...(st.extras !== null ? { extras: st.extras } : {}),
    ...(totals !== undefined ? { totals } : {}),
    ...(st.payouts !== null ? { payouts: st.payouts } : {}),
    ...(st.sums !== null ? { payoutSums: st.sums } : {}),
  };
}

/** Whether the sorted array holds v. */
function sortedHas(a: Uint32Array, v: number): boolean {
  const at = lowerBound(a, v);
  return at < a.length && a[at] === v;
}

function growBuf(b: Uint8Array): Uint8Array {
  const g = new Uint8Array(b.length * 2);
  g.set(b);
  return g;
}

/** End of a record's text without its line break. */
function trimEol(buf: Uint8Array, s: number, e: number): number {
  if (e > s && buf[e - 1] === NL) e--;
  if (e > s && buf[e - 1] === CR) e--;
  return e;
}
