/** Scanning a file in-process the way a run does (plan → scan tasks), for scanner tests. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseString } from 'fast-csv';
import { allocExtras, appendExtras, concatBatches, type ExtraColumns, type RowBatch } from '../../src/core/batch.js';
import { CHANNEL_NAMES, STATUS_NAMES, TYPE_NAMES } from '../../src/core/codes.js';
import { formatIsoDate, parseIsoDate } from '../../src/core/dates.js';
import { getI64 } from '../../src/core/int64.js';
import { emptyMerchants } from '../../src/core/merchants.js';
import { alnumText, digitsText, rrnText } from '../../src/core/packed.js';
import { describeReject } from '../../src/core/reject.js';
import type { Side } from '../../src/core/schema.js';
import type { ScanResult } from '../../src/core/tasks.js';
import { strAt } from '../../src/core/utf8.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { planFile } from '../../src/run/plan-file.js';
import { scan } from '../../workers/scan.js';
import { tempDir } from './chain.js';

export interface Scanned {
  batch: RowBatch;
  /** The columns batches do not carry, row by row (the scan's `extras`). */
  extras: ExtraColumns;
  results: ScanResult[];
  /** Rejected lines: { line, column, reason } in file order. */
  rejects: { line: number; column: string | undefined; reason: string; raw: string }[];
  names: readonly string[];
  /** The file's header as fields (F_*), column by column. */
  fields: readonly number[];
}

export function writeTemp(name: string, content: string | Uint8Array): string {
  const p = join(tempDir('scan'), name);
  writeFileSync(p, content);
  return p;
}

/** Plans and scans a file into one partition, chunk by chunk, like a run (no pool). */
export function scanFile(path: string, side: Side, chunkBytes = 8 << 20): Scanned {
  const plan = planFile(path, side, 1, chunkBytes);
  const calendar = loadCalendar(undefined).spec;
  const task = (start: number, end: number, chunk: number): ScanResult =>
    scan({
      chunk,
      side,
      fields: plan.columns.fields,
      state: false,
      fileNo: 1,
      runDay: parseIsoDate('2026-11-20'),
      partitions: 1,
      grace: 1,
      calendar,
      merchants: emptyMerchants(),
      source: { path: plan.path, start, end },
      extras: true,
    });
  const results = plan.chunks.map((c, i) => task(c.start, c.end, i));
  const bases: number[] = [];
  let base = 2;
  for (const r of results) {
    bases.push(base);
    base += r.lines;
  }
  const batch = concatBatches(
    results.map((r) => r.batches[0]!),
    bases,
  );
  const rejects = results.flatMap((r, k) =>
    Array.from({ length: r.rejects.length }, (_, i) => ({
      line: bases[k]! + r.rejects.line[i]!,
      column: r.rejects.column[i]! >= 0 ? plan.columns.names[r.rejects.column[i]!] : undefined,
      reason: describeReject(r.rejects.reason[i]!, r.rejects.detail[i]!, undefined, plan.columns.names.length),
      raw: new TextDecoder().decode(
        r.rejects.raw.bytes.subarray(r.rejects.raw.offsets[i]!, r.rejects.raw.offsets[i + 1]!),
      ),
    })),
  );
  const extras = allocExtras(batch.length);
  for (const r of results) appendExtras(extras, r.extras!);
  return { batch, extras, results, rejects, names: plan.columns.names, fields: plan.columns.fields };
}

/**
 * A scanned row as the strings of its file columns (numbers and times in canonical form); the
 * columns a batch does not carry from entry `i` of `x`.
 */
export function rowStrings(b: RowBatch, i: number, names: readonly string[], x: ExtraColumns): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    switch (name) {
      case 'txn_type':
      case 'record_type':
        out[name] = TYPE_NAMES[b.type[i]!]!;
        break;
      case 'channel':
        out[name] = CHANNEL_NAMES[b.channel[i]!]!;
        break;
      case 'status':
        out[name] = STATUS_NAMES[b.status[i]!]!;
        break;
      case 'response_code':
        out[name] = String.fromCharCode(b.response[i]! >> 8, b.response[i]! & 0xff);
        break;
      case 'currency':
        out[name] = String.fromCharCode(
          (x.currency[i]! >> 16) & 0xff,
          (x.currency[i]! >> 8) & 0xff,
          x.currency[i]! & 0xff,
        );
        break;
      case 'txn_time':
        out[name] = String(getI64(b.txn_time, i));
        break;
      case 'amount_minor':
      case 'gross_minor':
        out[name] = String(getI64(b.amount, i));
        break;
      case 'fee_minor':
        out[name] = String(getI64(b.fee, i));
        break;
      case 'net_minor':
        out[name] = String(getI64(x.net, i));
        break;
      case 'clearing_date':
        out[name] = formatIsoDate(x.clearing_date[i]!);
        break;
      case 'settle_date':
        out[name] = formatIsoDate(b.settle_date[i]!);
        break;
      case 'merchant_id':
        out[name] = digitsText(b.merchant_id[i]!, 15);
        break;
      case 'terminal_id':
        out[name] = alnumText(b.terminal_id[i]!);
        break;
      case 'batch_no':
        out[name] = digitsText(x.batch_no[i]!, 6);
        break;
      case 'stan':
        out[name] = digitsText(b.stan[i]!, 6);
        break;
      case 'rrn':
        out[name] = rrnText(b.rrn_hi[i]!, b.rrn_lo[i]!);
        break;
      case 'auth_code':
        out[name] = alnumText(b.auth_code[i]!);
        break;
      case 'pan_masked':
        out[name] = strAt(x.pan_masked, i);
        break;
      default:
        out[name] = strAt(b[name as 'order_no'], i);
    }
  }
  return out;
}

/** The same canonical strings from a fast-csv row object. */
export function canonical(row: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === 'txn_time') out[k] = String(Date.parse(v));
    else if (k.endsWith('_minor')) out[k] = String(Number(v));
    else out[k] = v;
  }
  return out;
}

/** fast-csv's reading of a file: header row, blank lines skipped, BOM dropped from the header. */
export function fastCsvRows(text: string): Promise<Record<string, string>[]> {
  return new Promise((resolve, reject) => {
    const rows: Record<string, string>[] = [];
    parseString<Record<string, string>, Record<string, string>>(text, {
      headers: (h) => h.map((x) => (x ?? '').replace(/^\uFEFF/, '')),
      ignoreEmpty: true,
    })
      .on('error', reject)
      .on('data', (r: Record<string, string>) => rows.push(r))
      .on('end', () => resolve(rows));
  });
}
