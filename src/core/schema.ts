/**
 * The input contract (DESIGN §3): the columns of each side's CSV, what each must hold (its rule,
 * field-rules.ts: the one definition every reader of a record reads), and which field of the row
 * batch it fills.
 *
 * Vocabulary
 * - field: a value position of the unified row, numbered F_* below; the scanner switches on it.
 * - header: the file's first line; column order is free, names are exact (DESIGN §3).
 * - state columns: src_run, src_file, src_line, flags — present only when the open-item store is
 *   re-read (never accepted in user files).
 */
import {
  CHANNEL_NAMES,
  CLEARING_TYPES,
  JOURNAL_TYPES,
  PAYOUT_STATUS_NAMES,
  STATUS_NAMES,
  TYPE_NAMES,
} from './codes.js';
import {
  alnum,
  alnumPair,
  amount,
  type ColumnDef,
  card,
  column,
  count,
  currencyCode,
  date,
  digits,
  type FieldRule,
  oneOf,
  responseCode,
  text,
  timestamp,
} from './field-rules.js';
import { NO_STAN } from './packed.js';

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

/** Slot of the rrn's second half in a record's values (F_RRN holds the first): after the fields'. */
export const RRN_LO = FIELD_COUNT;
/** Length of a record's values array (`vals`): a slot per field and RRN_LO. */
export const VALS_LENGTH = FIELD_COUNT + 1;

/** The sides of a run: the two legs matched row by row, and the payouts (DESIGN §3.5). */
export type Side = 'journal' | 'clearing' | 'payout';
/** The two sides the join matches row by row. */
export type MatchSide = Exclude<Side, 'payout'>;

export type { ColumnDef } from './field-rules.js';

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
 * The payout file's columns (DESIGN §3.5). A payout row fills fields of the unified row whose rule
 * it shares or whose slot is free on this side: payout_id and orig_payout_id are text like order_no
 * and orig_rrn; status_date is a date like clearing_date; the reason code is text in batch_no's
 * slot; the account number is masked like a card number (pan_masked's rule and slot).
 */
export const PAYOUT_HEADER = [
  'payout_id',
  'merchant_id',
  'settle_date',
  'amount_minor',
  'currency',
  'status',
  'status_date',
  'reason_code',
  'account_masked',
  'orig_payout_id',
] as const;

/**
 * A column's field and rule; its name is its key. `fromFile`: a profile (DESIGN §3.4) must map it
 * from the file's fields; the others may take a default or stay empty where §3 allows it.
 */
interface Column {
  readonly field: number;
  readonly rule: FieldRule;
  readonly fromFile?: true;
}

const at = (field: number, rule: FieldRule): Column => ({ field, rule });
/** A column every record of a profile's file must give. */
const needed = (field: number, rule: FieldRule): Column => ({ field, rule, fromFile: true });

/** The columns both sides have, by name: ids, the card number, the time and the currency. */
const COMMON = {
  merchant_id: needed(F_MERCHANT_ID, digits(15)),
  // An open item read through a profile may have no terminal, or no stan (a bill's row).
  terminal_id: at(F_TERMINAL_ID, alnum(8, { storeEmpty: 0 })),
  stan: at(F_STAN, digits(6, { storeEmpty: NO_STAN })),
  rrn: at(F_RRN, alnumPair(12, RRN_LO, { optional: true })),
  auth_code: at(F_AUTH_CODE, alnum(6, { optional: true })),
  order_no: at(F_ORDER_NO, text(64, { optional: true })),
  orig_rrn: at(F_ORIG_RRN, text(64, { optional: true })),
  pan_masked: at(F_PAN, card(12, 19, { optional: true })),
  txn_time: needed(F_TXN_TIME, timestamp()),
  currency: needed(F_CURRENCY, currencyCode()),
};

const JOURNAL: Record<(typeof JOURNAL_HEADER)[number], Column> = {
  ...COMMON,
  batch_no: at(F_BATCH_NO, digits(6)),
  txn_type: needed(F_TYPE, oneOf(JOURNAL_TYPES, TYPE_NAMES)),
  channel: needed(F_CHANNEL, oneOf([1, 2, 3, 4], CHANNEL_NAMES)),
  amount_minor: needed(F_AMOUNT, amount(false)),
  response_code: needed(F_RESPONSE, responseCode()),
};

const CLEARING: Record<(typeof CLEARING_HEADER)[number], Column> = {
  ...COMMON,
  record_type: needed(F_TYPE, oneOf(CLEARING_TYPES, TYPE_NAMES)),
  clearing_date: needed(F_CLEARING_DATE, date()),
  settle_date: needed(F_SETTLE_DATE, date()),
  gross_minor: needed(F_AMOUNT, amount(true)),
  fee_minor: needed(F_FEE, amount(true)),
  net_minor: needed(F_NET, amount(true)),
  status: needed(F_STATUS, oneOf([1, 2, 3], STATUS_NAMES)),
};

const PAYOUT: Record<(typeof PAYOUT_HEADER)[number], Column> = {
  payout_id: needed(F_ORDER_NO, text(64)),
  merchant_id: COMMON.merchant_id,
  settle_date: needed(F_SETTLE_DATE, date()),
  amount_minor: needed(F_AMOUNT, amount(false)),
  currency: COMMON.currency,
  status: needed(F_STATUS, oneOf([1, 2, 3, 4], PAYOUT_STATUS_NAMES)),
  status_date: needed(F_CLEARING_DATE, date()),
  reason_code: at(F_BATCH_NO, text(35, { optional: true })),
  // A settlement account: 8–34 characters (an IBAN's longest), digits and '*' as a card number's.
  account_masked: at(F_PAN, card(8, 34, { optional: true })),
  orig_payout_id: at(F_ORIG_RRN, text(64, { optional: true })),
};

/** The journal's columns (DESIGN §3.1) in header order, each with its rule (field-rules.ts). */
export const JOURNAL_COLUMNS: readonly ColumnDef[] = JOURNAL_HEADER.map((name) =>
  column(name, JOURNAL[name].field, JOURNAL[name].rule),
);

/** The clearing file's columns (DESIGN §3.2) in header order, each with its rule. */
export const CLEARING_COLUMNS: readonly ColumnDef[] = CLEARING_HEADER.map((name) =>
  column(name, CLEARING[name].field, CLEARING[name].rule),
);

/** The payout file's columns (DESIGN §3.5) in header order, each with its rule. */
export const PAYOUT_COLUMNS: readonly ColumnDef[] = PAYOUT_HEADER.map((name) =>
  column(name, PAYOUT[name].field, PAYOUT[name].rule),
);

const TABLES: Record<
  Side,
  { header: readonly string[]; table: Record<string, Column>; columns: readonly ColumnDef[] }
> = {
  journal: { header: JOURNAL_HEADER, table: JOURNAL, columns: JOURNAL_COLUMNS },
  clearing: { header: CLEARING_HEADER, table: CLEARING, columns: CLEARING_COLUMNS },
  payout: { header: PAYOUT_HEADER, table: PAYOUT, columns: PAYOUT_COLUMNS },
};

/** Columns the open-item store adds when it is re-read (DESIGN §9 carry-forward state). */
export const STATE_COLUMNS: readonly ColumnDef[] = [
  column('src_run', F_SRC_RUN, date()),
  column('src_file', F_SRC_FILE, count()),
  column('src_line', F_SRC_LINE, count()),
  column('flags', F_FLAGS, count()),
];

/** The columns a profile must map from the file's fields, in header order (the rest have defaults). */
export function profileRequired(side: Side): readonly string[] {
  const { header, table } = TABLES[side];
  return header.filter((name) => table[name]!.fromFile);
}

export function columnsOf(side: Side): readonly ColumnDef[] {
  return TABLES[side].columns;
}

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
      // A column only another side has: the file is probably that side's.
      const other = (['journal', 'clearing', 'payout'] as const).find(
        (o) => o !== side && !columnsOf(side).some((c) => c.name === name) && columnsOf(o).some((c) => c.name === name),
      );
      const hint = other ? ` (is this a ${other} file?)` : '';
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
