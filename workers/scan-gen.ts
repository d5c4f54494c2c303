/**
 * The scanner's fast path, generated per file header (DESIGN §9 step 2): for the file's column
 * order, `compileRowParser` writes one straight-line function with `new Function` — no dispatch per
 * field, fixed-length ids read at fixed offsets, enums matched by whole-word compares, and the
 * validity of digits and characters accumulated in one number that is checked once per field.
 *
 * It parses one well-formed record into caller-owned scratch arrays indexed by field (F_*): numbers
 * in `vals`, text ranges in `ts`/`te`, and returns the position after the record's line end. For
 * anything it does not expect — an escaped quote, a wrong length or character, a fractional second,
 * an unknown enum, a missing delimiter, a byte ≥ 0x80, a record that runs past `end` — it returns −1
 * and the careful path (scan.ts) parses the line again and names the field and the reason. Both
 * accept the same rows with the same values (test/unit/scan.test.ts compares them, and both with
 * fast-csv); the fast path may only be stricter.
 *
 * Quoting: a field in double quotes without a quote inside ("…", as many exports write every field)
 * is read in place. Line ends: LF or CRLF; the last record may end at `end` without one.
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

/** Enum names allowed in one file column, as bytes, with their codes. */
export interface EnumTable {
  names: Uint8Array[];
  codes: number[];
}

/**
 * The last date parsed, by its raw bytes (YYYY-MM-DD as two 32-bit words and a 16-bit one, little
 * endian), with its epoch day; and the last UTC offset (±HH:MM as a word and a 16-bit one) with its
 * minutes. Dates and offsets repeat a lot in a file: a repeat costs three compares.
 */
export interface DateCache {
  w0: number;
  w1: number;
  w2: number;
  day: number;
  o0: number;
  o1: number;
  offset: number;
}

export function newDateCache(): DateCache {
  return { w0: 0, w1: 0, w2: -1, day: 0, o0: 0, o1: -1, offset: 0 };
}

/** The generated row function: the position after the record, or −1 for the careful path. */
export type RowParser = (
  buf: Uint8Array,
  dv: DataView,
  pos: number,
  end: number,
  vals: Float64Array,
  ts: Int32Array,
  te: Int32Array,
  dates: DateCache,
) => number;

/** Per byte value: its 6-bit alphanumeric code (packed.ts), or 0. */
const ALNUM = new Uint8Array(256);
/** Per byte value: 1 when it may stand in free text the fast path reads (printable ASCII but `"` and `,`). */
const TEXT = new Uint8Array(256);
/** Per byte value: 1 when it may stand in a card-number field (digits and the masks *, X, x). */
const PAN = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  ALNUM[c] = c >= 48 && c <= 57 ? c - 47 : c >= 65 && c <= 90 ? c - 54 : c >= 97 && c <= 122 ? c - 60 : 0;
  TEXT[c] = c >= 32 && c < 127 && c !== 34 && c !== 44 ? 1 : 0;
  PAN[c] = (c >= 48 && c <= 57) || c === 42 || c === 88 || c === 120 ? 1 : 0;
}

/**
 * The epoch day of "YYYYMMDD" given as a number, or −1 when it is not a date in the supported span.
 * Called only when the date differs from the last one parsed.
 */
function dayOf(v: number): number {
  const y = Math.floor(v / 10_000);
  const m = Math.floor(v / 100) % 100;
  const d = v % 100;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return -1;
  const day = daysFromCivil(y, m, d);
  return day < FIRST_DAY || day >= END_DAY ? -1 : day;
}

/** Code reading `n` digits at p + at into `v`, one byte at a time, folding their validity into `bad` (negative when one is not a digit). */
function digitsCode(at: number, n: number, v: string): string {
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    out.push(`d = B[p + ${at + k}] - 48; bad |= d | (9 - d); ${k === 0 ? `${v} = d` : `${v} = ${v} * 10 + d`};`);
  }
  return out.join('\n');
}

/**
 * Code reading `n` digits at p + at into `v`, four at a time as little-endian 32-bit words (SWAR):
 * a word is four digits when its high nibbles are all 3 and adding 6 to each byte keeps them so;
 * its value folds as (d0·10 + d1)·100 + (d2·10 + d3). A word that is not four digits sets `bad`.
 */
function swarDigitsCode(at: number, n: number, v: string): string {
  const out: string[] = [];
  let k = 0;
  let first = true;
  for (; k + 4 <= n; k += 4) {
    out.push(`w = dv.getInt32(p + ${at + k}, true);
      if (((w & 0xf0f0f0f0) | (((w + 0x06060606) & 0xf0f0f0f0) >>> 4)) !== 0x33333333) bad = -1;
      w = w - 0x30303030;
      w = (w * 10 + (w >>> 8)) & 0x00ff00ff;
      w = (w * 100 + (w >>> 16)) & 0xffff;
      ${first ? `${v} = w` : `${v} = ${v} * 10000 + w`};`);
    first = false;
  }
  for (; k < n; k++) {
    out.push(`d = B[p + ${at + k}] - 48; bad |= d | (9 - d); ${first ? `${v} = d` : `${v} = ${v} * 10 + d`};`);
    first = false;
  }
  return out.join('\n');
}

/** Code reading a date YYYY-MM-DD at p + at into `day`, through the cache; returns −1 when it is not one. */
function dateCode(at: number): string {
  return `
    w0 = dv.getInt32(p + ${at}, true); w1 = dv.getInt32(p + ${at + 4}, true); w2 = dv.getUint16(p + ${at + 8}, true);
    if (w0 === dates.w0 && w1 === dates.w1 && w2 === dates.w2) day = dates.day;
    else {
      if (B[p + ${at + 4}] !== 45 || B[p + ${at + 7}] !== 45) return -1;
      bad = 0;
      ${digitsCode(at, 4, 'y')}
      ${digitsCode(at + 5, 2, 'mo')}
      ${digitsCode(at + 8, 2, 'dd')}
      if (bad < 0) return -1;
      day = dayOf((y * 100 + mo) * 100 + dd);
      if (day < 0) return -1;
      dates.w0 = w0; dates.w1 = w1; dates.w2 = w2; dates.day = day;
    }`;
}

/**
 * Code packing the 6 alphanumerics at p + at into `into` (6 bits each); the first byte's check is
 * left out when the caller has already made it.
 */
function alnum6Code(at: number, into: string, firstChecked: boolean): string {
  const checked = firstChecked ? 'a1 - 1' : 'a0 - 1 | a1 - 1';
  return `
          a0 = ALNUM[B[p + ${at}]]; a1 = ALNUM[B[p + ${at + 1}]]; a2 = ALNUM[B[p + ${at + 2}]];
          a3 = ALNUM[B[p + ${at + 3}]]; a4 = ALNUM[B[p + ${at + 4}]]; a5 = ALNUM[B[p + ${at + 5}]];
          if ((${checked} | a2 - 1 | a3 - 1 | a4 - 1 | a5 - 1) < 0) return -1;
          ${into} = ((((a0 * 64 + a1) * 64 + a2) * 64 + a3) * 64 + a4) * 64 + a5;`;
}

/** Code for one column's value, from p at the field's first byte to p after its last. */
function fieldCode(f: number, signed: boolean, enums: EnumTable | null): string {
  switch (f) {
    case F_MERCHANT_ID:
    case F_BATCH_NO:
    case F_STAN: {
      const n = f === F_MERCHANT_ID ? 15 : 6;
      return `
        if (p + ${n + 1} > end) return -1;
        bad = 0;
        ${swarDigitsCode(0, n, 'v')}
        if (bad < 0) return -1;
        vals[${f}] = v;
        p += ${n};`;
    }
    case F_SRC_FILE:
    case F_SRC_LINE:
    case F_FLAGS:
      return `
        s = p; v = 0;
        while (p < end) { d = B[p] - 48; if (d < 0 || d > 9) break; v = v * 10 + d; p++; }
        if (p === s || p - s > 9) return -1;
        vals[${f}] = v;`;
    case F_TERMINAL_ID:
      return `
        if (p + 8 > end) return -1;
        a0 = ALNUM[B[p]]; a1 = ALNUM[B[p + 1]]; a2 = ALNUM[B[p + 2]]; a3 = ALNUM[B[p + 3]];
        a4 = ALNUM[B[p + 4]]; a5 = ALNUM[B[p + 5]]; a6 = ALNUM[B[p + 6]]; a7 = ALNUM[B[p + 7]];
        if ((a0 - 1 | a1 - 1 | a2 - 1 | a3 - 1 | a4 - 1 | a5 - 1 | a6 - 1 | a7 - 1) < 0) return -1;
        vals[${f}] = ((((((a0 * 64 + a1) * 64 + a2) * 64 + a3) * 64 + a4) * 64 + a5) * 64 + a6) * 64 + a7;
        p += 8;`;
    case F_AUTH_CODE:
      return `
        if (p + 6 <= end && ALNUM[B[p]] !== 0) {${alnum6Code(0, `vals[${f}]`, true)}
          p += 6;
        } else vals[${f}] = 0;`;
    case F_RRN:
      return `
        if (p + 12 <= end && ALNUM[B[p]] !== 0) {${alnum6Code(0, `vals[${F_RRN}]`, true)}${alnum6Code(6, `vals[${RRN_LO}]`, false)}
          p += 12;
        } else {
          vals[${F_RRN}] = 0;
          vals[${RRN_LO}] = 0;
        }`;
    case F_ORDER_NO:
    case F_ORIG_RRN:
      return `
        s = p;
        while (p < end && TEXT[B[p]] === 1) p++;
        if (p - s > 64) return -1;
        ts[${f}] = s;
        te[${f}] = p;`;
    case F_PAN:
      // Mostly 16 characters: tested at once (the table's bytes ANDed) before the general loop.
      return `
        s = p;
        if (p + 17 <= end && (PAN[B[p]] & PAN[B[p + 1]] & PAN[B[p + 2]] & PAN[B[p + 3]] & PAN[B[p + 4]] &
            PAN[B[p + 5]] & PAN[B[p + 6]] & PAN[B[p + 7]] & PAN[B[p + 8]] & PAN[B[p + 9]] & PAN[B[p + 10]] &
            PAN[B[p + 11]] & PAN[B[p + 12]] & PAN[B[p + 13]] & PAN[B[p + 14]] & PAN[B[p + 15]]) === 1 &&
            PAN[B[p + 16]] === 0) p += 16;
        else {
          while (p < end && PAN[B[p]] === 1) p++;
          if (p !== s && (p - s < 12 || p - s > 19)) return -1;
        }
        ts[${f}] = s;
        te[${f}] = p;`;
    case F_TYPE:
    case F_CHANNEL:
    case F_STATUS: {
      // Each name compared whole, as 32-bit words and then bytes, longest first: a name that is
      // the start of a longer word leaves a letter where the delimiter must be, and the record
      // goes to the careful path.
      const t = enums!;
      const order = t.names.map((_, k) => k).sort((a, b) => t.names[b]!.length - t.names[a]!.length);
      const tests = order.map((k) => {
        const name = t.names[k]!;
        const conds: string[] = [];
        let x = 0;
        for (; x + 4 <= name.length; x += 4) {
          const word = name[x]! | (name[x + 1]! << 8) | (name[x + 2]! << 16) | (name[x + 3]! << 24) | 0;
          conds.push(`dv.getInt32(p + ${x}, true) === ${word}`);
        }
        for (; x < name.length; x++) conds.push(`B[p + ${x}] === ${name[x]}`);
        return `if (p + ${name.length + 1} <= end && ${conds.join(' && ')}) { vals[${f}] = ${t.codes[k]}; p += ${name.length}; }`;
      });
      return `
        ${tests.join('\n else ')}
        else return -1;`;
    }
    case F_TXN_TIME:
      // YYYY-MM-DDTHH:MM:SS then Z or ±HH:MM; anything else (fractions, other forms) is careful.
      return `
        if (p + 21 > end) return -1;
        ${dateCode(0)}
        if (B[p + 10] !== 84 || B[p + 13] !== 58 || B[p + 16] !== 58) return -1;
        bad = 0;
        ${digitsCode(11, 2, 'hh')}
        ${digitsCode(14, 2, 'mi')}
        ${digitsCode(17, 2, 'ss')}
        if (bad < 0 || hh > 23 || mi > 59 || ss > 59) return -1;
        z = B[p + 19];
        if (z === 90) { off = 0; p += 20; }
        else if ((z === 43 || z === 45) && p + 26 <= end) {
          w0 = dv.getInt32(p + 19, true); w1 = dv.getUint16(p + 23, true);
          if (w0 === dates.o0 && w1 === dates.o1) off = dates.offset;
          else {
            if (B[p + 22] !== 58) return -1;
            ${digitsCode(20, 2, 'oh')}
            ${digitsCode(23, 2, 'om')}
            if (bad < 0 || oh > 18 || om > 59) return -1;
            off = z === 45 ? -(oh * 60 + om) : oh * 60 + om;
            dates.o0 = w0; dates.o1 = w1; dates.offset = off;
          }
          p += 25;
        } else return -1;
        vals[${f}] = day * 86400000 + ((hh * 60 + mi - off) * 60 + ss) * 1000;`;
    case F_AMOUNT:
    case F_FEE:
    case F_NET:
      return `
        neg = false;
        ${signed ? 'if (B[p] === 45) { neg = true; p++; }' : ''}
        s = p; v = 0;
        while (p < end) { d = B[p] - 48; if (d < 0 || d > 9) break; v = v * 10 + d; p++; }
        if (p === s || p - s > 15) return -1;
        vals[${f}] = neg ? -v : v;`;
    case F_CLEARING_DATE:
    case F_SETTLE_DATE:
    case F_SRC_RUN:
      return `
        if (p + 11 > end) return -1;
        ${dateCode(0)}
        vals[${f}] = day;
        p += 10;`;
    case F_RESPONSE:
      return `
        if (p + 2 > end || ALNUM[B[p]] === 0 || ALNUM[B[p + 1]] === 0) return -1;
        vals[${f}] = (B[p] << 8) | B[p + 1];
        p += 2;`;
    case F_CURRENCY:
      return `
        if (p + 3 > end) return -1;
        a0 = B[p]; a1 = B[p + 1]; a2 = B[p + 2];
        if (((a0 - 65) | (90 - a0) | (a1 - 65) | (90 - a1) | (a2 - 65) | (90 - a2)) < 0) return -1;
        vals[${f}] = (a0 << 16) | (a1 << 8) | a2;
        p += 3;`;
    default:
      throw new Error(`scan-gen: no code for field ${f}`);
  }
}

/**
 * Writes the row function of a file whose i-th column holds field `fields[i]`; `signed[i]` says
 * whether a minus sign is allowed there, `enums[i]` the names of an enum column.
 */
export function compileRowParser(
  fields: readonly number[],
  signed: Uint8Array,
  enums: readonly (EnumTable | null)[],
): RowParser {
  const n = fields.length;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(`// column ${i}: field ${fields[i]}
      q = B[p] === 34;
      if (q) p++;
      ${fieldCode(fields[i]!, signed[i] === 1, enums[i] ?? null)}
      if (q) { if (p >= end || B[p] !== 34) return -1; p++; }`);
    if (i < n - 1) parts.push('if (p >= end || B[p] !== 44) return -1;\np++;');
  }
  const body = `
    const B = buf;
    let p = pos, q = false, s = 0, n = 0, v = 0, d = 0, bad = 0, neg = false;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    let y = 0, mo = 0, dd = 0, day = 0, hh = 0, mi = 0, ss = 0, oh = 0, om = 0, z = 0, off = 0;
    let w = 0, w0 = 0, w1 = 0, w2 = 0;
    ${parts.join('\n')}
    if (p < end) {
      const c = B[p];
      if (c === 10) return p + 1;
      if (c === 13 && p + 1 < end && B[p + 1] === 10) return p + 2;
      return -1;
    }
    return p;`;
  const make = new Function(
    'ALNUM',
    'TEXT',
    'PAN',
    'dayOf',
    `return function row(buf, dv, pos, end, vals, ts, te, dates) {${body}}`,
  );
  const parse = make(ALNUM, TEXT, PAN, dayOf) as RowParser;
  warmUp(parse, warmLines(fields, signed, enums));
  return parse;
}

/**
 * Runs a new row function over `lines` (warmLines), so that every branch of it has type feedback
 * before V8 optimizes it. A branch a file takes only now and then — a date or UTC offset the date
 * cache has not seen (the first record of every chunk), a rare enum value, a quoted field, a
 * negative amount — otherwise first runs in the optimized code, which then throws itself away
 * ("insufficient type feedback") and is compiled again: 4–6 times in a 2M run (both workers and
 * sides), 25–40 ms each. V8 allocates a function's feedback only after several calls, hence the rounds.
 */
function warmUp(parse: RowParser, lines: Uint8Array[]): void {
  const vals = new Float64Array(VALS_LENGTH);
  const ts = new Int32Array(FIELD_COUNT);
  const te = new Int32Array(FIELD_COUNT);
  const views = lines.map((l) => new DataView(l.buffer, l.byteOffset, l.byteLength));
  for (let round = 0; round < WARM_ROUNDS; round++) {
    const dates = newDateCache();
    for (let k = 0; k < lines.length; k++) parse(lines[k]!, views[k]!, 0, lines[k]!.length, vals, ts, te, dates);
  }
}

const WARM_ROUNDS = 4;

/**
 * Records for warmUp in a file layout: every value of each enum column, each optional field empty
 * and filled, dates and UTC offsets that change from record to record, negative amounts where the
 * column allows them, every field quoted, LF and CRLF line ends. Each is a record the row function
 * takes (test/unit/scan.test.ts checks that).
 */
export function warmLines(
  fields: readonly number[],
  signed: Uint8Array,
  enums: readonly (EnumTable | null)[],
): Uint8Array[] {
  const enumCount = Math.max(1, ...enums.map((t) => t?.names.length ?? 0));
  const lines: Uint8Array[] = [];
  for (let v = 0; v < Math.max(8, 2 * enumCount); v++) {
    const values = fields.map((f, i) => warmValue(f, v, signed[i] === 1, enums[i] ?? null));
    const quoted = v % 4 === 3;
    const text = values.map((x) => (quoted ? `"${x}"` : x)).join(',');
    const end = v % 2 === 1 ? '\r\n' : '\n';
    lines.push(new TextEncoder().encode(text + end));
  }
  return lines;
}

/** A valid value of field f for warm record v. */
function warmValue(f: number, v: number, signed: boolean, t: EnumTable | null): string {
  const day = 10 + (v % 9);
  switch (f) {
    case F_TYPE:
    case F_CHANNEL:
    case F_STATUS:
      return t ? new TextDecoder().decode(t.names[v % t.names.length]) : '';
    case F_RESPONSE:
      return ['00', '05', 'A1'][v % 3]!;
    case F_CURRENCY:
      return 'CNY';
    case F_MERCHANT_ID:
      return `8980003100${String(10000 + v).slice(-5)}`;
    case F_TERMINAL_ID:
      return v % 2 === 0 ? `4405${String(1000 + v).slice(-4)}` : 'A1B2C3D4';
    case F_BATCH_NO:
    case F_STAN:
      return String(100000 + v).slice(-6);
    case F_RRN:
      return v % 3 === 2 ? '' : `6323090${String(10000 + v).slice(-5)}`;
    case F_AUTH_CODE:
      return v % 3 === 1 ? '' : '1L5WVG';
    case F_ORDER_NO:
    case F_ORIG_RRN:
      return v % 2 === 0 ? '' : `ORD2026111944052019${String(10000 + v).slice(-5)}`;
    case F_PAN:
      return ['', '622588******7681', '6225881234567681', '6225881234567890123'][v % 4]!;
    case F_TXN_TIME:
      return `2026-11-${day}T${String(v % 24).padStart(2, '0')}:04:44${['+08:00', 'Z', '-05:30'][v % 3]}`;
    case F_AMOUNT:
    case F_FEE:
    case F_NET:
      return signed && v % 4 === 2 ? `-${19 + v}` : String(3526 + v);
    case F_CLEARING_DATE:
    case F_SETTLE_DATE:
    case F_SRC_RUN:
      return `2026-11-${day + (v % 2)}`;
    case F_SRC_FILE:
    case F_SRC_LINE:
    case F_FLAGS:
      return String(1 + v * 37);
    default:
      return '';
  }
}
