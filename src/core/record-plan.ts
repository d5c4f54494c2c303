/**
 * The record plan: a profile (DESIGN §3.4) bound to one file, as the readers of its records use it
 * on any thread. planRecords (profile-record.ts) makes it; readRecord (profile-record.ts, the
 * interpreter that names the field and the reason) and the generated fast paths (profile-gen.ts:
 * StepsFn, RowFn) read with it.
 *
 * Vocabulary
 * - step: how one target column is filled: its source fields (or one per record type, or a
 *   constant) and the conversion of their bytes (Conversion).
 * - slots: the scanner's values a record is converted into (`vals`, and text ranges `ts`/`te`,
 *   indexed by field F_*; workers/scan-gen.ts).
 */
import type { ColumnDef } from './field-rules.js';
import type { AliasIndex } from './merchants.js';

/**
 * How a step converts a source field's text into its target column (profile-record.ts conversionOf).
 * Where a profile keeps the text as it stands (ids, text, card numbers, response codes, a currency
 * without a map), the target column's own rule reads it (field-rules.ts): the same rule as in
 * recon's layout.
 */
export type Conversion =
  /** The target column's rule (field-rules.ts readValue), on ASCII bytes only. */
  | { kind: 'rule'; rule: ColumnDef }
  /** Source names → the target's codes (an enum; a currency by its map); another name fails with `reason`. */
  | { kind: 'map'; names: Uint8Array[]; codes: number[]; reason: number }
  | { kind: 'time'; pattern: Token[]; zone: number }
  | { kind: 'date'; pattern: Token[] }
  /** A decimal in major units; `digits`: the most before its point (the target's rule). */
  | { kind: 'amount'; decimals: number; signByte: 0 | 1 | -1; abs: boolean; signed: boolean; digits: number }
  /** A platform's merchant id of at most `digits` digits, through the merchants file's aliases. */
  | { kind: 'alias'; digits: number };

/** A piece of a time pattern: a number of `n` digits into a slot, or a literal byte. */
export interface Token {
  slot: 'Y' | 'M' | 'D' | 'h' | 'm' | 's' | '';
  n: number;
  byte: number;
}

export interface Step {
  field: number;
  /** The target column's name, for messages. */
  target: string;
  /** Source field indexes, the first whose value is not a "none" wins; empty for a constant. */
  sources: Int32Array;
  /** Or, by the code of the record's kind (RecordPlan.kindField): the source field index, −1 for none. */
  byType: Int32Array | null;
  none: Uint8Array[];
  /** A constant value (when no source), or NaN. */
  constant: number;
  conv: Conversion | null;
  /** Required: an empty value rejects the record. */
  required: boolean;
  /** Read by record kind: an empty value of a listed kind rejects the record. */
  requiredListed: boolean;
  /** merchant_id from a line before the table whose platform number has no alias: every record is rejected. */
  noAlias: boolean;
}

export interface RecordPlan {
  readonly layout: 'delimited' | 'fixed';
  readonly gbk: boolean;
  /** Source fields a record has (delimited: the header's count). */
  readonly fieldCount: number;
  readonly delimiter: number;
  /** −1 for none. */
  readonly prefix: number;
  /** Per byte: 1 when trimmed off a value's ends. */
  readonly trim: Uint8Array;
  /** Fixed-width: each field's first byte and length. */
  readonly at: Int32Array;
  readonly len: Int32Array;
  readonly minBytes: number;
  readonly steps: readonly Step[];
  /**
   * The field of the record's kind (profile.ts kindColumn: F_TYPE for a journal's or a clearing
   * file's record type, F_STATUS for a payout's status), which steps read `byType` choose by; its
   * step comes first.
   */
  readonly kindField: number;
  /** settle_date is the expected settle date under the merchant's cycle: the scanner sets it. */
  readonly settleExpected: boolean;
  /** net_minor = gross − fee. */
  readonly deriveNet: boolean;
  /** Source field names by index, for messages. */
  readonly fieldNames: readonly string[];
  /** Per-record scratch: each source field's value range. */
  readonly fs: Int32Array;
  readonly fe: Int32Array;
  /** The last reject's detail: the field count, a length in bytes. */
  readonly detail: Int32Array;
  /** 1 when the last record was split into its fields (whether or not it was then taken). */
  readonly split: Uint8Array;
  /** The profile's control totals, as what each record adds to them (addTotals). */
  readonly totals: readonly TotalPlan[];
  /**
   * Slots of a chunk's totals: per total, its count and then its sums (TotalPlan.at); then as many
   * again, each 1 when a record could not be added to that figure (its fields did not split, or its
   * value is not an amount), so that the file's figure cannot be checked exactly.
   */
  readonly totalSlots: number;
  /** The generated fast path of the steps (profile-gen.ts); null until planRecords makes it. */
  fast: StepsFn | null;
  /** The one-pass reader of a delimited layout's records (profile-gen.ts compileRow); null for fixed widths. */
  row: RowFn | null;
}

/** What one control total adds up over the records (DESIGN §3.4 "control totals"). */
export interface TotalPlan {
  /** First slot of this total in the chunk's totals: [count, sum…]. */
  readonly at: number;
  /** Rows counted and summed: those whose source field `whereField` holds `whereValue` (−1: all). */
  readonly whereField: number;
  readonly whereValue: Uint8Array;
  /** Source fields summed, in the order of Total.sums. */
  readonly sumFields: Int32Array;
  readonly decimals: number;
}

/** Converts the record whose fields are plan.fs/fe; false when the interpreter must read it. */
export type StepsFn = (
  B: Uint8Array,
  fs: Int32Array,
  fe: Int32Array,
  vals: Float64Array,
  ts: Int32Array,
  te: Int32Array,
) => boolean;

/**
 * One record of a delimited layout read in one pass: returns the offset after the record's line
 * end, or −1 when the interpreter must read it. `acc` gets what the record adds to the control
 * totals (only when the record is taken). The record's line end must lie before the end of `B`.
 */
export type RowFn = (
  B: Uint8Array,
  s: number,
  vals: Float64Array,
  ts: Int32Array,
  te: Int32Array,
  acc: Float64Array,
  aliases: AliasIndex,
) => number;
