/**
 * What a field of recon's layout must hold (DESIGN §3.1, §3.2), as rules that every reader of a
 * record reads: the column table (schema.ts JOURNAL_COLUMNS, CLEARING_COLUMNS, STATE_COLUMNS) is one
 * rule per column, made here. The scanner's generated fast path writes a column's code from its rule
 * (workers/scan-gen.ts); its careful path reads a value by the rule and names the reason (readValue
 * below); a profile's readers apply the target column's rule to the value they convert
 * (profile-record.ts, profile-gen.ts).
 *
 * Vocabulary
 * - kind: how a value is read and packed (FieldKind). Readers switch on the kind, never on the field.
 * - class: the bytes a value may hold, a bit of CLASS; kinds with a syntax of their own (enums,
 *   times, dates, numbers) have none.
 * - reasons: the reject code (reject.ts) of each way a value can fail; 0 where it cannot fail so.
 * - slots: where a value goes: numbers in vals[field] (a pair's second half in vals[lo]), text and
 *   card numbers as byte ranges ts[field]..te[field].
 */
import { daysFromCivil, daysInMonth, END_DAY, FIRST_DAY } from './dates.js';
import { alnumCode, packAlnum, packDigits } from './packed.js';
import {
  R_CHARS,
  R_CURRENCY,
  R_DATE,
  R_EMPTY,
  R_ENUM,
  R_LENGTH,
  R_NEGATIVE,
  R_NO_OFFSET,
  R_NUMBER,
  R_RANGE,
  R_RESPONSE,
  R_TIMESTAMP,
} from './reject.js';

export type FieldKind =
  /** Exactly `max` decimal digits, packed as their value (packed.ts packDigits). */
  | 'digits'
  /** Exactly `max` (at most 8) letters and digits, packed 6 bits each (packed.ts packAlnum). */
  | 'alnum'
  /** Exactly `max` (at most 16) letters and digits as two packed halves, the second in slot `lo`. */
  | 'alnum-pair'
  /** Free text of `min`–`max` bytes of class `chars`, kept as a byte range. */
  | 'text'
  /** A card number: `min`–`max` bytes of class `chars`, kept as a byte range (masked where it shows too much). */
  | 'card'
  /** Exactly `max` bytes of class `chars`, packed as bytes, the first highest (response codes, currencies). */
  | 'code'
  /** One of the names allowed (`enumBytes`), as its code. */
  | 'enum'
  /** ISO 8601 date and time with a UTC offset of at most `offsetHours`, as epoch milliseconds. */
  | 'timestamp'
  /** YYYY-MM-DD within the supported span (FIRST_DAY to END_DAY), as an epoch day. */
  | 'date'
  /** An integer in minor units of at most `max` digits, with a leading minus sign where `signed`. */
  | 'amount'
  /** A whole number of at most `max` digits and at most `limit` (the open-item store's own columns). */
  | 'count';

/** The reject reason (reject.ts R_*) of each way a value can fail; 0: it cannot fail so. */
export interface Reasons {
  /** Empty where a value is required. */
  readonly empty: number;
  /** Not `min`–`max` bytes long (detail: the length, when the reason is R_LENGTH). */
  readonly length: number;
  /** A byte outside the class. */
  readonly chars: number;
  /** Not of the kind's form: an unknown name, not a number, a date or a timestamp, a number above the limit. */
  readonly form: number;
  /** A date outside the supported span. */
  readonly range: number;
  /** A minus sign where none is allowed. */
  readonly negative: number;
  /** A timestamp without its UTC offset. */
  readonly noOffset: number;
}

export interface FieldRule {
  readonly kind: FieldKind;
  /** Bytes a value has (fixed-width kinds: min = max, the width; amounts and counts: digits, the sign apart). */
  readonly min: number;
  readonly max: number;
  /** The bytes a value may hold (CLASS bits); 0 for kinds with a syntax of their own. */
  readonly chars: number;
  /** May be empty (an optional id): its value is then 0, or an empty range. */
  readonly optional: boolean;
  readonly reasons: Reasons;
  /** What a value is, for messages: "15 digits", "an ISO 4217 code". */
  readonly title: string;
  /** What an empty value stands for in the open-item store, whose rows a profile may have read without it. */
  readonly storeEmpty?: number;
  /** alnum-pair: the slot of the second half. */
  readonly lo?: number;
  /** amount: a minus sign is allowed. */
  readonly signed?: boolean;
  /** count: the largest value. */
  readonly limit?: number;
  /** timestamp: the largest UTC offset, in hours. */
  readonly offsetHours?: number;
  /** enum: the codes allowed, and the names by code (index = code). */
  readonly enumCodes?: readonly number[];
  readonly enumNames?: readonly string[];
  /** enum: the allowed names as bytes, in the order of enumCodes. */
  readonly enumBytes?: readonly Uint8Array[];
}

/** A column of a side's file: its header name, the field it fills, and its rule. */
export interface ColumnDef extends FieldRule {
  readonly name: string;
  readonly field: number;
  /** Per byte value: 1 when it is of the rule's class (`chars`). */
  readonly bytes: Uint8Array;
}

/** Character classes (CLASS bits): decimal digits. */
export const C_DIGIT = 1;
/** Letters and digits, [0-9A-Za-z]: the bytes packed.ts has a 6-bit code for. */
export const C_ALNUM = 2;
/** Capital letters A–Z. */
export const C_UPPER = 4;
/** What a card number may show: digits and the masks `*`, `X`, `x`. */
export const C_CARD = 8;
/** Printable ASCII, 32–126. */
export const C_PRINTABLE = 16;
/** Bytes of multi-byte characters (≥ 0x80); the encoding is checked for the whole line elsewhere. */
export const C_HIGH = 32;
/** Text: anything but a control character. */
export const C_TEXT = C_PRINTABLE | C_HIGH;

/** Per byte value: the classes it belongs to. */
export const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const digit = c >= 48 && c <= 57;
  const upper = c >= 65 && c <= 90;
  CLASS[c] =
    (digit ? C_DIGIT : 0) |
    (alnumCode(c) > 0 ? C_ALNUM : 0) |
    (upper ? C_UPPER : 0) |
    (digit || c === 42 || c === 88 || c === 120 ? C_CARD : 0) |
    (c >= 32 && c < 127 ? C_PRINTABLE : 0) |
    (c >= 0x80 ? C_HIGH : 0);
}

const NO_REASONS: Reasons = { empty: 0, length: 0, chars: 0, form: 0, range: 0, negative: 0, noOffset: 0 };
/** Ids, text and card numbers: empty, wrong length, a byte outside the class. */
const ID_REASONS: Reasons = { ...NO_REASONS, empty: R_EMPTY, length: R_LENGTH, chars: R_CHARS };

const base = { min: 0, max: 0, chars: 0, optional: false };

/** The most digits of an amount (below 2^53: exact in a double). */
export const AMOUNT_DIGITS = 15;

/** Rule options a column may add to its kind's. */
type More = Partial<Pick<FieldRule, 'optional' | 'storeEmpty' | 'lo' | 'signed'>>;

/** Exactly `width` decimal digits. */
export function digits(width: number, more: More = {}): FieldRule {
  const title = `${width} digits`;
  return { ...base, kind: 'digits', min: width, max: width, chars: C_DIGIT, reasons: ID_REASONS, title, ...more };
}

/** Exactly `width` letters and digits, packed in one number (width ≤ 8). */
export function alnum(width: number, more: More = {}): FieldRule {
  const title = `${width} letters and digits`;
  return { ...base, kind: 'alnum', min: width, max: width, chars: C_ALNUM, reasons: ID_REASONS, title, ...more };
}

/** Exactly `width` letters and digits, packed as two halves; the second goes to slot `lo`. */
export function alnumPair(width: number, lo: number, more: More = {}): FieldRule {
  const title = `${width} letters and digits`;
  return {
    ...base,
    kind: 'alnum-pair',
    min: width,
    max: width,
    chars: C_ALNUM,
    lo,
    reasons: ID_REASONS,
    title,
    ...more,
  };
}

/** Free text of at most `max` bytes that are no control characters. */
export function text(max: number, more: More = {}): FieldRule {
  const title = `text of at most ${max} characters`;
  return { ...base, kind: 'text', min: 1, max, chars: C_TEXT, reasons: ID_REASONS, title, ...more };
}

/** A card number of `min`–`max` digits and masks. */
export function card(min: number, max: number, more: More = {}): FieldRule {
  const title = `a card number of ${min}–${max} digits and masks`;
  return { ...base, kind: 'card', min, max, chars: C_CARD, reasons: ID_REASONS, title, ...more };
}

/** Exactly `width` bytes of class `chars`; any failure is `reason`. */
export function code(width: number, chars: number, reason: number, title: string): FieldRule {
  const reasons = { ...NO_REASONS, empty: reason, length: reason, chars: reason, form: reason };
  return { ...base, kind: 'code', min: width, max: width, chars, reasons, title };
}

/** A two-character response code (DESIGN §3.1: `00` approved). */
export const responseCode = (): FieldRule => code(2, C_ALNUM, R_RESPONSE, '2 characters');
/** An ISO 4217 alpha code. */
export const currencyCode = (): FieldRule => code(3, C_UPPER, R_CURRENCY, 'an ISO 4217 code');

/** One of the names `names[code]` for the codes allowed. */
export function oneOf(codes: readonly number[], names: readonly string[]): FieldRule {
  return {
    ...base,
    kind: 'enum',
    enumCodes: codes,
    enumNames: names,
    enumBytes: codes.map((c) => new TextEncoder().encode(names[c])),
    reasons: { ...NO_REASONS, empty: R_EMPTY, form: R_ENUM },
    title: `one of ${codes.map((c) => names[c]).join(', ')}`,
  };
}

/** An ISO 8601 timestamp with its UTC offset (at most ±18 hours, as ISO allows). */
export function timestamp(): FieldRule {
  const reasons = { ...NO_REASONS, empty: R_EMPTY, form: R_TIMESTAMP, range: R_RANGE, noOffset: R_NO_OFFSET };
  return { ...base, kind: 'timestamp', offsetHours: 18, reasons, title: 'an ISO 8601 timestamp with its UTC offset' };
}

/** A calendar date, YYYY-MM-DD. */
export function date(): FieldRule {
  const reasons = { ...NO_REASONS, empty: R_EMPTY, form: R_DATE, range: R_RANGE };
  return { ...base, kind: 'date', reasons, title: 'a date (YYYY-MM-DD)' };
}

/** An integer amount in minor units. */
export function amount(signed: boolean): FieldRule {
  const reasons = { ...NO_REASONS, empty: R_EMPTY, form: R_NUMBER, negative: R_NEGATIVE };
  return { ...base, kind: 'amount', max: AMOUNT_DIGITS, signed, reasons, title: 'an integer amount in minor units' };
}

/** A whole number that fits an Int32 column. */
export function count(): FieldRule {
  return {
    ...base,
    kind: 'count',
    // Digits, leading zeros included.
    max: 15,
    limit: 0x7fffffff,
    reasons: { ...NO_REASONS, empty: R_NUMBER, form: R_NUMBER },
    title: 'a whole number',
  };
}

/**
 * The column `name` filling `field` by `rule`. Every column is an object of one shape (each property,
 * in one order), so that the readers that take any column (readValue) read its rule monomorphically.
 */
export function column(name: string, field: number, rule: FieldRule): ColumnDef {
  const r = rule.reasons;
  return {
    name,
    field,
    kind: rule.kind,
    min: rule.min,
    max: rule.max,
    chars: rule.chars,
    optional: rule.optional,
    reasons: {
      empty: r.empty,
      length: r.length,
      chars: r.chars,
      form: r.form,
      range: r.range,
      negative: r.negative,
      noOffset: r.noOffset,
    },
    title: rule.title,
    bytes: CLASS.map((c) => ((c & rule.chars) !== 0 ? 1 : 0)),
    storeEmpty: rule.storeEmpty,
    lo: rule.lo,
    signed: rule.signed,
    limit: rule.limit,
    offsetHours: rule.offsetHours,
    enumCodes: rule.enumCodes,
    enumNames: rule.enumNames,
    enumBytes: rule.enumBytes,
  };
}

/** Whether a value of this rule is kept as a byte range (ts/te) rather than a number. */
export function keptAsRange(rule: FieldRule): boolean {
  return rule.kind === 'text' || rule.kind === 'card';
}

/**
 * Reads the value b[s, e) of `col` by its rule into its slots: 0 when it is one, else the reject
 * reason (its detail, for R_LENGTH, is the length e − s). Numeric slots of an empty optional value
 * are left as they are (callers start from zeros). Allocates nothing. One small function a kind, so
 * that the careful path's loop over a record's fields inlines the one it calls.
 */
export function readValue(
  col: ColumnDef,
  b: Uint8Array,
  s: number,
  e: number,
  vals: Float64Array,
  ts: Int32Array,
  te: Int32Array,
): number {
  if (s === e) return readEmpty(col, s, ts, te);
  switch (col.kind) {
    case 'digits':
      return readDigits(col, b, s, e, vals);
    case 'alnum':
      return readAlnum(col, b, s, e, vals);
    case 'alnum-pair':
      return readPair(col, b, s, e, vals);
    case 'text':
    case 'card':
      return readRange(col, b, s, e, ts, te);
    case 'code':
      return readCode(col, b, s, e, vals);
    case 'enum':
      return readName(col, b, s, e, vals);
    case 'timestamp':
      return readTimestamp(col, b, s, e, vals);
    case 'date':
      return readDate(col, b, s, e, vals);
    case 'amount':
      return readAmount(col, b, s, e, vals);
    case 'count':
      return readCount(col, b, s, e, vals);
  }
}

/** An empty value: allowed when the rule is optional (an empty range). */
function readEmpty(col: ColumnDef, s: number, ts: Int32Array, te: Int32Array): number {
  if (!col.optional) return col.reasons.empty;
  ts[col.field] = s;
  te[col.field] = s;
  return 0;
}

/** Whether b[s, e) is not `min`–`max` bytes long. */
function wrongLength(col: ColumnDef, s: number, e: number): boolean {
  return e - s < col.min || e - s > col.max;
}

function readDigits(col: ColumnDef, b: Uint8Array, s: number, e: number, vals: Float64Array): number {
  if (wrongLength(col, s, e)) return col.reasons.length;
  return packed(col, packDigits(b, s, e), vals);
}

function readAlnum(col: ColumnDef, b: Uint8Array, s: number, e: number, vals: Float64Array): number {
  if (wrongLength(col, s, e)) return col.reasons.length;
  return packed(col, packAlnum(b, s, e), vals);
}

/** A packed value into its slot, or the reason when a byte was outside the class (v < 0). */
function packed(col: ColumnDef, v: number, vals: Float64Array): number {
  if (v < 0) return col.reasons.chars;
  vals[col.field] = v;
  return 0;
}

function readPair(col: ColumnDef, b: Uint8Array, s: number, e: number, vals: Float64Array): number {
  if (wrongLength(col, s, e)) return col.reasons.length;
  const half = s + ((e - s) >> 1);
  const hi = packAlnum(b, s, half);
  const lo = packAlnum(b, half, e);
  if (hi < 0 || lo < 0) return col.reasons.chars;
  vals[col.field] = hi;
  vals[col.lo!] = lo;
  return 0;
}

function readRange(col: ColumnDef, b: Uint8Array, s: number, e: number, ts: Int32Array, te: Int32Array): number {
  ts[col.field] = s;
  te[col.field] = e;
  if (wrongLength(col, s, e)) return col.reasons.length;
  return allIn(b, s, e, col.bytes) ? 0 : col.reasons.chars;
}

function readCode(col: ColumnDef, b: Uint8Array, s: number, e: number, vals: Float64Array): number {
  if (wrongLength(col, s, e)) return col.reasons.length;
  if (!allIn(b, s, e, col.bytes)) return col.reasons.chars;
  let v = 0;
  for (let i = s; i < e; i++) v = (v << 8) | b[i]!;
  vals[col.field] = v;
  return 0;
}

function readName(col: ColumnDef, b: Uint8Array, s: number, e: number, vals: Float64Array): number {
  const v = matchName(b, s, e, col.enumBytes!, col.enumCodes!);
  if (v < 0) return col.reasons.form;
  vals[col.field] = v;
  return 0;
}

function readTimestamp(col: ColumnDef, b: Uint8Array, s: number, e: number, vals: Float64Array): number {
  const t = parseTimestamp(b, s, e, col.offsetHours!);
  if (t === TS_BAD) return col.reasons.form;
  if (t === TS_NO_OFFSET) return col.reasons.noOffset;
  if (t === TS_RANGE) return col.reasons.range;
  vals[col.field] = t;
  return 0;
}

function readDate(col: ColumnDef, b: Uint8Array, s: number, e: number, vals: Float64Array): number {
  const d = parseDate(b, s, e);
  if (d === NOT_A_DATE) return col.reasons.form;
  if (d === OUT_OF_SPAN) return col.reasons.range;
  vals[col.field] = d;
  return 0;
}

function readAmount(col: ColumnDef, b: Uint8Array, s: number, e: number, vals: Float64Array): number {
  const signed = col.signed === true;
  const v = parseInteger(b, s, e, signed, col.max);
  if (!Number.isNaN(v)) {
    vals[col.field] = v;
    return 0;
  }
  // A minus sign where none is allowed, before what would be a number.
  return !signed && b[s] === 45 && !Number.isNaN(parseInteger(b, s, e, true, col.max))
    ? col.reasons.negative
    : col.reasons.form;
}

function readCount(col: ColumnDef, b: Uint8Array, s: number, e: number, vals: Float64Array): number {
  const v = parseInteger(b, s, e, false, col.max);
  if (Number.isNaN(v) || v > col.limit!) return col.reasons.form;
  vals[col.field] = v;
  return 0;
}

/** Whether every byte of b[s, e) is one of `bytes` (1 per byte value in it). */
function allIn(b: Uint8Array, s: number, e: number, bytes: Uint8Array): boolean {
  for (let i = s; i < e; i++) if (bytes[b[i]!] === 0) return false;
  return true;
}

/** The code of the name b[s, e) among `names` (bytes), or −1. */
function matchName(
  b: Uint8Array,
  s: number,
  e: number,
  names: readonly Uint8Array[],
  codes: readonly number[],
): number {
  const n = e - s;
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    if (name.length !== n) continue;
    let eq = true;
    for (let i = 0; i < n && eq; i++) eq = name[i] === b[s + i];
    if (eq) return codes[k]!;
  }
  return -1;
}

/** An optionally signed decimal integer of at most `maxDigits` digits; NaN when malformed. */
function parseInteger(b: Uint8Array, s: number, e: number, signed: boolean, maxDigits: number): number {
  if (s >= e) return NaN;
  let neg = false;
  if (b[s] === 45 && signed) {
    neg = true;
    s++;
    if (s >= e) return NaN;
  }
  if (e - s > maxDigits) return NaN;
  const v = packDigits(b, s, e);
  if (v < 0) return NaN;
  return neg ? -v : v;
}

/** civilDay: y-m-d is no calendar date. */
export const NOT_A_DATE = -1;
/** civilDay: a date outside the supported span (FIRST_DAY to END_DAY, 2000–2099). */
export const OUT_OF_SPAN = -2;

/** The epoch day of y-m-d; NOT_A_DATE or OUT_OF_SPAN when it is no date the engine takes. */
export function civilDay(y: number, m: number, d: number): number {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return NOT_A_DATE;
  const day = daysFromCivil(y, m, d);
  return day >= FIRST_DAY && day < END_DAY ? day : OUT_OF_SPAN;
}

/** Value of the n digits at b[s], or −1. */
function digitsAt(b: Uint8Array, s: number, n: number): number {
  return packDigits(b, s, s + n);
}

/** `YYYY-MM-DD` → epoch day; NOT_A_DATE when malformed, OUT_OF_SPAN outside the supported span. */
export function parseDate(b: Uint8Array, s: number, e: number): number {
  if (e - s !== 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return NOT_A_DATE;
  const y = digitsAt(b, s, 4);
  if (y < 0) return NOT_A_DATE;
  return civilDay(y, digitsAt(b, s + 5, 2), digitsAt(b, s + 8, 2));
}

/** parseTimestamp's failures, beyond any time it returns. */
export const TS_BAD = -1e18;
export const TS_NO_OFFSET = -2e18;
export const TS_RANGE = -3e18;

/**
 * ISO 8601 `YYYY-MM-DD[T ]HH:MM:SS[.fff…](Z|±HH:MM|±HHMM|±HH)` → epoch milliseconds, with an offset
 * of at most `offsetHours`. Returns TS_BAD, TS_NO_OFFSET or TS_RANGE (a date outside the span) on failure.
 */
export function parseTimestamp(b: Uint8Array, s: number, e: number, offsetHours: number): number {
  if (e - s < 19) return TS_BAD;
  const day = parseDate(b, s, s + 10);
  if (day === OUT_OF_SPAN) return TS_RANGE;
  if (day < 0) return TS_BAD;
  const sep = b[s + 10];
  if (sep !== 84 && sep !== 32 && sep !== 116) return TS_BAD;
  if (b[s + 13] !== 58 || b[s + 16] !== 58) return TS_BAD;
  const hh = digitsAt(b, s + 11, 2);
  const mi = digitsAt(b, s + 14, 2);
  const ss = digitsAt(b, s + 17, 2);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return TS_BAD;
  let i = s + 19;
  let ms = 0;
  if (i < e && b[i] === 46) {
    i++;
    let scale = 100;
    const fs = i;
    while (i < e && b[i]! >= 48 && b[i]! <= 57) {
      ms += (b[i]! - 48) * scale;
      scale /= 10;
      i++;
    }
    if (i === fs) return TS_BAD;
    ms = Math.floor(ms);
  }
  if (i >= e) return TS_NO_OFFSET;
  let offsetMin = 0;
  const c = b[i];
  if (c === 90 || c === 122) {
    if (i + 1 !== e) return TS_BAD;
  } else if (c === 43 || c === 45) {
    const rest = e - i - 1;
    let oh: number;
    let om = 0;
    if (rest === 2) oh = digitsAt(b, i + 1, 2);
    else if (rest === 4) {
      oh = digitsAt(b, i + 1, 2);
      om = digitsAt(b, i + 3, 2);
    } else if (rest === 5 && b[i + 3] === 58) {
      oh = digitsAt(b, i + 1, 2);
      om = digitsAt(b, i + 4, 2);
    } else return TS_BAD;
    if (oh < 0 || oh > offsetHours || om < 0 || om > 59) return TS_BAD;
    offsetMin = (oh * 60 + om) * (c === 45 ? -1 : 1);
  } else return TS_BAD;
  return day * 86_400_000 + ((hh * 60 + mi - offsetMin) * 60 + ss) * 1000 + ms;
}
