/**
 * Rejected input rows (DESIGN §6 "Rejected input rows"): why a line of an input file was not taken.
 * Workers record a reason code, the file column and a detail number; the coordinator turns them into
 * the message stored in recon.rejected_row.
 */
import type { Utf8Column } from './batch.js';

export const R_FIELD_COUNT = 1;
export const R_EMPTY = 2;
export const R_LENGTH = 3;
export const R_CHARS = 4;
export const R_ENUM = 5;
export const R_NUMBER = 6;
export const R_NEGATIVE = 7;
export const R_DATE = 8;
export const R_TIMESTAMP = 9;
export const R_NO_OFFSET = 10;
export const R_QUOTE = 11;
export const R_EMBEDDED_NEWLINE = 12;
export const R_UTF8 = 13;
export const R_CURRENCY = 14;
export const R_RESPONSE = 15;
export const R_RANGE = 16;
/** Profiles (DESIGN §3.4): not a decimal amount of the profile's places (or a fraction of a minor unit). */
export const R_DECIMAL = 17;
/** Profiles: the platform's merchant id has no alias in the merchants file. */
export const R_NO_ALIAS = 18;
/** Profiles: a fixed-width record shorter than its fields. */
export const R_SHORT = 19;
/** Profiles: bytes that are not GBK in a GBK file. */
export const R_GBK = 20;
/** A line longer than MAX_LINE_BYTES: rejected without being read whole. */
export const R_LINE_TOO_LONG = 21;
/** Profiles: not a date or time in the profile's pattern for the field (docs/profiles.md). */
export const R_PATTERN = 22;

/**
 * Longest line read as a record, in bytes. A record is one line (DESIGN §3) of a few hundred bytes; a
 * line far longer is a damaged or hostile file, and reading it whole would cost its size in memory (a
 * line of 2 GiB once ended a run). Such a line is one rejected row, found by the planner (a line a
 * range's cut falls in: the range ends before it) or by the scan (a line inside a range).
 */
export const MAX_LINE_BYTES = 1 << 20;
/** Longest raw text kept for a rejected line, in bytes: a longer line is cut (its card numbers masked whole). */
export const MAX_RAW_BYTES = 4096;

/** Rejected rows of one scanned chunk, columnar. `column` is the file's column index or −1. */
export interface RejectBatch {
  length: number;
  line: Int32Array;
  column: Int32Array;
  reason: Uint8Array;
  detail: Int32Array;
  raw: Utf8Column;
}

export function describeReject(
  reason: number,
  detail: number,
  columnName: string | undefined,
  expectedFields: number,
): string {
  const col = columnName ? `column ${columnName}: ` : '';
  switch (reason) {
    case R_FIELD_COUNT:
      return `expected ${expectedFields} fields, found ${detail}`;
    case R_EMPTY:
      return `${col}required value is empty`;
    case R_LENGTH:
      return `${col}wrong length (${detail} characters)`;
    case R_CHARS:
      return `${col}invalid characters`;
    case R_ENUM:
      return `${col}unknown value`;
    case R_NUMBER:
      return `${col}not an integer`;
    case R_NEGATIVE:
      return `${col}negative amount`;
    case R_DATE:
      return `${col}not a valid date (YYYY-MM-DD)`;
    case R_TIMESTAMP:
      return `${col}not a valid ISO 8601 timestamp`;
    case R_NO_OFFSET:
      return `${col}timestamp has no UTC offset`;
    case R_PATTERN:
      return `${col}not a date or time in the profile's pattern`;
    case R_QUOTE:
      return `${col}malformed quoted field`;
    case R_EMBEDDED_NEWLINE:
      return `${col}line break inside a quoted field`;
    case R_UTF8:
      return 'invalid UTF-8';
    case R_CURRENCY:
      return `${col}not an ISO 4217 alpha code`;
    case R_RESPONSE:
      return `${col}response code must be 2 characters`;
    case R_RANGE:
      return `${col}value out of range`;
    case R_DECIMAL:
      return `${col}not a decimal amount in its places (or a fraction of a minor unit)`;
    case R_NO_ALIAS:
      return `${col}the merchant has no alias for this platform in the merchants file`;
    case R_SHORT:
      return `record of ${detail} bytes is shorter than its fields`;
    case R_GBK:
      return 'invalid GBK';
    case R_LINE_TOO_LONG:
      return `line too long (${detail} KiB; the limit is ${MAX_LINE_BYTES / 1024} KiB): not read`;
    default:
      return `rejected (reason ${reason})`;
  }
}
