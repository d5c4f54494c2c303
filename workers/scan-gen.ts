/**
 * The scanner's fast path, generated per file header (DESIGN §9 step 2): for the file's column
 * order, `compileRowParser` writes one straight-line function with `new Function` — no dispatch per
 * field, fixed-length ids read at fixed offsets, enums matched by whole-word compares, and the
 * validity of digits and characters accumulated in one number that is checked once per field.
 * Each column's code is written from its rule (src/core/field-rules.ts: its kind, widths, classes,
 * names and limits), the rule the careful path checks a value against (readValue there).
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
import { C_ALNUM, C_CARD, C_TEXT, CLASS, type ColumnDef, civilDay, type FieldRule } from '../src/core/field-rules.js';
import { alnumCode } from '../src/core/packed.js';
import { FIELD_COUNT, RRN_LO, VALS_LENGTH } from '../src/core/schema.js';

export { RRN_LO, VALS_LENGTH };

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

/** Per byte value: its 6-bit alphanumeric code (packed.ts), or 0: nonzero exactly for class C_ALNUM. */
const ALNUM = new Uint8Array(256);
for (let c = 0; c < 256; c++) ALNUM[c] = Math.max(0, alnumCode(c));

const QUOTE = 34;
const COMMA = 44;

/** What the row function's code calls the table of a class. */
const CLASS_NAMES = new Map([
  [C_TEXT, 'TEXT'],
  [C_CARD, 'PAN'],
]);

/**
 * The tables of the classes a row function tests bytes against, by the name its code uses: per byte
 * value 1 when it is of the class and the fast path reads it in place (ASCII, not `"` nor `,`; a
 * field with anything else goes to the careful path). C_ALNUM's is ALNUM.
 */
class ClassTables {
  readonly names: string[] = ['ALNUM'];
  readonly tables: Uint8Array[] = [ALNUM];

  /** The name of the table of class `chars`. */
  of(chars: number): string {
    if (chars === C_ALNUM) return 'ALNUM';
    const name = CLASS_NAMES.get(chars) ?? `IN_${chars}`;
    if (!this.names.includes(name)) {
      const t = new Uint8Array(256);
      for (let c = 0; c < 128; c++) t[c] = (CLASS[c]! & chars) !== 0 && c !== QUOTE && c !== COMMA ? 1 : 0;
      this.names.push(name);
      this.tables.push(t);
    }
    return name;
  }
}

/**
 * The epoch day of "YYYYMMDD" given as a number, or −1 when it is not a date in the supported span.
 * Called only when the date differs from the last one parsed.
 */
function dayOf(v: number): number {
  const day = civilDay(Math.floor(v / 10_000), Math.floor(v / 100) % 100, v % 100);
  return day < 0 ? -1 : day;
}

/** `p + at` in code, `p` when at is 0. */
function at0(at: number): string {
  return at === 0 ? 'p' : `p + ${at}`;
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

/** The most characters an alnum value packs into one number (6 bits each, below 2^53). */
const ALNUM_MAX = 8;

/**
 * Code packing the `n` alphanumerics at p + at into `into` (6 bits each); the first byte's check is
 * left out when the caller has already made it.
 */
function alnumPackCode(at: number, n: number, into: string, firstChecked: boolean): string {
  if (n > ALNUM_MAX) throw new Error(`scan-gen: ${n} alphanumerics do not pack into one number`);
  const reads: string[] = [];
  const checks: string[] = [];
  let value = 'a0';
  for (let k = 0; k < n; k++) {
    reads.push(`a${k} = ALNUM[B[${at0(at + k)}]];`);
    if (k > 0 || !firstChecked) checks.push(`a${k} - 1`);
    if (k > 0) value = k === 1 ? `a0 * 64 + a1` : `(${value}) * 64 + a${k}`;
  }
  return `
    ${reads.join(' ')}
    if ((${checks.join(' | ')}) < 0) return -1;
    ${into} = ${value};`;
}

/**
 * Code for one column's value, from p at the field's first byte to p after its last, by the kind of
 * its rule (field-rules.ts); anything it does not take returns −1 (the careful path's).
 */
function fieldCode(col: ColumnDef, tables: ClassTables): string {
  const f = col.field;
  switch (col.kind) {
    case 'digits':
      return digitsField(col, f);
    case 'alnum':
    case 'alnum-pair':
      return alnumField(col, f);
    case 'text':
      return textField(col, f, tables.of(col.chars));
    case 'card':
      return cardField(col, f, tables.of(col.chars));
    case 'code':
      return codeField(col, f, byteRun(col.chars) === null ? tables.of(col.chars) : '');
    case 'enum':
      return enumField(col, f);
    case 'timestamp':
      return timestampField(col, f);
    case 'date':
      return `
        if (p + 11 > end) return -1;
        ${dateCode(0)}
        vals[${f}] = day;
        p += 10;`;
    case 'amount':
      return `
        neg = false;
        ${col.signed ? 'if (B[p] === 45) { neg = true; p++; }' : ''}
        s = p; v = 0;
        while (p < end) { d = B[p] - 48; if (d < 0 || d > 9) break; v = v * 10 + d; p++; }
        if (p === s || p - s > ${col.max}) return -1;
        vals[${f}] = neg ? -v : v;`;
    case 'count':
      // Only as many digits as are surely below the limit; longer ones are the careful path's.
      return `
        s = p; v = 0;
        while (p < end) { d = B[p] - 48; if (d < 0 || d > 9) break; v = v * 10 + d; p++; }
        if (p === s || p - s > ${String(col.limit).length - 1}) return -1;
        vals[${f}] = v;`;
  }
}

/** Fixed-width digits, packed as their value: four at a time. */
function digitsField(col: FieldRule, f: number): string {
  const n = col.max;
  return `
        if (p + ${n + 1} > end) return -1;
        bad = 0;
        ${swarDigitsCode(0, n, 'v')}
        if (bad < 0) return -1;
        vals[${f}] = v;
        p += ${n};`;
}

/**
 * Fixed-width alphanumerics packed into vals[f] (and a pair's second half into vals[lo]). An
 * optional one is empty when its first byte is no alphanumeric (a longer or shorter one then fails
 * at the delimiter).
 */
function alnumField(col: FieldRule, f: number): string {
  const n = col.max;
  const into = col.kind === 'alnum-pair' ? [`vals[${f}]`, `vals[${col.lo}]`] : [`vals[${f}]`];
  const part = n / into.length;
  const packs = into.map((v, k) => alnumPackCode(k * part, part, v, col.optional && k === 0)).join('');
  if (!col.optional)
    return `
        if (p + ${n} > end) return -1;${packs}
        p += ${n};`;
  const empty = into.map((v) => `${v} = 0;`);
  return `
        if (p + ${n} <= end && ALNUM[B[p]] !== 0) {${packs}
          p += ${n};
        } else ${empty.length === 1 ? empty[0] : `{\n          ${empty.join('\n          ')}\n        }`}`;
}

/** The test of a range's length p − s against the rule's (an optional value may also be empty). */
function lengthFails(col: FieldRule): string {
  const long = `p - s > ${col.max}`;
  if (col.min <= 1 && col.optional) return long;
  const short = `p - s < ${col.min}`;
  return col.optional ? `p !== s && (${short} || ${long})` : `${short} || ${long}`;
}

/** Code reading the bytes of the class from s = p up to the delimiter, and testing their count. */
function rangeScan(col: FieldRule, table: string): string {
  return `
        while (p < end && ${table}[B[p]] === 1) p++;
        if (${lengthFails(col)}) return -1;`;
}

/** Free text, kept as a range. */
function textField(col: FieldRule, f: number, table: string): string {
  return `
        s = p;${rangeScan(col, table)}
        ts[${f}] = s;
        te[${f}] = p;`;
}

/** A card number is mostly 16 characters long. */
const CARD_COMMON = 16;

/** A card number, kept as a range: the common length tested at once (its bytes' table values ANDed) before the general loop. */
function cardField(col: FieldRule, f: number, table: string): string {
  const all = Array.from({ length: CARD_COMMON }, (_, k) => `${table}[B[${at0(k)}]]`).join(' & ');
  return `
        s = p;
        if (p + ${CARD_COMMON + 1} <= end && (${all}) === 1 && ${table}[B[p + ${CARD_COMMON}]] === 0) p += ${CARD_COMMON};
        else {${rangeScan(col, table)}
        }
        ts[${f}] = s;
        te[${f}] = p;`;
}

/** The bytes of class `chars` as one run [first, last], or null when they are not one. */
function byteRun(chars: number): [number, number] | null {
  const bytes = Array.from({ length: 128 }, (_, c) => c).filter((c) => (CLASS[c]! & chars) !== 0);
  const first = bytes[0]!;
  const last = bytes[bytes.length - 1]!;
  return last - first === bytes.length - 1 ? [first, last] : null;
}

/**
 * Fixed-width bytes of a class, packed as bytes (the first highest): a class that is one run of
 * bytes (A–Z) tested by subtractions whose signs are ORed, another by its table.
 */
function codeField(col: FieldRule, f: number, table: string): string {
  const n = col.max;
  if (n > ALNUM_MAX) throw new Error(`scan-gen: a code of ${n} bytes does not pack into one number`);
  const k = Array.from({ length: n }, (_, k) => k);
  const run = byteRun(col.chars);
  if (run === null) {
    const value = k.map((k) => (k === n - 1 ? `B[${at0(k)}]` : `(B[${at0(k)}] << ${8 * (n - 1 - k)})`));
    return `
        if (p + ${n} > end${k.map((k) => ` || ${table}[B[${at0(k)}]] === 0`).join('')}) return -1;
        vals[${f}] = ${value.join(' | ')};
        p += ${n};`;
  }
  const [first, last] = run;
  const value = k.map((k) => (k === n - 1 ? `a${k}` : `(a${k} << ${8 * (n - 1 - k)})`));
  return `
        if (p + ${n} > end) return -1;
        ${k.map((k) => `a${k} = B[${at0(k)}];`).join(' ')}
        if ((${k.map((k) => `(a${k} - ${first}) | (${last} - a${k})`).join(' | ')}) < 0) return -1;
        vals[${f}] = ${value.join(' | ')};
        p += ${n};`;
}

/**
 * An enum: each name compared whole, as 32-bit words and then bytes, longest first: a name that is
 * the start of a longer word leaves a letter where the delimiter must be, and the record goes to the
 * careful path.
 */
function enumField(col: FieldRule, f: number): string {
  const names = col.enumBytes!;
  const order = names.map((_, k) => k).sort((a, b) => names[b]!.length - names[a]!.length);
  const tests = order.map((k) => {
    const name = names[k]!;
    const conds: string[] = [];
    let x = 0;
    for (; x + 4 <= name.length; x += 4) {
      const word = name[x]! | (name[x + 1]! << 8) | (name[x + 2]! << 16) | (name[x + 3]! << 24) | 0;
      conds.push(`dv.getInt32(p + ${x}, true) === ${word}`);
    }
    for (; x < name.length; x++) conds.push(`B[p + ${x}] === ${name[x]}`);
    return `if (p + ${name.length + 1} <= end && ${conds.join(' && ')}) { vals[${f}] = ${col.enumCodes![k]}; p += ${name.length}; }`;
  });
  return `
        ${tests.join('\n else ')}
        else return -1;`;
}

/** YYYY-MM-DDTHH:MM:SS then Z or ±HH:MM; anything else (fractions, other forms) is careful. */
function timestampField(col: FieldRule, f: number): string {
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
            if (bad < 0 || oh > ${col.offsetHours} || om > 59) return -1;
            off = z === 45 ? -(oh * 60 + om) : oh * 60 + om;
            dates.o0 = w0; dates.o1 = w1; dates.offset = off;
          }
          p += 25;
        } else return -1;
        vals[${f}] = day * 86400000 + ((hh * 60 + mi - off) * 60 + ss) * 1000;`;
}

/** Writes the row function of a file whose i-th column is `columns[i]` (its field and rule). */
export function compileRowParser(columns: readonly ColumnDef[]): RowParser {
  const n = columns.length;
  const tables = new ClassTables();
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(`// column ${i}: field ${columns[i]!.field}
      q = B[p] === 34;
      if (q) p++;
      ${fieldCode(columns[i]!, tables)}
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
    ...tables.names,
    'dayOf',
    `return function row(buf, dv, pos, end, vals, ts, te, dates) {${body}}`,
  );
  const parse = make(...tables.tables, dayOf) as RowParser;
  warmUp(parse, warmLines(columns));
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
export function warmLines(columns: readonly ColumnDef[]): Uint8Array[] {
  const enumCount = Math.max(1, ...columns.map((c) => c.enumBytes?.length ?? 0));
  const lines: Uint8Array[] = [];
  for (let v = 0; v < Math.max(8, 2 * enumCount); v++) {
    const values = columns.map((c) => warmValue(c, v));
    const quoted = v % 4 === 3;
    const text = values.map((x) => (quoted ? `"${x}"` : x)).join(',');
    const end = v % 2 === 1 ? '\r\n' : '\n';
    lines.push(new TextEncoder().encode(text + end));
  }
  return lines;
}

/** Card numbers of the usual forms: masked, full, long. */
const WARM_CARDS = ['622588******7681', '6225881234567681', '6225881234567890123'];

/** A valid value of a column of this rule for warm record v (an optional one is empty now and then). */
function warmValue(col: FieldRule, v: number): string {
  const day = 10 + (v % 9);
  const n = col.max;
  if (col.optional && v % 3 === 2) return '';
  switch (col.kind) {
    case 'enum':
      return new TextDecoder().decode(col.enumBytes![v % col.enumBytes!.length]);
    case 'code': {
      const members = Array.from({ length: 128 }, (_, c) => c).filter((c) => (CLASS[c]! & col.chars) !== 0);
      return String.fromCharCode(...Array.from({ length: n }, (_, k) => members[(v * 7 + k * 3) % members.length]!));
    }
    case 'digits':
      return String(100000 + v)
        .slice(-6)
        .padStart(n, '8')
        .slice(-n);
    case 'alnum':
    case 'alnum-pair':
      return (v % 2 === 0 ? String(10 ** 16 + v) : 'A1B2C3D4E5F6G7H8').slice(-n);
    case 'text':
      return `ORD2026111944052019${String(10000 + v).slice(-5)}`.slice(0, n);
    case 'card':
      return WARM_CARDS.filter((c) => c.length >= col.min && c.length <= n)[v % 3]!;
    case 'timestamp':
      return `2026-11-${day}T${String(v % 24).padStart(2, '0')}:04:44${['+08:00', 'Z', '-05:30'][v % 3]}`;
    case 'amount':
      return col.signed && v % 4 === 2 ? `-${19 + v}` : String(3526 + v);
    case 'date':
      return `2026-11-${day + (v % 2)}`;
    case 'count':
      return String(1 + v * 37);
  }
}
