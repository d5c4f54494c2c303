/**
 * A finding's keys as CSV fields of recon.exception (EXCEPTION_COLUMNS): written by the tasks'
 * encoders (workers/encode.ts) for findings on rows, and by the coordinator (src/run/journal-window.ts) for
 * findings on journal-window records.
 */
import type { RowBatch } from './batch.js';
import type { ByteWriter } from './byte-writer.js';
import { NO_STAN } from './packed.js';

/**
 * A finding's keys from row i of B: merchant_id, terminal_id, rrn, stan (given: a finding on a
 * window record takes the record's; empty for NO_STAN), order_no.
 */
export function writeKeys(w: ByteWriter, B: RowBatch, i: number, stan: number): void {
  w.digits(B.merchant_id[i]!, 15);
  w.comma();
  w.alnum(B.terminal_id[i]!);
  w.comma();
  w.alnum(B.rrn_hi[i]!);
  w.alnum(B.rrn_lo[i]!);
  w.comma();
  if (stan !== NO_STAN) w.digits(stan, 6);
  w.comma();
  const o = B.order_no;
  w.field(o.bytes, o.offsets[i]!, o.offsets[i + 1]!);
}
