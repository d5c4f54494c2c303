/** Running generated chains through the engine in-process, and reading back what it found. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { type GenSummary, generate, TRUTH_COLUMNS } from '../../data-gen/generate.js';
import { formatIsoDate, parseIsoDate } from '../../src/core/dates.js';
import { parseSmallCsv } from '../../src/core/small-csv.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { dataDirFiles } from '../../src/inputs/data-dir.js';
import { queryExceptions } from '../../src/reports/exceptions-export.js';
import { fillRunOptions, type RunOptions } from '../../src/run/options.js';
import type { Pool } from '../../src/run/pool.js';
import { runDay } from '../../src/run/run-day.js';
import type { RunSummary } from '../../src/run/summary.js';
import type { Store } from '../../src/store/store.js';

/** A new temporary directory inside the test run's directory (removed after the run). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(inject('testRoot'), `${prefix}-`));
}

export function generateChain(
  start: string,
  days: number,
  rows: number,
  seed: number,
  calendar?: string,
): { dir: string; gen: GenSummary } {
  const dir = tempDir(`gen-${seed}`);
  const gen = generate({ date: start, days, rows, seed, out: dir, calendar: loadCalendar(calendar).spec });
  return { dir, gen };
}

export function datesFrom(start: string, days: number): string[] {
  const s = parseIsoDate(start);
  return Array.from({ length: days }, (_, i) => formatIsoDate(s + i));
}

/** Small chunks and several partitions so that tests cross chunk cuts and partitions. */
export const TEST_ENGINE: Partial<RunOptions> = { workers: 2, partitions: 5, chunkBytes: 64 * 1024 };

export async function runDate(
  store: Store,
  dir: string,
  date: string,
  pool: Pool,
  extra: Partial<RunOptions> = {},
): Promise<RunSummary> {
  const f = dataDirFiles(dir, date);
  return runDay(
    store,
    fillRunOptions({
      ...TEST_ENGINE,
      date,
      journal: f.journal,
      clearing: f.clearing,
      merchants: f.merchants,
      ...extra,
    }),
    { pool },
  );
}

/** The truth columns of every finding raised by the given runs, as sorted CSV-ish lines. */
export async function foundLines(store: Store, dates: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of dates) {
    for (const r of await queryExceptions(store, { date: d })) {
      out.push(TRUTH_COLUMNS.map((c) => (r as Record<string, string>)[c]).join(','));
    }
  }
  return out.sort();
}

export function truthLines(dir: string): string[] {
  const records = parseSmallCsv(readFileSync(join(dir, 'truth.csv'), 'utf8'));
  const header = records.shift()!.fields;
  return records.map((r) => TRUTH_COLUMNS.map((c) => r.fields[header.indexOf(c)]).join(',')).sort();
}

/** A table's rows as sorted JSON lines (for store-identity comparisons). */
/**
 * A table's rows as JSON lines in `orderBy` order. `timeless`: leave out the columns that hold the
 * wall-clock time of a change (TIME_COLUMNS), to compare the stores of two runs made at different times.
 */
export async function tableSnapshot(store: Store, table: string, orderBy: string, timeless = false): Promise<string[]> {
  const rows = await store.query(`select * from ${table} order by ${orderBy}`);
  const drop = timeless ? (TIME_COLUMNS[table] ?? []) : [];
  return rows.map((r) =>
    JSON.stringify(r, (k, v) =>
      drop.includes(k)
        ? undefined
        : typeof v === 'bigint'
          ? v.toString()
          : v instanceof Date
            ? v.toISOString()
            : byteaHex(v),
    ),
  );
}

/**
 * bytea (window pages) as hex, not as an object of one key per byte: a Uint8Array from PGlite, a
 * Buffer's toJSON ({type: 'Buffer', data}) from pg. Anything else as it is.
 */
function byteaHex(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  const b = v as { type?: unknown; data?: unknown } | null;
  if (b !== null && typeof b === 'object' && b.type === 'Buffer' && Array.isArray(b.data))
    return Buffer.from(b.data as number[]).toString('hex');
  return v;
}

/** Columns that hold when a change was made (an event's time, and the hashes that chain it). */
const TIME_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  'recon.case': ['updated_at'],
  'recon.case_event': ['at', 'prev_hash', 'hash'],
};

/** The tables a run writes (besides recon.run), with the order that makes their snapshots comparable. */
export const RUN_TABLES: readonly (readonly [string, string])[] = [
  ['recon.exception', 'kind, s_side, s_run, s_file, s_line'],
  ['recon.exception_change', 'run_date, kind, s_side, s_run, s_file, s_line'],
  ['recon.open_item', 'side, src_run, src_file, src_line, created_by'],
  ['recon.window_segment', 'created_by, business_date, part, producer'],
  ['recon.window_page', 'created_by, business_date, part, producer, chunk'],
  ['recon.window_credit', 'j_run, j_file, j_line'],
  ['recon.rejected_row', 'run_date, file_no, line'],
  ['recon.input_file', 'run_date, file_no'],
  // The cases the runs opened and their audit trail: reruns and replays leave both as they were.
  ['recon.case', 'finding_id'],
  ['recon.case_event', 'seq'],
];
