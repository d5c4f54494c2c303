/**
 * `recon exceptions`: the findings raised by run D, with their current status (DESIGN §6.1 rule 13),
 * in the §8 CSV columns (written with fast-csv) or as JSON lines, filtered by kind, status, merchant
 * and amount at stake. The export streams: rows come from a cursor a page at a time and are written
 * with backpressure, so a million findings export in bounded memory.
 */

import type { Writable } from 'node:stream';
import { KIND_NAMES } from '../core/codes.js';
import { formatZone } from '../core/dates.js';
import {
  EXPORT_COLUMNS,
  type ExportColumn,
  type ExportedFinding,
  exportedAs,
  FINDING_COLUMNS,
  type FindingColumn,
} from '../core/finding-columns.js';
import { UsageError } from '../core/usage-error.js';
import type { Store } from '../store/store.js';
import { csvWriter, drained } from './csv-writer.js';

export { EXPORT_COLUMNS };
export type ExportRow = ExportedFinding;

/** The stored columns each export column shows (one, or a source's run, file and line). */
const SHOWN = new Map<ExportColumn, FindingColumn[]>(EXPORT_COLUMNS.map((e) => [e, []]));
for (const c of FINDING_COLUMNS as readonly FindingColumn[]) {
  const e = exportedAs(c) as ExportColumn | undefined;
  if (e) SHOWN.get(e)!.push(c);
}

/** Columns of numbers recon formats itself (minor units, counts); the others carry text from the inputs. */
export function numeric(c: ExportColumn): boolean {
  const t = SHOWN.get(c)![0]!.type;
  return t === 'integer' || t === 'bigint';
}

/**
 * The select list and joins that make the export columns (but `omit`) from recon.exception e: a value as text,
 * '' for NULL; txn_time in the run's zone ($2 minutes, written with its offset $3); a source row
 * as the path of its input file and its line.
 */
export function exportSelect(omit: readonly ExportColumn[] = []): { columns: string; joins: string } {
  const columns: string[] = [];
  const joins: string[] = [];
  for (const [name, shown] of SHOWN) {
    if (omit.includes(name)) continue;
    let v: string;
    if (shown.length === 3) {
      const [run, file, line] = shown as [FindingColumn, FindingColumn, FindingColumn];
      const f = `${run.name[0]}f`;
      joins.push(`left join recon.input_file ${f} on ${f}.run_date = e.${run.name} and ${f}.file_no = e.${file.name}`);
      v = `${f}.path || ':' || e.${line.name}`;
    } else {
      const c = shown[0]!;
      if (c.type === 'timestamptz')
        v = `to_char(e.${c.name} at time zone 'UTC' + make_interval(mins => $2::int), 'YYYY-MM-DD"T"HH24:MI:SS') || $3::text`;
      else v = c.type === 'text' ? `e.${c.name}` : `e.${c.name}::text`;
      if (!c.nullable) {
        columns.push(`${v} as ${name}`);
        continue;
      }
    }
    columns.push(`coalesce(${v}, '') as ${name}`);
  }
  return { columns: columns.join(',\n            '), joins: joins.join('\n       ') };
}

/**
 * The export columns as a select list over recon.exception e with its joins: $2 is the zone offset in
 * minutes txn_time is shown in, $3 that offset as text ("+08:00"). The work queue (cases/queue.ts)
 * shows a case's finding with the same columns.
 */
export const EXPORT_SELECT = exportSelect();

/**
 * A text cell that a spreadsheet would take for a formula (it starts with = + - @, a tab or a
 * carriage return) gets a leading apostrophe, which spreadsheets show as text (the OWASP rule
 * against CSV injection): an order number such as `=HYPERLINK(…)` from a terminal must not run when
 * an operator opens the export. Numbers recon writes itself are left alone; `--format json` keeps
 * every value as it is.
 */
export function neutralizeFormula(v: string): string {
  return v.length > 0 && '=+-@\t\r'.includes(v[0]!) ? `'${v}` : v;
}

export interface ExportFilter {
  date: string;
  kinds?: readonly string[];
  status?: 'open' | 'resolved';
  merchants?: readonly string[];
  /** Only findings whose amount at stake is at least this many minor units. */
  minAmount?: number;
}

/** Rows fetched from the cursor at a time (1M findings export in ~250 MB with the embedded store). */
const PAGE_ROWS = 1000;

/** The zone offset run D used, for showing txn_time in local time. */
async function runZone(store: Store, date: string): Promise<number> {
  const rows = await store.query<{ zone: number | null }>(
    `select (options->>'zoneOffsetMinutes')::int as zone from recon.run where run_date = $1::date`,
    [date],
  );
  if (rows.length === 0) {
    const range = await store.query<{ first: string | null; last: string | null }>(
      'select min(run_date)::text as first, max(run_date)::text as last from recon.run',
    );
    const r = range[0];
    throw new UsageError(
      `no run for ${date} in the store${r?.first ? ` (runs: ${r.first}..${r.last})` : ' (no runs yet)'}`,
    );
  }
  return rows[0]!.zone ?? 480;
}

/** The filters of findings (the export's, the work queue's) checked, each failure naming its flag. */
export function checkFindingFilter(f: Pick<ExportFilter, 'kinds' | 'merchants' | 'minAmount'>): void {
  for (const k of f.kinds ?? [])
    if (!(KIND_NAMES as readonly string[]).includes(k))
      throw new UsageError(`--kind ${k} is not an exception kind (${KIND_NAMES.join(', ')})`);
  for (const m of f.merchants ?? [])
    if (!/^\d{15}$/.test(m)) throw new UsageError(`--merchant ${m} is not a merchant id (15 digits)`);
  if (f.minAmount !== undefined && !(Number.isSafeInteger(f.minAmount) && f.minAmount >= 0))
    throw new UsageError(`--min-amount must be a whole number of minor units ≥ 0`);
}

/** The export query of a filter, with its parameters. */
async function exportQuery(store: Store, f: ExportFilter): Promise<{ sql: string; params: unknown[] }> {
  checkFindingFilter(f);
  const zone = await runZone(store, f.date);
  const offset = formatZone(zone);
  const sql = `select ${EXPORT_SELECT.columns}
       from recon.exception e
       ${EXPORT_SELECT.joins}
      where e.raised_on = $1::date
        and ($4::text[] is null or e.kind = any($4::text[]))
        and ($5::text is null or e.status = $5::text)
        and ($6::text[] is null or e.merchant_id = any($6::text[]))
        and ($7::bigint is null or e.amount_at_stake >= $7::bigint)
      order by e.kind, e.merchant_id, e.terminal_id, e.txn_time, e.s_run, e.s_file, e.s_line`;
  const params = [
    f.date,
    zone,
    offset,
    f.kinds && f.kinds.length > 0 ? f.kinds : null,
    f.status ?? null,
    f.merchants && f.merchants.length > 0 ? f.merchants : null,
    f.minAmount ?? null,
  ];
  return { sql, params };
}

/** Every finding the filter selects, in memory (tests and small lists; the CLI streams). */
export async function queryExceptions(store: Store, f: ExportFilter): Promise<ExportRow[]> {
  const { sql, params } = await exportQuery(store, f);
  return store.query<ExportRow>(sql, params);
}

/** Streams the findings the filter selects to `out`, `pageRows` at a time; returns how many were written. */
export async function exportExceptions(
  store: Store,
  f: ExportFilter,
  fmt: 'csv' | 'json',
  out: Writable,
  pageRows = PAGE_ROWS,
): Promise<number> {
  const { sql, params } = await exportQuery(store, f);
  const writer = exportWriter(fmt, out);
  const size = Math.max(1, Math.floor(pageRows));
  let n = 0;
  await store.transaction(async (tx) => {
    await tx.query(`declare recon_export no scroll cursor for ${sql}`, params);
    for (;;) {
      const page = await tx.query<ExportRow>(`fetch ${size} from recon_export`);
      for (const r of page) await writer.write(r);
      n += page.length;
      if (page.length < size) break;
    }
    await tx.exec('close recon_export');
  });
  await writer.end();
  return n;
}

interface ExportWriter {
  write(r: ExportRow): Promise<void>;
  end(): Promise<void>;
}

function exportWriter(fmt: 'csv' | 'json', out: Writable): ExportWriter {
  if (fmt === 'json') {
    return {
      async write(r) {
        const o: Record<string, string | number | null> = {};
        for (const c of EXPORT_COLUMNS) {
          const v = r[c];
          o[c] = numeric(c) ? (v === '' ? null : Number(v)) : v === '' ? null : v;
        }
        if (!out.write(`${JSON.stringify(o)}\n`)) await drained(out);
      },
      async end() {},
    };
  }
  const csv = csvWriter(EXPORT_COLUMNS, out);
  return {
    write: (r) => csv.write(EXPORT_COLUMNS.map((c) => (numeric(c) ? r[c] : neutralizeFormula(r[c])))),
    end: () => csv.end(),
  };
}
