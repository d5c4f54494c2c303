/**
 * The input contract (DESIGN §3): the columns of each side's CSV, what each must hold, and which
 * field of the row batch it fills.
 *
 * Vocabulary
 * - field: a value position of the unified row, numbered F_* below; the scanner switches on it.
 * - header: the file's first line; column order is free, names are exact (DESIGN §3).
 * - state columns: src_run, src_file, src_line, flags — present only when the open-item store is
 *   re-read (never accepted in user files).
 */
import { CHANNEL_NAMES, CLEARING_TYPES, JOURNAL_TYPES, STATUS_NAMES, TYPE_NAMES } from './codes.js';

export const F_TYPE = 0;
export const F_CHANNEL = 1;
export const F_STATUS = 2;
export const F_RESPONSE = 3;
export const F_CURRENCY = 4;
export const F_MERCHANT_ID = 5;
export const F_TERMINAL_ID = 6;
export const F_BATCH_NO = 7;
export const F_STAN = 8;
export const F_RRN = 9;
export const F_AUTH_CODE = 10;
export const F_ORDER_NO = 11;
export const F_ORIG_RRN = 12;
export const F_PAN = 13;
export const F_TXN_TIME = 14;
export const F_AMOUNT = 15;
export const F_FEE = 16;
export const F_NET = 17;
export const F_CLEARING_DATE = 18;
export const F_SETTLE_DATE = 19;
export const F_SRC_RUN = 20;
export const F_SRC_FILE = 21;
export const F_SRC_LINE = 22;
export const F_FLAGS = 23;
export const FIELD_COUNT = 24;

export type Side = 'journal' | 'clearing';

/** Character classes for id fields. */
export const CHARS_DIGITS = 1;
export const CHARS_ALNUM = 2;
/** Printable, no control characters. */
export const CHARS_TEXT = 3;

/** Length and character rules of a string field; `allowEmpty` lets an optional id be blank. */
export interface StringRule {
  readonly min: number;
  readonly max: number;
  readonly chars: number;
  readonly allowEmpty: boolean;
}

export interface ColumnDef {
  /** Column name in the header. */
  readonly name: string;
  readonly field: number;
  /** Rule for string fields. */
  readonly rule?: StringRule;
  /** Allowed codes for enum fields, with their names at index = code. */
  readonly enumCodes?: readonly number[];
  readonly enumNames?: readonly string[];
  /** Amounts: whether a leading minus sign is accepted. */
  readonly signed?: boolean;
}

const id = (min: number, max: number, chars: number, allowEmpty = false): StringRule => ({
  min,
  max,
  chars,
  allowEmpty,
});

const COMMON_IDS: ColumnDef[] = [
  { name: 'merchant_id', field: F_MERCHANT_ID, rule: id(15, 15, CHARS_DIGITS) },
  { name: 'terminal_id', field: F_TERMINAL_ID, rule: id(8, 8, CHARS_ALNUM) },
  { name: 'stan', field: F_STAN, rule: id(6, 6, CHARS_DIGITS) },
  { name: 'rrn', field: F_RRN, rule: id(12, 12, CHARS_ALNUM, true) },
  { name: 'auth_code', field: F_AUTH_CODE, rule: id(6, 6, CHARS_ALNUM, true) },
  { name: 'order_no', field: F_ORDER_NO, rule: id(1, 64, CHARS_TEXT, true) },
  { name: 'orig_rrn', field: F_ORIG_RRN, rule: id(1, 64, CHARS_TEXT, true) },
  { name: 'pan_masked', field: F_PAN, rule: id(12, 19, CHARS_TEXT, true) },
  { name: 'txn_time', field: F_TXN_TIME },
  { name: 'currency', field: F_CURRENCY },
];

export const JOURNAL_COLUMNS: readonly ColumnDef[] = [
  ...COMMON_IDS,
  { name: 'batch_no', field: F_BATCH_NO, rule: id(6, 6, CHARS_DIGITS) },
  { name: 'txn_type', field: F_TYPE, enumCodes: JOURNAL_TYPES, enumNames: TYPE_NAMES },
  { name: 'channel', field: F_CHANNEL, enumCodes: [1, 2, 3, 4], enumNames: CHANNEL_NAMES },
  { name: 'amount_minor', field: F_AMOUNT, signed: false },
  { name: 'response_code', field: F_RESPONSE },
];

export const CLEARING_COLUMNS: readonly ColumnDef[] = [
  ...COMMON_IDS,
  { name: 'record_type', field: F_TYPE, enumCodes: CLEARING_TYPES, enumNames: TYPE_NAMES },
  { name: 'clearing_date', field: F_CLEARING_DATE },
  { name: 'settle_date', field: F_SETTLE_DATE },
  { name: 'gross_minor', field: F_AMOUNT, signed: true },
  { name: 'fee_minor', field: F_FEE, signed: true },
  { name: 'net_minor', field: F_NET, signed: true },
  { name: 'status', field: F_STATUS, enumCodes: [1, 2, 3], enumNames: STATUS_NAMES },
];

/** Columns the open-item store adds when it is re-read (DESIGN §9 carry-forward state). */
export const STATE_COLUMNS: readonly ColumnDef[] = [
  { name: 'src_run', field: F_SRC_RUN },
  { name: 'src_file', field: F_SRC_FILE },
  { name: 'src_line', field: F_SRC_LINE },
  { name: 'flags', field: F_FLAGS },
];

export function columnsOf(side: Side): readonly ColumnDef[] {
  return side === 'journal' ? JOURNAL_COLUMNS : CLEARING_COLUMNS;
}

/** Header names in the canonical order writers use (the order of DESIGN §3 tables). */
export const JOURNAL_HEADER = [
  'merchant_id',
  'terminal_id',
  'batch_no',
  'stan',
  'rrn',
  'auth_code',
  'txn_type',
  'channel',
  'order_no',
  'txn_time',
  'amount_minor',
  'currency',
  'response_code',
  'orig_rrn',
  'pan_masked',
] as const;

export const CLEARING_HEADER = [
  'record_type',
  'merchant_id',
  'terminal_id',
  'stan',
  'rrn',
  'auth_code',
  'order_no',
  'orig_rrn',
  'pan_masked',
  'txn_time',
  'clearing_date',
  'settle_date',
  'gross_minor',
  'fee_minor',
  'net_minor',
  'currency',
  'status',
] as const;

/**
 * How a file's columns map onto fields, as plain arrays a worker can take: `fields[i]` is the
 * field of the file's i-th column.
 */
export interface ColumnMap {
  readonly side: Side;
  readonly names: readonly string[];
  readonly fields: readonly number[];
  /** Whether the state columns are present (open-item store input). */
  readonly state: boolean;
}

export class HeaderError extends Error {
  constructor(
    readonly column: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'HeaderError';
  }
}

/**
 * Maps header names to fields. Every column of the side is required; an unknown or repeated column
 * is an error naming it. `allowState` admits the state columns (store input only).
 */
export function mapHeader(side: Side, names: readonly string[], allowState = false): ColumnMap {
  const defs = [...columnsOf(side), ...(allowState ? STATE_COLUMNS : [])];
  const byName = new Map(defs.map((d) => [d.name, d]));
  const fields: number[] = [];
  const seen = new Set<string>();
  for (const raw of names) {
    const name = raw.trim();
    const def = byName.get(name);
    if (!def) {
      const hint =
        side === 'journal' && CLEARING_COLUMNS.some((c) => c.name === name)
          ? ' (is this a clearing file?)'
          : side === 'clearing' && JOURNAL_COLUMNS.some((c) => c.name === name)
            ? ' (is this a journal file?)'
            : '';
      throw new HeaderError(name, `unknown column "${name}" in the ${side} header${hint}`);
    }
    if (seen.has(name)) throw new HeaderError(name, `column "${name}" appears twice in the header`);
    seen.add(name);
    fields.push(def.field);
  }
  const missing = columnsOf(side)
    .filter((d) => !seen.has(d.name))
    .map((d) => d.name);
  if (missing.length > 0) {
    throw new HeaderError(
      missing[0],
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} in the ${side} header`,
    );
  }
  const state = allowState && STATE_COLUMNS.every((d) => seen.has(d.name));
  return { side, names: names.map((n) => n.trim()), fields, state };
}
