/**
 * `recon rejects --date D`: the rejected rows of run D (recon.rejected_row: file, line, column,
 * reason, and the raw text with card numbers masked), for an operator to fix the input; as CSV
 * (fast-csv, a text cell a spreadsheet would run as a formula gets a leading apostrophe) or JSON lines.
 */
import type { Writable } from 'node:stream';
import { UsageError } from '../core/usage-error.js';
import type { Store } from '../store/store.js';
import { csvWriter } from './csv-writer.js';
import { neutralizeFormula } from './exceptions-export.js';

export const REJECT_EXPORT_COLUMNS = ['file', 'line', 'column', 'reason', 'raw'] as const;

interface RejectRow {
  file: string;
  line: number;
  column: string | null;
  reason: string;
  raw: string;
}

export async function exportRejects(store: Store, date: string, fmt: 'csv' | 'json', out: Writable): Promise<number> {
  const run = await store.query('select 1 from recon.run where run_date = $1::date', [date]);
  if (run.length === 0) throw new UsageError(`no run for ${date} in the store`);
  const rows = await store.query<RejectRow>(
    `select f.path as file, r.line, r.column_name as column, r.reason, r.raw
       from recon.rejected_row r join recon.input_file f on f.run_date = r.run_date and f.file_no = r.file_no
      where r.run_date = $1::date order by r.file_no, r.line`,
    [date],
  );
  if (fmt === 'json') {
    for (const r of rows) out.write(`${JSON.stringify(r)}\n`);
    return rows.length;
  }
  const csv = csvWriter(REJECT_EXPORT_COLUMNS, out);
  for (const r of rows)
    await csv.write([neutralizeFormula(r.file), String(r.line), r.column ?? '', r.reason, neutralizeFormula(r.raw)]);
  await csv.end();
  return rows.length;
}
