/**
 * What the scan stage makes of its results, file by file: the scan numbers lines from the start of
 * its byte range, so each chunk's first line in its file comes from the lines of the chunks before
 * it; the rows and rejected rows of every file; the rejected rows as CSV for recon.rejected_row;
 * and the --max-rejects check.
 */
import { ByteWriter } from '../core/byte-writer.js';
import { describeReject, type RejectBatch } from '../core/reject.js';
import type { ScanResult } from '../core/tasks.js';
import { InputError } from '../inputs/errors.js';
import type { FilledRunOptions } from './options.js';
import type { FilePlan } from './plan-file.js';

export interface ScannedLines {
  /** The first line of each chunk in its file (the join adds it to the chunk's line numbers). */
  readonly lineBase: ReadonlyMap<number, number>;
  /** Accepted and rejected data rows of each file. */
  readonly fileRows: ReadonlyMap<FilePlan, { rows: number; rejected: number }>;
  /** The rejected rows, CSV in REJECTED_COLUMNS order. */
  readonly rejectCsv: ByteWriter;
  readonly rejected: number;
  /** Data rows read from the files: accepted + rejected. */
  readonly rowsIn: number;
  /** Card numbers in pan_masked that showed more than the first 6 and last 4 digits, masked on ingest. */
  readonly panMasked: number;
  /** The first rejected row, as the --max-rejects message quotes it. */
  readonly firstReject: string | undefined;
}

export function numberLines(
  date: string,
  plans: readonly FilePlan[],
  chunksOf: ReadonlyMap<FilePlan, readonly number[]>,
  results: ReadonlyMap<number, ScanResult>,
): ScannedLines {
  const fileRows = new Map<FilePlan, { rows: number; rejected: number }>();
  const rejectCsv = new ByteWriter(1 << 12);
  let rejectedTotal = 0;
  let acceptedTotal = 0;
  let panMasked = 0;
  let firstRejectText: string | undefined;
  const lineBase = new Map<number, number>();
  for (const plan of plans) {
    let base = plan.profile?.firstLine ?? 2; // line 1 is the header (a profile's table may start later)
    let rows = 0;
    let rejected = 0;
    for (const id of chunksOf.get(plan)!) {
      const r = results.get(id)!;
      lineBase.set(id, base);
      if (r.rejects.length > 0) {
        rejectsToCsv(rejectCsv, date, plan, r.rejects, base);
        firstRejectText ??= firstReject(plan, r.rejects, base);
      }
      base += r.lines;
      rows += r.rows;
      rejected += r.rejects.length;
      panMasked += r.panMasked;
    }
    fileRows.set(plan, { rows, rejected });
    rejectedTotal += rejected;
    acceptedTotal += rows;
  }
  return {
    lineBase,
    fileRows,
    rejectCsv,
    rejected: rejectedTotal,
    rowsIn: acceptedTotal + rejectedTotal,
    panMasked,
    firstReject: firstRejectText,
  };
}

/** Fails the run when its rejected rows exceed --max-rejects (a count, or a share of the rows). */
export function checkRejectLimit(options: FilledRunOptions, lines: ScannedLines): void {
  const { rejected, rowsIn } = lines;
  const limit = options.maxRejects;
  if ('count' in limit ? rejected > limit.count : rejected * 100 > limit.percent * rowsIn) {
    throw new InputError(
      undefined,
      `too many rejected rows: ${rejected} of ${rowsIn} (${((rejected * 100) / Math.max(rowsIn, 1)).toFixed(2)}%) exceed --max-rejects ${options.maxRejectsText}; first: ${lines.firstReject}`,
    );
  }
}

function rejectsToCsv(w: ByteWriter, date: string, plan: FilePlan, r: RejectBatch, lineBase: number): void {
  // A GBK file's rejected lines are stored as text: decoded from GBK (a bad byte becomes U+FFFD).
  const dec = new TextDecoder(plan.profile?.profile.encoding === 'gbk' ? 'gbk' : 'utf-8');
  const enc = new TextEncoder();
  const field = (s: string): void => {
    const b = enc.encode(s);
    w.field(b, 0, b.length);
  };
  for (let i = 0; i < r.length; i++) {
    const col = r.column[i]!;
    const name = col >= 0 ? plan.columns.names[col] : undefined;
    // Invalid UTF-8 becomes U+FFFD; NUL, which PostgreSQL text cannot hold, becomes U+2400 (␀).
    const raw = dec
      .decode(r.raw.bytes.subarray(r.raw.offsets[i]!, r.raw.offsets[i + 1]!))
      .replaceAll('\u0000', '\u2400');
    field(date);
    w.comma();
    w.int(plan.fileNo);
    w.comma();
    w.int(lineBase + r.line[i]!);
    w.comma();
    if (name) field(name);
    w.comma();
    field(describeReject(r.reason[i]!, r.detail[i]!, undefined, plan.columns.names.length));
    w.comma();
    // Always quoted: an empty raw text must not read as NULL.
    w.byte(34);
    const b = enc.encode(raw.replace(/"/g, '""'));
    w.raw(b);
    w.byte(34);
    w.newline();
  }
}

function firstReject(plan: FilePlan, r: RejectBatch, lineBase: number): string {
  const col = r.column[0]!;
  const name = col >= 0 ? plan.columns.names[col] : undefined;
  return `${plan.shown}, line ${lineBase + r.line[0]!}${name ? `, column ${name}` : ''}: ${describeReject(r.reason[0]!, r.detail[0]!, undefined, plan.columns.names.length)}`;
}
