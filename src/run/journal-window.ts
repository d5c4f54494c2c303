/**
 * The journal window on the coordinator's side (DESIGN §9, §6.1 rules 6 and 8 across runs): looking
 * up keys in the window segments of earlier runs (stored, read page by page) and of this run (in
 * memory), and writing this run's segments.
 *
 * Lookups are few: the new journal rows of earlier business dates (are they copies?) and the credits
 * no partition matched (duplicates of credited transactions, late credits of closed sales). A key is
 * looked up in the segments of its partition and of the business dates around it.
 */

import { type RowBatch, withRoom } from '../core/batch.js';
import type { ByteWriter } from '../core/byte-writer.js';
import {
  KIND_DECLINED_BUT_SETTLED,
  KIND_NAMES,
  KIND_VOIDED_BUT_SETTLED,
  TYPE_PREAUTH_COMPLETION,
  TYPE_SALE,
} from '../core/codes.js';
import { formatIsoDate } from '../core/dates.js';
import { writeKeys } from '../core/finding-keys.js';
import { lowerBound, partitionOf } from '../core/hash.js';
import { getI64 } from '../core/int64.js';
import { hashOrderKey, hashRrnKey, KEY_SEED_2 } from '../core/keys.js';
import { alnumByte } from '../core/packed.js';
import { EXCEPTION_COLUMNS } from '../core/store-columns.js';
import type { CopyCheck } from '../core/tasks.js';
import {
  AMOUNT_UNKNOWN_HI,
  FENCE_EVERY,
  findInRecords,
  type KeyHash,
  RECORD_BYTES,
  RECORD_WORDS,
  ROW_RECORDS,
  STATE_CREDITED,
  STATE_DECLINED,
  STATE_IDENTITY,
  STATE_REVERSED,
  STATE_VOIDED,
  WINDOW_PARTS,
  type WindowSegment,
} from '../core/window-layout.js';
import { type BinaryValue, decodeBinaryCopy, encodeBinaryCopy, int4 } from '../store/binary-copy.js';
import type { Store } from '../store/store.js';

/** A window record found by a lookup, decoded. */
export interface WindowHit {
  createdBy: number;
  businessDate: number;
  jRun: number;
  jFile: number;
  jLine: number;
  timeSec: number;
  /** NaN when the amount did not fit the record. */
  amount: number;
  stan: number;
  /** Response code, two ASCII bytes packed as in RowBatch.response. */
  response: number;
  expected: number;
  state: number;
  type: number;
}

/** A growable list of Int32 tuples of `width` words (at most 5). */
export class Int32Tuples {
  n = 0;
  data: Int32Array;

  constructor(readonly width: number) {
    this.data = new Int32Array(width * 64);
  }

  push(a: number, b: number, c = 0, d = 0, e = 0): void {
    this.data = withRoom(this.data, (this.n + 1) * this.width);
    const at = this.n++ * this.width;
    const v = this.data;
    v[at] = a;
    v[at + 1] = b;
    if (this.width > 2) v[at + 2] = c;
    if (this.width > 3) v[at + 3] = d;
    if (this.width > 4) v[at + 4] = e;
  }
}

/** Keys to look up: tuples (hash hi, hash lo, business date). */
export function keyList(): Int32Tuples {
  return new Int32Tuples(3);
}

/** A lookup's answer: hits[k] is a record equal to key keyOf[k]. */
export interface Hits {
  keyOf: number[];
  hits: WindowHit[];
}

interface StoredSegment {
  createdBy: number;
  businessDate: number;
  part: number;
  producer: number;
  count: number;
  fences: Uint32Array;
}

function decode(words: Int32Array, i: number, createdBy: number, businessDate: number): WindowHit {
  const at = i * RECORD_WORDS;
  const w5 = words[at + 5]!;
  const w6 = words[at + 6]!;
  const w7 = words[at + 7]!;
  const amountHi = (w7 << 16) >> 16;
  return {
    createdBy,
    businessDate,
    jRun: createdBy - ((w6 >>> 16) & 0xffff),
    jFile: w6 & 0xffff,
    jLine: words[at + 2]!,
    timeSec: words[at + 3]! >>> 0,
    amount: amountHi === AMOUNT_UNKNOWN_HI ? NaN : amountHi * 4_294_967_296 + (words[at + 4]! >>> 0),
    stan: w5 & 0xfffff,
    response: (alnumByte((w5 >>> 26) & 63) << 8) | alnumByte((w5 >>> 20) & 63),
    expected: businessDate + ((w7 >>> 16) & 0xff),
    state: (w7 >>> 24) & 0xff,
    type: (w7 >>> 28) & 0x07,
  };
}

function bytesToWords(b: Uint8Array): Int32Array {
  // A private, aligned copy (the driver's bytes may sit at any offset).
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return new Int32Array(copy.buffer, 0, b.length >> 2);
}

/** An int[] literal (COPY takes no parameters; these are integers the run computed). */
function intArray(values: readonly number[]): string {
  for (const v of values) if (!Number.isInteger(v)) throw new Error(`window: ${v} is not an integer`);
  return `'{${values.join(',')}}'::int[]`;
}

/** Map key of a (business date, partition) pair. */
function cell(day: number, part: number): number {
  return day * 4096 + part;
}

/** Record range [from, to) of a segment that may hold hash hi, by its fences. */
function pageRange(fences: Uint32Array, count: number, hi: number): [number, number] {
  const lo = lowerBound(fences, hi);
  // Records equal to hi start in the page before the first fence ≥ hi and end in the last page
  // whose fence is hi.
  const first = Math.max(0, lo - 1);
  let last = lo;
  while (last < fences.length && fences[last]! === hi) last++;
  return [first * FENCE_EVERY, Math.min(count, last * FENCE_EVERY + FENCE_EVERY)];
}

export class JournalWindow {
  /** This run's segments (written already), by cell. */
  private readonly current = new Map<number, StoredSegment[]>();
  /** Earlier runs' segments already described, by cell. */
  private readonly earlier = new Map<number, StoredSegment[]>();
  /** Bytes of stored segments read so far (fences, pages, whole segments): what a lookup cost. */
  bytesRead = 0;

  constructor(
    private readonly tx: Store,
    private readonly runDay: number,
    private readonly windowStart: number,
  ) {}

  /**
   * Writes segments a task of this run produced (COPY binary, inside the run's transaction) and
   * keeps only their fences: later lookups of this run read their pages like earlier runs' ones, so
   * the records need not stay in memory.
   */
  async add(producer: number, segments: readonly WindowSegment[]): Promise<void> {
    if (segments.length === 0) return;
    const described: BinaryValue[][] = [];
    const pages: BinaryValue[][] = [];
    for (const s of segments) {
      const head: BinaryValue[] = [
        { date: this.runDay },
        { date: s.businessDate },
        { int4: s.part },
        { int4: producer },
      ];
      described.push([
        ...head,
        { int4: s.count },
        { bytes: new Uint8Array(s.fences.buffer, s.fences.byteOffset, s.fences.byteLength) },
      ]);
      const records = new Uint8Array(s.records.buffer, s.records.byteOffset, s.count * RECORD_BYTES);
      const rowBytes = ROW_RECORDS * RECORD_BYTES;
      for (let k = 0; k * rowBytes < records.length; k++)
        pages.push([...head, { int4: k }, { bytes: records.subarray(k * rowBytes, (k + 1) * rowBytes) }]);
    }
    await this.tx.copyIn(
      'recon.window_segment',
      ['created_by', 'business_date', 'part', 'producer', 'n', 'fences'],
      encodeBinaryCopy(described),
      'binary',
    );
    await this.tx.copyIn(
      'recon.window_page',
      ['created_by', 'business_date', 'part', 'producer', 'chunk', 'records'],
      encodeBinaryCopy(pages),
      'binary',
    );
    for (const s of segments) {
      const key = cell(s.businessDate, s.part);
      const list = this.current.get(key) ?? [];
      list.push({
        createdBy: this.runDay,
        businessDate: s.businessDate,
        part: s.part,
        producer,
        count: s.count,
        fences: s.fences,
      });
      this.current.set(key, list);
    }
  }

  /**
   * What the scan must check for copies (DESIGN §6.1 rule 8 across runs): every business date with
   * records of earlier runs; for the run's date and later ones with few records (up to `maxRecords`
   * in all), the sorted identity hashes of those records, so that the scan looks up only the rows
   * that may be copies.
   * Undefined when the window is empty.
   */
  async copyCheck(maxRecords = 1_000_000): Promise<CopyCheck | undefined> {
    const rows = await this.tx.query<{ d: number; n: string | number }>(
      `select (business_date - date '1970-01-01') as d, sum(n)::text as n from recon.window_segment
        where business_date >= $1::date and created_by < $2::date group by business_date order by business_date`,
      [formatIsoDate(this.windowStart), formatIsoDate(this.runDay)],
    );
    if (rows.length === 0) return undefined;
    const from = Number(rows[0]!.d);
    const days = new Uint8Array(Number(rows[rows.length - 1]!.d) - from + 1);
    for (const r of rows) days[Number(r.d) - from] = 1;
    const small: number[] = [];
    let budget = maxRecords;
    // Most of a day's rows carry its own business date (or the next, after the cutoff); rows of
    // earlier dates are late uploads, few. So only the run's dates and later ones are filtered.
    for (const r of rows.filter((x) => Number(x.d) >= this.runDay).sort((a, b) => Number(a.n) - Number(b.n))) {
      if (Number(r.n) > budget) break;
      budget -= Number(r.n);
      small.push(Number(r.d));
      days[Number(r.d) - from] = 2;
    }
    const hashes: number[] = [];
    if (small.length > 0) {
      const segs = decodeBinaryCopy(
        await this.tx.copyOut(
          `select records from recon.window_page
            where business_date = any(array(select date '1970-01-01' + d from unnest(${intArray(small)}) as d)) and created_by < date '1970-01-01' + ${this.runDay}`,
          'binary',
        ),
      );
      for (const seg of segs) {
        const words = bytesToWords(seg[0]!);
        this.bytesRead += words.byteLength;
        for (let at = 0; at < words.length; at += RECORD_WORDS) {
          if (((words[at + 7]! >>> 24) & STATE_IDENTITY) !== 0) hashes.push(words[at]! >>> 0);
        }
      }
    }
    const sorted = Uint32Array.from(hashes).sort();
    let n = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i]!;
    // Shared, not copied, with every scan task.
    const shared = new Uint32Array(new SharedArrayBuffer(Math.max(4, n * 4)), 0, n);
    shared.set(sorted.subarray(0, n));
    return { from, days, hashes: shared };
  }

  /** Reads the descriptions (count, fences) of earlier runs' segments in these cells. */
  private async describe(cells: Iterable<number>): Promise<void> {
    const days: number[] = [];
    const parts: number[] = [];
    for (const c of cells) {
      if (this.earlier.has(c)) continue;
      this.earlier.set(c, []);
      days.push(Math.floor(c / 4096));
      parts.push(c % 4096);
    }
    if (days.length === 0) return;
    // Bytes come back through COPY binary: the query protocol would ship them as hex text.
    const rows = decodeBinaryCopy(
      await this.tx.copyOut(
        `select (created_by - date '1970-01-01')::int4, (s.business_date - date '1970-01-01')::int4, s.part, producer, n, fences
           from recon.window_segment s
           join unnest(${intArray(days)}, ${intArray(parts)}) as w(day, part) on s.business_date = date '1970-01-01' + w.day and s.part = w.part
          where s.created_by < date '1970-01-01' + ${this.runDay}`,
        'binary',
      ),
    );
    for (const r of rows) {
      const f = bytesToWords(r[5]!);
      this.bytesRead += f.byteLength;
      const businessDate = int4(r[1]!);
      const part = int4(r[2]!);
      this.earlier.get(cell(businessDate, part))!.push({
        createdBy: int4(r[0]!),
        businessDate,
        part,
        producer: int4(r[3]!),
        count: int4(r[4]!),
        fences: new Uint32Array(f.buffer, f.byteOffset, f.length),
      });
    }
  }

  /**
   * The records equal to each key, in this run's segments and in earlier runs' whose business date
   * is within ±spread of the key's (and not before the window's start). A segment that many keys
   * probe is read whole, otherwise only the pages the keys may sit on.
   */
  async lookup(keys: Int32Tuples, spread: number): Promise<Hits> {
    const out: Hits = { keyOf: [], hits: [] };
    if (keys.n === 0) return out;
    const k = keys.data;
    const found: number[] = [];
    const part = new Int32Array(keys.n);
    for (let i = 0; i < keys.n; i++) part[i] = partitionOf(k[3 * i]!, WINDOW_PARTS);
    const probe = (words: Int32Array, count: number, i: number, createdBy: number, businessDate: number): void => {
      found.length = 0;
      findInRecords(words, count, k[3 * i]!, k[3 * i + 1]!, found);
      for (const r of found) {
        out.keyOf.push(i);
        out.hits.push(decode(words, r, createdBy, businessDate));
      }
    };
    // Earlier runs' segments and this run's: which to read whole, which page by page.
    const cells = new Set<number>();
    for (let i = 0; i < keys.n; i++) {
      const bd = k[3 * i + 2]!;
      for (let d = Math.max(bd - spread, this.windowStart); d <= bd + spread; d++) cells.add(cell(d, part[i]!));
    }
    await this.describe(cells);
    interface Probe {
      seg: StoredSegment;
      from: number;
      to: number;
      keys: number[];
    }
    const probes = new Map<StoredSegment, Map<number, Probe>>();
    const plan = (seg: StoredSegment, i: number, hi: number): void => {
      const [from, to] = pageRange(seg.fences, seg.count, hi);
      if (from >= to) return;
      let bySeg = probes.get(seg);
      if (!bySeg) {
        bySeg = new Map();
        probes.set(seg, bySeg);
      }
      const p = bySeg.get(from);
      if (p) {
        p.to = Math.max(p.to, to);
        p.keys.push(i);
      } else bySeg.set(from, { seg, from, to, keys: [i] });
    };
    for (let i = 0; i < keys.n; i++) {
      const hi = k[3 * i]! >>> 0;
      const bd = k[3 * i + 2]!;
      for (let d = Math.max(bd - spread, this.windowStart); d <= bd + spread; d++) {
        const c = cell(d, part[i]!);
        for (const seg of this.earlier.get(c) ?? []) plan(seg, i, hi);
        for (const seg of this.current.get(c) ?? []) plan(seg, i, hi);
      }
    }
    const reads: Probe[] = [];
    for (const [seg, bySeg] of probes) {
      let records = 0;
      for (const p of bySeg.values()) records += p.to - p.from;
      if (records * 2 >= seg.count) {
        // Most of the segment would be read page by page: read it once.
        reads.push({ seg, from: 0, to: seg.count, keys: [...bySeg.values()].flatMap((p) => p.keys) });
      } else reads.push(...bySeg.values());
    }
    // Each read takes the rows of recon.window_page that hold its records, in order: the records
    // from the first of them on are a sorted run of the segment's records, which the probe searches
    // (records outside [from, to) cannot equal the key but do no harm).
    const BATCH = 20_000;
    for (let b = 0; b < reads.length; b += BATCH) {
      const batch = reads.slice(b, b + BATCH);
      const rows = decodeBinaryCopy(
        await this.tx.copyOut(
          `select r.i, p.records
             from unnest(${intArray(batch.map((_, n) => n))}, ${intArray(batch.map((r) => r.seg.createdBy))}, ${intArray(batch.map((r) => r.seg.businessDate))},
                         ${intArray(batch.map((r) => r.seg.part))}, ${intArray(batch.map((r) => r.seg.producer))}, ${intArray(batch.map((r) => Math.floor(r.from / ROW_RECORDS)))},
                         ${intArray(batch.map((r) => Math.floor((r.to - 1) / ROW_RECORDS)))}) as r(i, created_by, business_date, part, producer, first, last)
             join recon.window_page p
               on p.created_by = date '1970-01-01' + r.created_by and p.business_date = date '1970-01-01' + r.business_date
              and p.part = r.part and p.producer = r.producer and p.chunk between r.first and r.last
            order by r.i, p.chunk`,
          'binary',
        ),
      );
      let k = 0;
      while (k < rows.length) {
        const i = int4(rows[k]![0]!);
        const parts: Uint8Array[] = [];
        for (; k < rows.length && int4(rows[k]![0]!) === i; k++) parts.push(rows[k]![1]!);
        const r = batch[i]!;
        const words = bytesToWords(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
        this.bytesRead += words.byteLength;
        for (const key of r.keys) probe(words, words.length / RECORD_WORDS, key, r.seg.createdBy, r.seg.businessDate);
      }
    }
    return out;
  }

  /** Journal rows of earlier runs that later credits took (credited from then on). */
  async creditedLater(hits: readonly WindowHit[]): Promise<Set<string>> {
    const uncredited = hits.filter((h) => (h.state & STATE_CREDITED) === 0);
    if (uncredited.length === 0) return new Set();
    const rows = await this.tx.query<{ j_run: number; j_file: number; j_line: number }>(
      `select (c.j_run - date '1970-01-01') as j_run, c.j_file, c.j_line
         from recon.window_credit c
         join unnest($1::int[], $2::int[], $3::int[]) as h(run, file, line)
           on c.j_run = date '1970-01-01' + h.run and c.j_file = h.file and c.j_line = h.line`,
      [uncredited.map((h) => h.jRun), uncredited.map((h) => h.jFile), uncredited.map((h) => h.jLine)],
    );
    return new Set(rows.map((r) => `${r.j_run}:${r.j_file}:${r.j_line}`));
  }
}

/** The key hashes a credit looks up: its pass-1 key (order number) then its pass-2 key (rrn). */
export function creditKeys(C: RowBatch, c: number): { order: KeyHash | null; rrn: KeyHash | null } {
  const m = C.merchant_id[c]!;
  const o = C.order_no;
  const os = o.offsets[c]!;
  const oe = o.offsets[c + 1]!;
  return {
    order: oe > os ? { hi: hashOrderKey(m, o.bytes, os, oe), lo: hashOrderKey(m, o.bytes, os, oe, KEY_SEED_2) } : null,
    rrn:
      C.rrn_hi[c] !== 0
        ? {
            hi: hashRrnKey(m, C.terminal_id[c]!, C.rrn_hi[c]!, C.rrn_lo[c]!),
            lo: hashRrnKey(m, C.terminal_id[c]!, C.rrn_hi[c]!, C.rrn_lo[c]!, KEY_SEED_2),
          }
        : null,
  };
}

/** Whether a window record is a sale a credit can land on (credited, or closed without one as voided, reversed or declined). */
export function creditTarget(h: WindowHit, creditedLater: Set<string>): boolean {
  if (h.type !== TYPE_SALE && h.type !== TYPE_PREAUTH_COMPLETION) return false;
  return isCredited(h, creditedLater) || (h.state & (STATE_VOIDED | STATE_REVERSED | STATE_DECLINED)) !== 0;
}

export function isCredited(h: WindowHit, creditedLater: Set<string>): boolean {
  return (h.state & STATE_CREDITED) !== 0 || creditedLater.has(`${h.jRun}:${h.jFile}:${h.jLine}`);
}

/** The finding a late credit of a closed sale raises, or null (a reversed sale: no finding). */
export function lateCreditKind(h: WindowHit): number | null {
  if ((h.state & STATE_REVERSED) !== 0) return null;
  if ((h.state & STATE_VOIDED) !== 0) return KIND_VOIDED_BUT_SETTLED;
  return KIND_DECLINED_BUT_SETTLED;
}

/** A row reference: run date, file number, line. */
function ref(w: ByteWriter, run: number, file: number, line: number): void {
  w.date(run);
  w.comma();
  w.int(file);
  w.comma();
  w.int(line);
}

/**
 * A finding on a window record (journal subject) with the credit row c of C: the journal's keys are
 * the credit's (they matched by them), its stan, time, amount and dates come from the record.
 */
export function writeWindowFinding(
  w: ByteWriter,
  runDay: number,
  kind: number,
  h: WindowHit,
  C: RowBatch,
  c: number,
  duplicates: number,
  stake: number,
  zoneOffsetMinutes: number,
): void {
  const enc = (s: string): void => {
    for (let i = 0; i < s.length; i++) w.byte(s.charCodeAt(i));
  };
  w.date(runDay);
  w.comma();
  enc(KIND_NAMES[kind]!);
  w.comma();
  enc('open');
  w.comma();
  enc('J');
  w.comma();
  ref(w, h.jRun, h.jFile, h.jLine);
  w.comma();
  writeKeys(w, C, c, h.stan);
  w.comma();
  w.timestamp(h.timeSec * 1000, zoneOffsetMinutes);
  w.comma();
  w.date(h.businessDate);
  w.comma();
  if (!Number.isNaN(h.amount)) w.int(h.amount);
  w.comma();
  w.int(getI64(C.amount, c));
  w.comma();
  w.int(getI64(C.fee, c));
  w.comma();
  w.comma();
  w.date(h.expected);
  w.comma();
  w.date(C.settle_date[c]!);
  w.comma();
  w.int(0);
  w.comma();
  w.int(duplicates);
  w.comma();
  w.int(stake);
  w.comma();
  ref(w, h.jRun, h.jFile, h.jLine);
  w.comma();
  ref(w, C.src_run[c]!, C.src_file[c]!, C.src_line[c]!);
  w.newline();
}

export { EXCEPTION_COLUMNS };
