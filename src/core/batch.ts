/**
 * The row batch: one side's rows in columnar Arrow layout, the unit that crosses threads.
 *
 * Vocabulary
 * - row batch: `length` rows of both sides' union of columns (DESIGN §3.1, §3.2) plus derived columns;
 *   a journal row leaves clearing-only columns zero/empty and vice versa.
 * - Utf8 column: Arrow Utf8 layout, Int32 `offsets` (length + 1) into UTF-8 `bytes`.
 * - packed id: a fixed-width id as a number in a Float64 or Int32 column (packed.ts): the hot path
 *   hashes and compares numbers, not bytes.
 * - Int64 column: Arrow Int64 layout kept in an Int32Array of 2·length (little-endian lo, hi words),
 *   so that integers up to 2^53 are written and read without BigInt allocation (see int64.ts).
 * - date column: epoch days in a Uint16 (dates are checked to lie in [FIRST_DAY, END_DAY), below
 *   2^16): half the bytes of Arrow's Date32, in every batch of every row.
 * - source (`src_run`, `src_file`, `src_line`): where the row came from: the run that loaded the file,
 *   the file's number within that run, the 1-based line. It is the row's identity across runs.
 * - locator (`src_offset`): where the row's line starts in what this run read it from: the byte
 *   offset in its input file, or, for a row carried from the open-item store, in the store's rows
 *   as this run read them (FLAG_CARRIED).
 * - narrow (DESIGN §9 step 3): a batch holds what matching and classification read. The columns
 *   only an open item stores (batch_no, pan_masked, currency, net_minor, clearing_date) are
 *   validated by the scan but not carried; the few rows that stay open read them back from their
 *   line by locator (workers/extras.ts). They were a third of the scan's time (bench/RESULTS.md).
 *
 * Batches travel between threads as their typed arrays with the underlying ArrayBuffers in the
 * transfer list (`transferList`), never as row objects; `toArrow` (arrow.ts) wraps the same buffers
 * as an apache-arrow RecordBatch without copying, for IPC and for inspection. The scan's batches
 * live in one SharedArrayBuffer each (allocWriteBatch): shared, not transferred, and so not counted
 * as external memory by the threads that pass them on (see allocWriteBatch).
 */

export interface Utf8Column {
  offsets: Int32Array;
  bytes: Uint8Array;
}

export interface RowBatch {
  length: number;
  /** Unified row type: journal txn_type / clearing record_type (TYPE_* codes). */
  type: Uint8Array;
  /** Journal channel (CHANNEL_* codes); 0 on clearing rows. */
  channel: Uint8Array;
  /** Clearing status (STATUS_* codes); 0 on journal rows. */
  status: Uint8Array;
  /** Carried state bits (FLAG_*: FLAG_BITS of them fit). */
  flags: Uint16Array;
  /** Journal response code, two ASCII bytes packed (c0 << 8 | c1); 0 on clearing rows. */
  response: Uint16Array;
  /** merchant_id, 15 digits, as its value (packed.ts). */
  merchant_id: Float64Array;
  /** terminal_id, 8 alphanumerics, packed 6 bits a character (packed.ts). */
  terminal_id: Float64Array;
  /** stan, 6 digits, as its value; NO_STAN on a row of a layout without one (a WeChat or Alipay bill). */
  stan: Int32Array;
  /** rrn, 12 alphanumerics, as two packed halves of 6; both 0 when empty. */
  rrn_hi: Float64Array;
  rrn_lo: Float64Array;
  /** auth_code, 6 alphanumerics, packed; 0 when empty. */
  auth_code: Float64Array;
  order_no: Utf8Column;
  orig_rrn: Utf8Column;
  /** Epoch milliseconds (Int64 layout). */
  txn_time: Int32Array;
  /** Journal amount_minor / clearing gross_minor (Int64 layout). */
  amount: Int32Array;
  /** Clearing fee_minor (Int64 layout). */
  fee: Int32Array;
  settle_date: Uint16Array;
  business_date: Uint16Array;
  /** Expected settle date under the merchant's cycle (journal: the pair's; clearing: its own). */
  expected: Uint16Array;
  /** expected + grace working days: the run at or after which an unmatched row ages. */
  deadline: Uint16Array;
  src_run: Uint16Array;
  src_file: Int32Array;
  src_line: Int32Array;
  /** Byte offset of the row's line in its input (see locator above). */
  src_offset: Float64Array;
  /** Index into the run's merchant table, −1 when the merchant is not listed. */
  merchant_ix: Int32Array;
  /**
   * Hash of the row's own identity key (keys.ts ownKeyHash: its order key when it has an order
   * number, else its rrn key, else its stan key), computed once by the scan: the join's tables,
   * copy checks and window records start from it instead of hashing the key's bytes again.
   */
  key_hash: Uint32Array;
}

/**
 * The columns only an open item stores, of rows read back by locator (workers/extras.ts), one
 * entry per row in the order they were read. Not part of a RowBatch (see "narrow" above).
 */
export interface ExtraColumns {
  length: number;
  /** batch_no, 6 digits, as its value; 0 on clearing rows. */
  batch_no: Int32Array;
  /** ISO 4217 alpha code, three ASCII bytes packed. */
  currency: Uint32Array;
  /** Clearing net_minor (Int64 layout); 0 on journal rows. */
  net: Int32Array;
  /** Clearing date; 0 on journal rows. */
  clearing_date: Uint16Array;
  /** The card number as stored: masked (first 6 + last 4) when the input held it in full. */
  pan_masked: Utf8Column;
}

/** Empty extra columns with room for `capacity` rows (they grow when more are appended). */
export function allocExtras(capacity: number): ExtraColumns {
  const n = Math.max(capacity, 16);
  return {
    length: 0,
    batch_no: new Int32Array(n),
    currency: new Uint32Array(n),
    net: new Int32Array(2 * n),
    clearing_date: new Uint16Array(n),
    pan_masked: { offsets: new Int32Array(n + 1), bytes: new Uint8Array(n * 16) },
  };
}

/** Makes room for at least `rows` rows of extra columns (geometric growth; content kept). */
export function ensureExtras(x: ExtraColumns, rows: number): void {
  const cap = x.batch_no.length;
  if (rows <= cap) return;
  let next = cap * 2;
  while (next < rows) next *= 2;
  const grow = <T extends Int32Array | Uint32Array | Uint16Array>(a: T, make: (n: number) => T, per = 1): T => {
    const g = make(next * per);
    g.set(a as never);
    return g;
  };
  x.batch_no = grow(x.batch_no, (n) => new Int32Array(n));
  x.currency = grow(x.currency, (n) => new Uint32Array(n));
  x.net = grow(x.net, (n) => new Int32Array(n), 2);
  x.clearing_date = grow(x.clearing_date, (n) => new Uint16Array(n));
  const offsets = new Int32Array(next + 1);
  offsets.set(x.pan_masked.offsets);
  x.pan_masked.offsets = offsets;
}

/** Appends every entry of `x` to `out` (growing it). */
export function appendExtras(out: ExtraColumns, x: ExtraColumns): void {
  const n = out.length;
  const m = x.length;
  ensureExtras(out, n + m);
  out.batch_no.set(x.batch_no.subarray(0, m), n);
  out.currency.set(x.currency.subarray(0, m), n);
  out.net.set(x.net.subarray(0, 2 * m), 2 * n);
  out.clearing_date.set(x.clearing_date.subarray(0, m), n);
  const po = out.pan_masked;
  const px = x.pan_masked;
  const used = po.offsets[n]!;
  const bytes = ensureBytes(po, used, px.offsets[m]!);
  bytes.set(px.bytes.subarray(0, px.offsets[m]!), used);
  for (let q = 1; q <= m; q++) po.offsets[n + q] = used + px.offsets[q]!;
  out.length = n + m;
}

export type ColumnKind = 'u8' | 'u16' | 'u32' | 'i32' | 'f64' | 'date' | 'i64' | 'time' | 'utf8';
export type Utf8Name = {
  [K in keyof RowBatch]: RowBatch[K] extends Utf8Column ? K : never;
}[keyof RowBatch];
export type FixedName = Exclude<keyof RowBatch, Utf8Name | 'length'>;

/** Every column of a row batch, in a fixed order, with its physical kind. */
export const COLUMNS: ReadonlyArray<readonly [keyof RowBatch & string, ColumnKind]> = [
  ['type', 'u8'],
  ['channel', 'u8'],
  ['status', 'u8'],
  ['flags', 'u16'],
  ['response', 'u16'],
  ['merchant_id', 'f64'],
  ['terminal_id', 'f64'],
  ['stan', 'i32'],
  ['rrn_hi', 'f64'],
  ['rrn_lo', 'f64'],
  ['auth_code', 'f64'],
  ['order_no', 'utf8'],
  ['orig_rrn', 'utf8'],
  ['txn_time', 'time'],
  ['amount', 'i64'],
  ['fee', 'i64'],
  ['settle_date', 'date'],
  ['business_date', 'date'],
  ['expected', 'date'],
  ['deadline', 'date'],
  ['src_run', 'date'],
  ['src_file', 'i32'],
  ['src_line', 'i32'],
  ['src_offset', 'f64'],
  ['merchant_ix', 'i32'],
  ['key_hash', 'u32'],
];

const UTF8_NAMES = COLUMNS.filter(([, k]) => k === 'utf8').map(([n]) => n) as Utf8Name[];
const FIXED = COLUMNS.filter(([, k]) => k !== 'utf8') as ReadonlyArray<readonly [FixedName, ColumnKind]>;

/**
 * A row batch built as one object literal, so every batch has the same hidden class with its
 * columns as fast in-object properties (an object grown key by key in a loop may fall back to
 * dictionary mode, and every column access on the hot path would become a hash lookup).
 */
export function shapeBatch(length: number, c: Record<string, unknown>): RowBatch {
  return {
    length,
    type: c.type as RowBatch['type'],
    channel: c.channel as RowBatch['channel'],
    status: c.status as RowBatch['status'],
    flags: c.flags as RowBatch['flags'],
    response: c.response as RowBatch['response'],
    merchant_id: c.merchant_id as RowBatch['merchant_id'],
    terminal_id: c.terminal_id as RowBatch['terminal_id'],
    stan: c.stan as RowBatch['stan'],
    rrn_hi: c.rrn_hi as RowBatch['rrn_hi'],
    rrn_lo: c.rrn_lo as RowBatch['rrn_lo'],
    auth_code: c.auth_code as RowBatch['auth_code'],
    order_no: c.order_no as RowBatch['order_no'],
    orig_rrn: c.orig_rrn as RowBatch['orig_rrn'],
    txn_time: c.txn_time as RowBatch['txn_time'],
    amount: c.amount as RowBatch['amount'],
    fee: c.fee as RowBatch['fee'],
    settle_date: c.settle_date as RowBatch['settle_date'],
    business_date: c.business_date as RowBatch['business_date'],
    expected: c.expected as RowBatch['expected'],
    deadline: c.deadline as RowBatch['deadline'],
    src_run: c.src_run as RowBatch['src_run'],
    src_file: c.src_file as RowBatch['src_file'],
    src_line: c.src_line as RowBatch['src_line'],
    src_offset: c.src_offset as RowBatch['src_offset'],
    merchant_ix: c.merchant_ix as RowBatch['merchant_ix'],
    key_hash: c.key_hash as RowBatch['key_hash'],
  };
}

/** Number of array elements per row of a fixed-width kind (Int64 is two Int32 words). */
function width(kind: ColumnKind): number {
  return kind === 'i64' || kind === 'time' ? 2 : 1;
}

function allocFixed(kind: ColumnKind, n: number): Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array {
  switch (kind) {
    case 'u8':
      return new Uint8Array(n);
    case 'u16':
    case 'date':
      return new Uint16Array(n);
    case 'u32':
      return new Uint32Array(n);
    case 'f64':
      return new Float64Array(n);
    default:
      return new Int32Array(n * width(kind));
  }
}

/** An empty batch with room for `capacity` rows and `bytesPerString` bytes per Utf8 column. */
export function allocBatch(capacity: number, bytesPerString = 16): RowBatch {
  const b: Record<string, unknown> = { length: 0 };
  for (const [name, kind] of FIXED) b[name] = allocFixed(kind, capacity);
  for (const name of UTF8_NAMES) {
    b[name] = { offsets: new Int32Array(capacity + 1), bytes: new Uint8Array(capacity * bytesPerString) };
  }
  return shapeBatch(0, b);
}

/**
 * An empty batch with room for `capacity` rows in one buffer, for a writer that sets every column
 * of every row it appends (the scan). `stringBytes[k]` is the room for the k-th Utf8 column
 * (order_no, orig_rrn). Only the Utf8 offsets' first entry is set.
 *
 * The buffer is shared memory, carved out of `region` (see SharedRegion). A transferred
 * ArrayBuffer counts as external memory in every thread it passes through, and V8 answers external
 * memory with full garbage collections: in a 2M run the coordinator, which holds every scan batch
 * until the joins take them, ran ~24 of them during the scan (~180 ms of pauses plus the marking
 * around them) on the cores the workers scan on. Shared memory is not counted so (its owner must
 * not write a batch it has sent: the scan writes a batch only before it returns it, and reuses
 * only spilled batches, which it never sends).
 */
export function allocWriteBatch(capacity: number, stringBytes: readonly number[], region: SharedRegion): RowBatch {
  const slab = region.slab(slabBytes(capacity, stringBytes));
  const b: Record<string, unknown> = {};
  for (const [name, kind] of FIXED) b[name] = slab.take(kind, capacity * width(kind));
  UTF8_NAMES.forEach((name, k) => {
    const offsets = slab.take('i32', capacity + 1) as Int32Array;
    offsets[0] = 0;
    b[name] = { offsets, bytes: slab.take('u8', stringBytes[k]!) as Uint8Array } satisfies Utf8Column;
  });
  return shapeBatch(0, b);
}

/** The Utf8 columns' names, in the order allocWriteBatch takes their sizes. */
export const UTF8_COLUMNS: readonly Utf8Name[] = UTF8_NAMES;

/** Makes room for at least `rows` rows (geometric growth; existing content kept). */
export function ensureRows(b: RowBatch, rows: number): void {
  const cap = b.type.length;
  if (rows <= cap) return;
  let next = cap * 2;
  while (next < rows) next *= 2;
  const rec = b as unknown as Record<string, unknown>;
  for (const [name, kind] of FIXED) {
    const old = rec[name] as Int32Array;
    const grown = allocFixed(kind, next);
    grown.set(old);
    rec[name] = grown;
  }
  for (const name of UTF8_NAMES) {
    const col = b[name];
    const offsets = new Int32Array(next + 1);
    offsets.set(col.offsets);
    col.offsets = offsets;
  }
}

/** Makes room for `extra` more bytes in a Utf8 column (geometric growth). */
export function ensureBytes(col: Utf8Column, used: number, extra: number): Uint8Array {
  const need = used + extra;
  if (need <= col.bytes.length) return col.bytes;
  let next = Math.max(col.bytes.length * 2, 64);
  while (next < need) next *= 2;
  const grown = new Uint8Array(next);
  grown.set(col.bytes.subarray(0, used));
  col.bytes = grown;
  return grown;
}

/** `a`, or a copy of it with room for at least `need` words (geometric growth) for a growing list. */
export function withRoom<T extends Int32Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let next = Math.max(a.length * 2, 16);
  while (next < need) next *= 2;
  const grown = new Int32Array(next);
  grown.set(a);
  return grown as T;
}

/** The distinct ArrayBuffers behind a batch, for a transfer list (shared buffers are not transferred). */
export function transferList(batches: Iterable<RowBatch>, into: ArrayBuffer[] = []): ArrayBuffer[] {
  const seen = new Set<ArrayBufferLike>(into);
  const add = (a: ArrayBufferView): void => {
    if (!seen.has(a.buffer) && !(a.buffer instanceof SharedArrayBuffer)) {
      seen.add(a.buffer);
      into.push(a.buffer as ArrayBuffer);
    }
  };
  for (const b of batches) {
    for (const [name] of FIXED) add(b[name]);
    for (const name of UTF8_NAMES) {
      add(b[name].offsets);
      add(b[name].bytes);
    }
  }
  return into;
}

/** Trims a built batch to its length with views (no copy); the buffers stay whole for transfer. */
export function sealBatch(b: RowBatch): RowBatch {
  const n = b.length;
  const out: Record<string, unknown> = { length: n };
  for (const [name, kind] of FIXED) out[name] = (b[name] as Int32Array).subarray(0, n * width(kind));
  for (const name of UTF8_NAMES) {
    const col = b[name];
    out[name] = { offsets: col.offsets.subarray(0, n + 1), bytes: col.bytes.subarray(0, col.offsets[n]) };
  }
  return shapeBatch(n, out);
}

/**
 * Concatenates batches into one fresh batch. `lineBase[i]` (optional) is added to the src_line of
 * every row of batches[i]: scan workers number lines from their chunk's start, and the coordinator
 * knows each chunk's first line only once every chunk before it has been scanned.
 */
export function concatBatches(batches: readonly RowBatch[], lineBase?: readonly number[], arena?: Arena): RowBatch {
  let rows = 0;
  for (const b of batches) rows += b.length;
  const utf8Bytes = UTF8_NAMES.map((name) => {
    let bytes = 0;
    for (const b of batches) bytes += b[name].offsets[b.length]!;
    return bytes;
  });
  const size = slabBytes(rows, utf8Bytes);
  const slab = arena ? arena.slab(size) : Slab.fresh(size);
  const out: Record<string, unknown> = { length: rows };
  for (const [name, kind] of FIXED) {
    const w = width(kind);
    const dst = slab.take(kind, rows * w);
    let at = 0;
    for (const b of batches) {
      dst.set((b[name] as Int32Array).subarray(0, b.length * w), at);
      at += b.length * w;
    }
    out[name] = dst;
  }
  UTF8_NAMES.forEach((name, k) => {
    const offsets = slab.take('i32', rows + 1) as Int32Array;
    const data = slab.take('u8', utf8Bytes[k]!) as Uint8Array;
    offsets[0] = 0;
    let row = 0;
    let base = 0;
    for (const b of batches) {
      const col = b[name];
      const used = col.offsets[b.length]!;
      data.set(col.bytes.subarray(0, used), base);
      for (let i = 0; i < b.length; i++) offsets[row + i + 1] = base + col.offsets[i + 1]!;
      row += b.length;
      base += used;
    }
    out[name] = { offsets, bytes: data };
  });
  const batch = shapeBatch(rows, out);
  if (lineBase) {
    let row = 0;
    for (let i = 0; i < batches.length; i++) {
      const add = lineBase[i] ?? 0;
      const n = batches[i]!.length;
      if (add !== 0) for (let r = row; r < row + n; r++) batch.src_line[r]! += add;
      row += n;
    }
  }
  return batch;
}

/** Copies row `i` of `src` onto the end of `dst` (growing it). Used for the few left-over rows. */
export function appendRow(dst: RowBatch, src: RowBatch, i: number): void {
  const n = dst.length;
  ensureRows(dst, n + 1);
  for (const [name, kind] of FIXED) {
    const d = dst[name] as Int32Array;
    const s = src[name] as Int32Array;
    if (width(kind) === 2) {
      d[2 * n] = s[2 * i]!;
      d[2 * n + 1] = s[2 * i + 1]!;
    } else d[n] = s[i]!;
  }
  for (const name of UTF8_NAMES) {
    const d = dst[name];
    const s = src[name];
    const from = s.offsets[i]!;
    const to = s.offsets[i + 1]!;
    const used = d.offsets[n]!;
    const bytes = ensureBytes(d, used, to - from);
    bytes.set(s.bytes.subarray(from, to), used);
    d.offsets[n + 1] = used + to - from;
  }
  dst.length = n + 1;
}

// Gather loops (selectRows), one per array type so each stays monomorphic (a shared generic loop
// over several typed-array types is many times slower).
function gatherU8(from: Uint8Array, to: Uint8Array, rows: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) to[k] = from[rows[k]!]!;
}
function gatherU16(from: Uint16Array, to: Uint16Array, rows: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) to[k] = from[rows[k]!]!;
}
function gatherU32(from: Uint32Array, to: Uint32Array, rows: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) to[k] = from[rows[k]!]!;
}
function gatherI32(from: Int32Array, to: Int32Array, rows: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) to[k] = from[rows[k]!]!;
}
function gatherF64(from: Float64Array, to: Float64Array, rows: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) to[k] = from[rows[k]!]!;
}
function gatherPairs(from: Int32Array, to: Int32Array, rows: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const i = rows[k]!;
    to[2 * k] = from[2 * i]!;
    to[2 * k + 1] = from[2 * i + 1]!;
  }
}

/**
 * The rows `rows[0..n)` of `src`, in that order, as a new batch in one uninitialised buffer (column
 * by column, so each loop is a tight gather).
 */
export function selectRows(src: RowBatch, rows: Int32Array, n: number): RowBatch {
  const utf8Bytes = UTF8_NAMES.map((name) => {
    const o = src[name].offsets;
    let bytes = 0;
    for (let k = 0; k < n; k++) bytes += o[rows[k]! + 1]! - o[rows[k]!]!;
    return bytes;
  });
  const slab = Slab.fresh(slabBytes(n, utf8Bytes));
  const out: Record<string, unknown> = {};
  for (const [name, kind] of FIXED) {
    const from = src[name];
    const to = slab.take(kind, n * width(kind));
    out[name] = to;
    switch (kind) {
      case 'u8':
        gatherU8(from as Uint8Array, to as Uint8Array, rows, n);
        break;
      case 'u16':
      case 'date':
        gatherU16(from as Uint16Array, to as Uint16Array, rows, n);
        break;
      case 'u32':
        gatherU32(from as Uint32Array, to as Uint32Array, rows, n);
        break;
      case 'f64':
        gatherF64(from as Float64Array, to as Float64Array, rows, n);
        break;
      case 'i64':
      case 'time':
        gatherPairs(from as Int32Array, to as Int32Array, rows, n);
        break;
      default:
        gatherI32(from as Int32Array, to as Int32Array, rows, n);
    }
  }
  UTF8_NAMES.forEach((name, k) => {
    const col = src[name];
    const offsets = slab.take('i32', n + 1) as Int32Array;
    const bytes = slab.take('u8', utf8Bytes[k]!) as Uint8Array;
    let used = 0;
    offsets[0] = 0;
    for (let r = 0; r < n; r++) {
      const i = rows[r]!;
      const s = col.offsets[i]!;
      const e = col.offsets[i + 1]!;
      if (e - s <= 16) for (let b = s; b < e; b++) bytes[used++] = col.bytes[b]!;
      else {
        bytes.set(col.bytes.subarray(s, e), used);
        used += e - s;
      }
      offsets[r + 1] = used;
    }
    out[name] = { offsets, bytes } satisfies Utf8Column;
  });
  return shapeBatch(n, out);
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

function elementBytes(kind: ColumnKind): number {
  switch (kind) {
    case 'u8':
      return 1;
    case 'u16':
    case 'date':
      return 2;
    case 'f64':
      return 8;
    default:
      return 4;
  }
}

/**
 * A buffer a thread reuses for the batches it builds and drops within one synchronous task (the join
 * concatenates its partition's pieces into one): fresh memory costs a page fault per 4 KB, tens of
 * milliseconds a join task at 5M rows. Whoever holds a batch built in it must be done with it before
 * the arena's next `slab` call: nothing a task returns may point into it.
 */
export class Arena {
  private buffer: ArrayBuffer = new ArrayBuffer(0);

  /** A slab of `bytes`, uninitialised, valid until the next call. */
  slab(bytes: number): Slab {
    if (this.buffer.byteLength < bytes) this.buffer = uninitialised(Math.ceil(bytes * 1.25) + 8);
    return new Slab(this.buffer);
  }

  /** Lets the memory go (the next slab allocates again). */
  release(): void {
    this.buffer = new ArrayBuffer(0);
  }
}

/**
 * Shared memory handed out in slabs from large regions, never reused: what a thread builds here
 * and sends on stays valid for as long as anyone holds it (a region is freed when the last view of
 * it is). Large regions because fresh memory is what the scan pays most for. On this VM a fresh
 * 4 KB page costs ~11 µs to fault in and zero, and the scan of a 2M day touches ~800 MB of them
 * (~2.3 s of CPU); a region of many megabytes is one mapping that the kernel can back with 2 MB
 * pages where transparent huge pages are on for it (bin/recon asks glibc for them, see its
 * header), and that costs about half as much per byte here.
 */
export class SharedRegion {
  private buffer: SharedArrayBuffer | null = null;
  private at = 0;

  constructor(private readonly regionBytes: number) {}

  /** A slab of `bytes` (zeroed), disjoint from every other slab this region handed out. */
  slab(bytes: number): Slab {
    const need = align8(bytes);
    if (need > this.regionBytes / 4) return Slab.shared(need);
    if (this.buffer === null || this.at + need > this.buffer.byteLength) {
      this.buffer = new SharedArrayBuffer(this.regionBytes);
      this.at = 0;
    }
    const slab = new Slab(this.buffer, this.at);
    this.at += need;
    return slab;
  }
}

function uninitialised(bytes: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

/** Bytes of a slab holding `rows` rows, `utf8Bytes[k]` of text in the k-th Utf8 column. */
function slabBytes(rows: number, utf8Bytes: readonly number[]): number {
  let size = 0;
  for (const [, kind] of FIXED) size += align8(rows * width(kind) * elementBytes(kind));
  for (let k = 0; k < UTF8_NAMES.length; k++) size += align8((rows + 1) * 4) + align8(utf8Bytes[k]!);
  return Math.max(size, 8);
}

/** Typed-array views carved out of one buffer, 8-byte aligned. */
class Slab {
  constructor(
    private readonly buffer: ArrayBuffer | SharedArrayBuffer,
    private at = 0,
  ) {}

  /** Over fresh, uninitialised memory. */
  static fresh(bytes: number): Slab {
    return new Slab(uninitialised(bytes));
  }

  /** Over a (zeroed) SharedArrayBuffer: see allocWriteBatch. */
  static shared(bytes: number): Slab {
    return new Slab(new SharedArrayBuffer(bytes));
  }

  take(
    kind: ColumnKind | 'u8' | 'i32',
    elements: number,
  ): Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array {
    const at = this.at;
    const view = typedView(kind, this.buffer, at, elements);
    this.at = at + align8(view.byteLength);
    return view;
  }
}

type FixedView = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/** A view of `elements` elements of a column kind's array type over `buffer` from byte `at`. */
function typedView(kind: ColumnKind | 'u8' | 'i32', buffer: ArrayBufferLike, at: number, elements: number): FixedView {
  switch (kind) {
    case 'u8':
      return new Uint8Array(buffer, at, elements);
    case 'u16':
    case 'date':
      return new Uint16Array(buffer, at, elements);
    case 'u32':
      return new Uint32Array(buffer, at, elements);
    case 'f64':
      return new Float64Array(buffer, at, elements);
    default:
      return new Int32Array(buffer, at, elements);
  }
}

/** A fixed-width column of `rows` rows over `buffer` from byte `at` (an Int64 column is 2 words a row). */
export function columnView(kind: ColumnKind, buffer: ArrayBufferLike, at: number, rows: number): FixedView {
  return typedView(kind, buffer, at, rows * width(kind));
}
