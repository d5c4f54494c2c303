/**
 * The scanner's fast path: one well-formed record parsed in a single pass over its bytes, each field
 * converted where it stands (DESIGN §9: the fast path handles unquoted fields; a field in quotes
 * with no quote inside is read in place too). Anything it does not expect — an escaped quote, a
 * wrong length or character, a fractional second, a bad enum, a missing delimiter, a byte ≥ 0x80 —
 * makes it give up on the record, and the careful path
 * (scan.ts) parses that record again and says exactly what is wrong. Both agree on every row they
 * accept (the scanner tests compare them with fast-csv).
 *
 * Results go into caller-owned scratch arrays indexed by field (F_*): numbers in `vals`, text
 * ranges in `ts`/`te`; nothing is allocated.
 */
import { daysFromCivil, daysInMonth, END_DAY, FIRST_DAY } from '../src/core/dates.js';
import {
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
} from '../src/core/schema.js';

/** Slot of the rrn's second half in `vals` (F_RRN holds the first). */
export const RRN_LO = FIELD_COUNT;
export const VALS_LENGTH = FIELD_COUNT + 1;

const COMMA = 44;
const NL = 10;
const CR = 13;
const MINUS = 45;
const QUOTE = 34;

/** Per byte value: its 6-bit alphanumeric code (packed.ts), or 0. */
const ALNUM = new Uint8Array(256);
/** Per byte value: 1 when it may stand in free text the fast path reads (printable ASCII but `"` and `,`). */
const TEXT = new Uint8Array(256);
/** Per byte value: 1 when it may stand in a card-number field (digits and the masks *, X, x). */
const PAN = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  ALNUM[c] = c >= 48 && c <= 57 ? c - 47 : c >= 65 && c <= 90 ? c - 54 : c >= 97 && c <= 122 ? c - 60 : 0;
  TEXT[c] = c >= 32 && c < 127 && c !== QUOTE && c !== COMMA ? 1 : 0;
  PAN[c] = (c >= 48 && c <= 57) || c === 42 || c === 88 || c === 120 ? 1 : 0;
}

/** 6-bit code of an alphanumeric byte (packed.ts), or 0 (also for a position past the buffer). */
function alnum(c: number | undefined): number {
  return c === undefined ? 0 : ALNUM[c]!;
}

/**
 * Enum names as a lookup: for each candidate, its bytes and code. `fieldEnums[i]` holds the names
 * allowed in file column i (null when the column is not an enum).
 */
export interface EnumTable {
  names: Uint8Array[];
  codes: number[];
}

/** Last parsed date: "YYYYMMDD" as a number, and its epoch day. Dates repeat a lot in a file. */
export interface DateCache {
  key: number;
  day: number;
}

function date10(b: Uint8Array, p: number, cache: DateCache): number {
  // YYYY-MM-DD
  if (b[p + 4] !== MINUS || b[p + 7] !== MINUS) return -1;
  let v = 0;
  for (let k = 0; k < 10; k++) {
    if (k === 4 || k === 7) continue;
    const d = b[p + k]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  if (v === cache.key) return cache.day;
  const y = Math.floor(v / 10_000);
  const m = Math.floor(v / 100) % 100;
  const d = v % 100;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return -1;
  const day = daysFromCivil(y, m, d);
  if (day < FIRST_DAY || day >= END_DAY) return -1;
  cache.key = v;
  cache.day = day;
  return day;
}

function two(b: Uint8Array, p: number): number {
  const a = b[p]! - 48;
  const c = b[p + 1]! - 48;
  return a >= 0 && a <= 9 && c >= 0 && c <= 9 ? a * 10 + c : -1;
}

/**
 * Parses the record at `pos`; returns the position after its line end, or −1 to hand the record to
 * the careful path. `fields[i]` is the field of file column i; `enums[i]` its names when it is an
 * enum; `signed[i]` whether a minus sign is allowed.
 */
export function fastRecord(
  buf: Uint8Array,
  pos: number,
  end: number,
  fields: Int32Array,
  enums: (EnumTable | null)[],
  signed: Uint8Array,
  vals: Float64Array,
  ts: Int32Array,
  te: Int32Array,
  dates: DateCache,
): number {
  const n = fields.length;
  for (let i = 0; i < n; i++) {
    const f = fields[i]!;
    // A quoted field without quotes inside ("…", as many exports write every field) is read in place.
    const quoted = buf[pos] === QUOTE;
    if (quoted) pos++;
    const s = pos;
    switch (f) {
      case F_MERCHANT_ID:
      case F_BATCH_NO:
      case F_STAN:
      case F_SRC_FILE:
      case F_SRC_LINE:
      case F_FLAGS: {
        let v = 0;
        let c = buf[pos]! - 48;
        while (c >= 0 && c <= 9) {
          v = v * 10 + c;
          c = buf[++pos]! - 48;
        }
        const len = pos - s;
        if (f === F_MERCHANT_ID ? len !== 15 : f === F_BATCH_NO || f === F_STAN ? len !== 6 : len === 0 || len > 9)
          return -1;
        vals[f] = v;
        break;
      }
      case F_TERMINAL_ID:
      case F_AUTH_CODE:
      case F_RRN: {
        let v = 0;
        let hi = 0;
        let code = alnum(buf[pos]!);
        while (code !== 0) {
          v = v * 64 + code;
          pos++;
          if (pos - s === 6 && f === F_RRN) {
            hi = v;
            v = 0;
          }
          if (pos - s > 12) return -1;
          code = alnum(buf[pos]!);
        }
        const len = pos - s;
        if (f === F_TERMINAL_ID) {
          if (len !== 8) return -1;
          vals[f] = v;
        } else if (f === F_AUTH_CODE) {
          if (len !== 0 && len !== 6) return -1;
          vals[f] = v;
        } else {
          if (len !== 0 && len !== 12) return -1;
          vals[F_RRN] = hi;
          vals[RRN_LO] = v;
        }
        break;
      }
      case F_ORDER_NO:
      case F_ORIG_RRN: {
        while (pos < end && TEXT[buf[pos]!] === 1) pos++;
        // It must end at a delimiter (or, quoted, at its closing quote): a quote inside, a control
        // byte or UTF-8 goes to the careful path.
        if (pos < end) {
          const c = buf[pos];
          if (c !== COMMA && c !== NL && c !== CR && !(c === QUOTE && quoted)) return -1;
        }
        if (pos - s > 64) return -1;
        ts[f] = s;
        te[f] = pos;
        break;
      }
      case F_PAN: {
        while (pos < end && PAN[buf[pos]!] === 1) pos++;
        const len = pos - s;
        if (len !== 0 && (len < 12 || len > 19)) return -1;
        ts[f] = s;
        te[f] = pos;
        break;
      }
      case F_TYPE:
      case F_CHANNEL:
      case F_STATUS: {
        let c = buf[pos]!;
        while (c !== COMMA && c !== NL && c !== CR && c !== QUOTE && pos < end) c = buf[++pos]!;
        const t = enums[i]!;
        const len = pos - s;
        let code = -1;
        for (let k = 0; k < t.names.length && code < 0; k++) {
          const name = t.names[k]!;
          if (name.length !== len) continue;
          let eq = true;
          for (let x = 0; x < len; x++) {
            if (name[x] !== buf[s + x]) {
              eq = false;
              break;
            }
          }
          if (eq) code = t.codes[k]!;
        }
        if (code < 0) return -1;
        vals[f] = code;
        break;
      }
      case F_TXN_TIME: {
        // YYYY-MM-DDTHH:MM:SS then Z or ±HH:MM; anything else (fractions, other forms) is careful.
        if (pos + 20 > end) return -1;
        const day = date10(buf, pos, dates);
        if (day < 0 || buf[pos + 10] !== 84 || buf[pos + 13] !== 58 || buf[pos + 16] !== 58) return -1;
        const hh = two(buf, pos + 11);
        const mi = two(buf, pos + 14);
        const ss = two(buf, pos + 17);
        if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return -1;
        let offset = 0;
        const z = buf[pos + 19];
        if (z === 90) pos += 20;
        else if ((z === 43 || z === 45) && buf[pos + 22] === 58) {
          const oh = two(buf, pos + 20);
          const om = two(buf, pos + 23);
          if (oh < 0 || oh > 18 || om < 0 || om > 59) return -1;
          offset = (oh * 60 + om) * (z === 45 ? -1 : 1);
          pos += 25;
        } else return -1;
        vals[f] = day * 86_400_000 + ((hh * 60 + mi - offset) * 60 + ss) * 1000;
        break;
      }
      case F_AMOUNT:
      case F_FEE:
      case F_NET: {
        let neg = false;
        if (buf[pos] === MINUS && signed[i] === 1) {
          neg = true;
          pos++;
        }
        const ds = pos;
        let v = 0;
        let c = buf[pos]! - 48;
        while (c >= 0 && c <= 9) {
          v = v * 10 + c;
          c = buf[++pos]! - 48;
        }
        if (pos === ds || pos - ds > 15) return -1;
        vals[f] = neg ? -v : v;
        break;
      }
      case F_CLEARING_DATE:
      case F_SETTLE_DATE:
      case F_SRC_RUN: {
        if (pos + 10 > end) return -1;
        const day = date10(buf, pos, dates);
        if (day < 0) return -1;
        vals[f] = day;
        pos += 10;
        break;
      }
      case F_RESPONSE: {
        const a = buf[pos]!;
        const b = buf[pos + 1]!;
        if (alnum(a) === 0 || alnum(b) === 0) return -1;
        vals[f] = (a << 8) | b;
        pos += 2;
        break;
      }
      case F_CURRENCY: {
        const a = buf[pos]!;
        const b = buf[pos + 1]!;
        const c = buf[pos + 2]!;
        if (a < 65 || a > 90 || b < 65 || b > 90 || c < 65 || c > 90) return -1;
        vals[f] = (a << 16) | (b << 8) | c;
        pos += 3;
        break;
      }
      default:
        return -1;
    }
    // The closing quote, then the delimiter after the field.
    if (quoted) {
      if (buf[pos] !== QUOTE) return -1;
      pos++;
    }
    if (i < n - 1) {
      if (buf[pos] !== COMMA || pos >= end) return -1;
      pos++;
    } else if (pos < end) {
      const c = buf[pos];
      if (c === NL) pos++;
      else if (c === CR && buf[pos + 1] === NL && pos + 1 < end) pos += 2;
      else return -1;
    }
  }
  return pos;
}
