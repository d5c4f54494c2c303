/**
 * A growable byte buffer that writes CSV for PostgreSQL COPY (FORMAT csv) straight from columns:
 * integers, dates and timestamps are formatted digit by digit, strings are copied from Utf8 bytes;
 * and the fields of COPY (FORMAT binary) tuples (the open items, whose dates, timestamps and
 * integers the server then takes as they are instead of parsing text).
 * No JS strings are created per row. Growth is geometric (doubling), as in pg-protocol's writer.
 *
 * CSV conventions (PostgreSQL COPY csv): an unquoted empty field is NULL; a field holding a comma,
 * quote, CR or LF is quoted with embedded quotes doubled.
 */
import { civilFromDays, MS_PER_DAY } from './dates.js';
import { unpackAlnum, unpackDigits } from './packed.js';

/** Days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for binary dates and timestamps. */
const PG_EPOCH_DAY = 10_957;
const COMMA = 44;
const QUOTE = 34;
const NL = 10;
const CR = 13;

/** Formatted dates by epoch day modulo DATE_SLOTS (direct-mapped), shared by every writer. */
const DATE_SLOTS = 64;
const cachedDay = new Int32Array(DATE_SLOTS).fill(-0x80000000);
const cachedText = new Uint8Array(DATE_SLOTS * 10);

/** Writes `YYYY-MM-DD` of an epoch day into b[at, at + 10). */
function formatDate(day: number, b: Uint8Array, at: number): void {
  const c = civilFromDays(day);
  const y = Math.floor(c / 10_000);
  const m = Math.floor(c / 100) % 100;
  const d = c % 100;
  b[at] = 48 + Math.floor(y / 1000);
  b[at + 1] = 48 + (Math.floor(y / 100) % 10);
  b[at + 2] = 48 + (Math.floor(y / 10) % 10);
  b[at + 3] = 48 + (y % 10);
  b[at + 4] = 45;
  b[at + 5] = 48 + Math.floor(m / 10);
  b[at + 6] = 48 + (m % 10);
  b[at + 7] = 45;
  b[at + 8] = 48 + Math.floor(d / 10);
  b[at + 9] = 48 + (d % 10);
}

export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(initial);
  }

  private grow(extra: number): void {
    let next = this.buf.length * 2;
    while (next < this.pos + extra) next *= 2;
    const g = new Uint8Array(next);
    g.set(this.buf.subarray(0, this.pos));
    this.buf = g;
  }

  /** The written bytes (a view; the writer must not be used afterwards if the view is transferred). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = b;
  }

  comma(): void {
    this.byte(COMMA);
  }

  newline(): void {
    this.byte(NL);
  }

  /** Writes pre-encoded ASCII/UTF-8 bytes verbatim (constants such as kind names). */
  raw(src: Uint8Array): void {
    if (this.pos + src.length > this.buf.length) this.grow(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** A CSV field from a byte range; empty → NULL; quoted when it holds a delimiter. */
  field(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    let needsQuote = false;
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      if (c === COMMA || c === QUOTE || c === NL || c === CR) {
        needsQuote = true;
        break;
      }
    }
    if (!needsQuote) {
      if (this.pos + n > this.buf.length) this.grow(n);
      this.buf.set(src.subarray(start, end), this.pos);
      this.pos += n;
      return;
    }
    if (this.pos + 2 * n + 2 > this.buf.length) this.grow(2 * n + 2);
    const b = this.buf;
    b[this.pos++] = QUOTE;
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      if (c === QUOTE) b[this.pos++] = QUOTE;
      b[this.pos++] = c;
    }
    b[this.pos++] = QUOTE;
  }

  /** A packed digits id as `width` zero-padded digits. */
  digits(v: number, width: number): void {
    if (this.pos + width > this.buf.length) this.grow(width);
    unpackDigits(v, width, this.buf, this.pos);
    this.pos += width;
  }

  /** A packed alphanumeric id (nothing, i.e. NULL, for 0). */
  alnum(v: number): void {
    if (this.pos + 8 > this.buf.length) this.grow(8);
    this.pos += unpackAlnum(v, this.buf, this.pos);
  }

  /** A decimal integer (exact for |v| ≤ 2^53). */
  int(v: number): void {
    if (this.pos + 21 > this.buf.length) this.grow(21);
    const b = this.buf;
    if (v < 0) {
      b[this.pos++] = 45;
      v = -v;
    }
    if (v < 10) {
      b[this.pos++] = 48 + v;
      return;
    }
    let digits = 0;
    for (let t = v; t >= 1; t = Math.floor(t / 10)) digits++;
    let at = this.pos + digits;
    this.pos = at;
    while (v >= 1) {
      const q = Math.floor(v / 10);
      b[--at] = 48 + (v - q * 10);
      v = q;
    }
  }

  private two(v: number): void {
    const b = this.buf;
    b[this.pos++] = 48 + Math.floor(v / 10);
    b[this.pos++] = 48 + (v % 10);
  }

  // COPY (FORMAT binary) fields: big-endian integers, each field its byte count first (−1: NULL).

  /** A 16-bit integer, big-endian (a binary tuple's field count). */
  int16be(v: number): void {
    if (this.pos + 2 > this.buf.length) this.grow(2);
    const b = this.buf;
    b[this.pos++] = (v >>> 8) & 0xff;
    b[this.pos++] = v & 0xff;
  }

  /** A 32-bit integer, big-endian. */
  int32be(v: number): void {
    if (this.pos + 4 > this.buf.length) this.grow(4);
    const b = this.buf;
    b[this.pos++] = (v >>> 24) & 0xff;
    b[this.pos++] = (v >>> 16) & 0xff;
    b[this.pos++] = (v >>> 8) & 0xff;
    b[this.pos++] = v & 0xff;
  }

  /** A binary int4 field (its length, then the value). */
  int4Field(v: number): void {
    this.int32be(4);
    this.int32be(v);
  }

  /** A binary int8 field (exact for |v| ≤ 2^53). */
  int8Field(v: number): void {
    const hi = Math.floor(v / 4_294_967_296);
    this.int32be(8);
    this.int32be(hi | 0);
    this.int32be((v - hi * 4_294_967_296) | 0);
  }

  /** A binary date field: days since PostgreSQL's epoch, 2000-01-01. */
  dateField(day: number): void {
    this.int4Field(day - PG_EPOCH_DAY);
  }

  /** A binary timestamptz field: microseconds since 2000-01-01T00:00Z. */
  timestampField(epochMs: number): void {
    this.int8Field((epochMs - PG_EPOCH_DAY * MS_PER_DAY) * 1000);
  }

  /** A binary NULL field. */
  nullField(): void {
    this.int32be(-1);
  }

  /** Starts a binary text field whose bytes the caller writes next (`textEnd` closes it). */
  textStart(): number {
    const at = this.pos;
    this.int32be(0);
    return at;
  }

  /** Closes the text field `textStart` opened: its byte count, or NULL when it is empty (as CSV's empty field). */
  textEnd(at: number): void {
    const n = this.pos - at - 4;
    const b = this.buf;
    const v = n === 0 ? -1 : n;
    b[at] = (v >>> 24) & 0xff;
    b[at + 1] = (v >>> 16) & 0xff;
    b[at + 2] = (v >>> 8) & 0xff;
    b[at + 3] = v & 0xff;
  }

  /** Bytes of a range as they are (a binary text field's content). */
  rawRange(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.pos + n > this.buf.length) this.grow(n);
    for (let i = 0; i < n; i++) this.buf[this.pos + i] = src[start + i]!;
    this.pos += n;
  }

  /** `YYYY-MM-DD` of an epoch day (from a small cache: the dates of a run's rows are few). */
  date(day: number): void {
    if (this.pos + 10 > this.buf.length) this.grow(10);
    const slot = day & (DATE_SLOTS - 1);
    const at = slot * 10;
    if (cachedDay[slot] !== day) {
      formatDate(day, cachedText, at);
      cachedDay[slot] = day;
    }
    const b = this.buf;
    for (let k = 0; k < 10; k++) b[this.pos + k] = cachedText[at + k]!;
    this.pos += 10;
  }

  /** `YYYY-MM-DDTHH:MM:SS.mmm+HH:MM` of epoch milliseconds, shown in a fixed UTC offset. */
  timestamp(epochMs: number, offsetMinutes: number): void {
    if (this.pos + 29 > this.buf.length) this.grow(29);
    const local = epochMs + offsetMinutes * 60_000;
    const day = Math.floor(local / MS_PER_DAY);
    let ms = local - day * MS_PER_DAY;
    this.date(day);
    this.byte(84);
    const h = Math.floor(ms / 3_600_000);
    ms -= h * 3_600_000;
    const mi = Math.floor(ms / 60_000);
    ms -= mi * 60_000;
    const s = Math.floor(ms / 1000);
    ms -= s * 1000;
    this.two(h);
    this.byte(58);
    this.two(mi);
    this.byte(58);
    this.two(s);
    this.byte(46);
    this.byte(48 + Math.floor(ms / 100));
    this.two(ms % 100);
    const off = Math.abs(offsetMinutes);
    this.byte(offsetMinutes < 0 ? 45 : 43);
    this.two(Math.floor(off / 60));
    this.byte(58);
    this.two(off % 60);
  }
}

/** ASCII bytes of a constant string (for `raw`). */
export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The byte arrays one after another, in one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
