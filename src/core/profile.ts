/**
 * Input profiles (DESIGN §3.4): a declarative description of a real file layout (a WeChat Pay bill,
 * an Alipay 业务明细, UnionPay's fixed-width ZM file, or a user's own) in terms of recon's columns
 * (DESIGN §3.1, §3.2, §3.5). This module is what a profile is, as the coordinator and the scan tasks both
 * read it (a Profile crosses threads in a ScanTask, src/core/tasks.ts); src/inputs/profiles/
 * profile-file.ts reads and checks one, docs/profiles.md documents the format and each shipped
 * profile.
 *
 * Vocabulary
 * - source field: a value of the real file, named by its header (delimited layouts) or by the
 *   profile (fixed-width layouts), e.g. 商户订单号.
 * - target column: one of recon's columns of the profile's side, e.g. order_no.
 * - kind column: the enum column that says what a record is, by which a column may be read from a
 *   field of its own (`from` by kind): txn_type (journal), record_type (clearing), status (payout:
 *   a payout file has no record type; a FAILED row may give its date in another field than a PAID one).
 * - platform id: a merchant number of the platform that wrote the file (WeChat 商户号, Alipay PID);
 *   it maps to merchant_id through the merchants file's `aliases` column.
 * - table: the lines that hold records, between what comes before (a title, `#` comments, a header)
 *   and after (a summary, footer comments).
 */
import { F_STATUS, F_TYPE, type Side } from './schema.js';

/** A side's kind column (see the vocabulary above): its name and its field. */
export function kindColumn(side: Side): { readonly name: string; readonly field: number } {
  if (side === 'journal') return { name: 'txn_type', field: F_TYPE };
  if (side === 'clearing') return { name: 'record_type', field: F_TYPE };
  return { name: 'status', field: F_STATUS };
}

export type Encoding = 'utf-8' | 'gbk';

/** Records as delimited text: fields split at `delimiter`, columns named by the header line. */
export interface DelimitedLayout {
  readonly kind: 'delimited';
  readonly delimiter: string;
  /**
   * Taken off the start of a value when it is there (WeChat writes a backtick before every value).
   * With a prefix, a delimiter separates values only when the prefix follows it, so a delimiter
   * inside a value (a product name with a comma) does not split it.
   */
  readonly prefix: string;
  /** Characters taken off both ends of a value (Alipay ends many values with a tab). */
  readonly trim: string;
}

/** Records as fixed-width bytes (in the file's encoding), fields one after the other. */
export interface FixedLayout {
  readonly kind: 'fixed';
  /** Bytes between two fields. */
  readonly separator: number;
  readonly fields: readonly { readonly name: string; readonly bytes: number }[];
  /** Characters taken off both ends of a value (fields are padded with spaces). */
  readonly trim: string;
  /** A record may be longer than its fields (a later revision's extra fields); never shorter. */
  readonly minBytes: number;
}

export type Layout = DelimitedLayout | FixedLayout;

/** Where a target column's value comes from, and how it is converted. */
export interface ColumnSource {
  /** Source fields, the first whose value is not in `none` wins; or one per record kind (kindColumn). */
  readonly from?: readonly string[] | Readonly<Record<string, string>>;
  /** A value for every record, from the lines before the table: the first capture group of the first line that matches. */
  readonly fromLine?: RegExp;
  /** Values that stand for "no value" (WeChat writes 0 for a sub-merchant it does not have). */
  readonly none: readonly string[];
  /** A constant, or a keyword for a date (`run-date`, `expected`). */
  readonly value?: string;
  /** `gross - fee` (net_minor only). */
  readonly derive?: 'gross - fee';
  /** Enum targets: source text → target name. */
  readonly map?: Readonly<Record<string, string>>;
  /** Amounts: decimal major units with up to this many places (more only when they are zeros). */
  readonly decimals?: number;
  /**
   * Amounts: a sign byte first, C (credit) or D (debit), and which of them is positive here (a fee
   * the merchant pays is a debit, its settlement a credit); a space stands before a zero.
   */
  readonly signByte?: 'C+' | 'D+';
  /** Amounts: the absolute value (refund rows that a file writes as negative). */
  readonly abs?: boolean;
  /** Times and dates: the pattern (YYYY MM DD hh mm ss and literal characters). */
  readonly pattern?: string;
  /** Times: the zone of a time written without one, minutes east of UTC. */
  readonly zone?: number;
  /** merchant_id: the value is a platform id, looked up in the merchants file's aliases. */
  readonly alias?: boolean;
}

/** A control total: a figure the file states about its records, checked against what was read. */
export interface Total {
  /** Where the figure is: the summary (`summary`: the line after the table's end line, named by it) or a line matching `line`. */
  readonly line?: RegExp;
  /** Rows counted or summed: all, or those whose source field holds the given value. */
  readonly where?: Readonly<Record<string, string>>;
  /** The figure holding the row count: a summary name or a capture group number. */
  readonly count?: string;
  /** Figure (summary name or capture group) → source field whose values it sums. */
  readonly sums: Readonly<Record<string, string>>;
  /** Decimal places of the summed values (major units). */
  readonly decimals: number;
}

export interface Profile {
  readonly name: string;
  readonly title: string;
  /** Where it was read from, for messages. */
  readonly file: string;
  readonly side: Side;
  readonly encoding: Encoding;
  readonly container: 'plain' | 'zip';
  /** container zip: the entry to read. */
  readonly zipEntry?: RegExp;
  /** The merchants file's alias namespace for this file's merchant ids. */
  readonly platform?: string;
  readonly lines: {
    /** Lines before the table (or before its header): each must match one of these. */
    readonly before: readonly RegExp[];
    /** Delimited layouts: the header line. */
    readonly header?: RegExp;
    /** The table ends before the first line that matches. */
    readonly end?: RegExp;
    /** Lines after the table's end line: each must match one of these. */
    readonly after: readonly RegExp[];
  };
  readonly layout: Layout;
  readonly columns: Readonly<Record<string, ColumnSource>>;
  readonly totals: readonly Total[];
  /**
   * The date the file is of, from a line before its table: a pattern whose three capture groups
   * are the year, month and day. A run refuses a file of another date than its own.
   */
  readonly fileDate?: RegExp;
}
