/**
 * The work queue (DESIGN §10 `recon cases`, §11 the console's queue): cases across dates, filtered
 * by state, owner, kind, merchant, overdue, orphaned and amount at stake, in the order people work
 * them (due date, then id), each with its finding as `recon exceptions` shows it. Read a page at a
 * time by keyset (after the last row's due date and id), so a queue of a million cases answers its
 * first page from the index (recon.case case_queue / case_kind_queue) without sorting the rest.
 */

import type { Writable } from 'node:stream';
import { formatZone } from '../core/dates.js';
import type { ExportColumn } from '../core/finding-columns.js';
import { printable } from '../core/printable.js';
import { UsageError } from '../core/usage-error.js';
import { csvWriter, drained } from '../reports/csv-writer.js';
import {
  checkFindingFilter,
  EXPORT_COLUMNS,
  type ExportRow,
  exportSelect,
  neutralizeFormula,
  numeric,
} from '../reports/exceptions-export.js';
import type { Store } from '../store/store.js';
import { type CaseState, STATES } from './case-states.js';

export interface QueueFilter {
  readonly states?: readonly string[];
  readonly owner?: string;
  readonly kinds?: readonly string[];
  readonly merchants?: readonly string[];
  /** Only cases past their due date and not closed, as of `today`. */
  readonly overdue?: boolean;
  readonly orphaned?: boolean;
  /** Only cases whose finding has at least this much at stake, in minor units. */
  readonly minAmount?: number;
  /** Finding ids (the console's selection, a CLI action's ids). */
  readonly ids?: readonly string[];
}

/** The columns of a queue row: the case, then its finding's export columns (id first, once). */
export const CASE_COLUMNS = ['state', 'owner', 'due_on', 'reason'] as const;
export type QueueRow = ExportRow &
  Record<(typeof CASE_COLUMNS)[number], string> & { amount_at_stake: string; orphaned: boolean; overdue: boolean };

/** Where a page starts: after this case, in the queue's order. */
export interface QueueCursor {
  readonly dueOn: string;
  readonly id: string;
}

/**
 * The queue's order: by due date, then id — the earliest due first (how people work it), or the
 * latest first (what came in last). Both read the same indexes, forwards or backwards.
 */
export type QueueOrder = 'due' | 'due_desc';

export function checkFilter(f: QueueFilter): void {
  for (const s of f.states ?? [])
    if (!(STATES as readonly string[]).includes(s))
      throw new UsageError(`--state must be one of ${STATES.join(', ')} (got ${JSON.stringify(s)})`);
  checkFindingFilter(f);
}

/** Whether a filter selects anything less than every case (an action without ids needs one). */
export function hasFilter(f: QueueFilter): boolean {
  return (
    (f.states?.length ?? 0) > 0 ||
    f.owner !== undefined ||
    (f.kinds?.length ?? 0) > 0 ||
    (f.merchants?.length ?? 0) > 0 ||
    f.overdue === true ||
    f.orphaned === true ||
    f.minAmount !== undefined
  );
}

/** The zone of the latest run, in which dates are shown (and "today" is counted); UTC with no run. */
export async function storeZone(store: Store): Promise<number> {
  const rows = await store.query<{ zone: number | null }>(
    `select (options->>'zoneOffsetMinutes')::int as zone from recon.run order by run_date desc limit 1`,
  );
  return rows[0]?.zone ?? 0;
}

/** Today's date in a zone (minutes east of UTC), YYYY-MM-DD. */
export function todayIn(zone: number, now = new Date()): string {
  return new Date(now.getTime() + zone * 60_000).toISOString().slice(0, 10);
}

/**
 * The queue's query: rows after `cursor` (none: from the start), at most `limit` (none: all), with
 * the parameters it takes. `today` (YYYY-MM-DD) is what --overdue counts from.
 */
/** The finding's export columns but its id (the case's comes first). */
const SHOWN_SELECT = exportSelect(['id']);

export function queueQuery(
  f: QueueFilter,
  zone: number,
  today: string,
  cursor?: QueueCursor,
  limit?: number,
  order: QueueOrder = 'due',
): { sql: string; params: unknown[] } {
  checkFilter(f);
  const desc = order === 'due_desc';
  // $1 today, $2 and $3 the zone the export's select list shows times in (exportSelect).
  const params: unknown[] = [today, zone, formatZone(zone)];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  // One value is an equality, so that an index on (kind, state, due_on, finding_id) hands the rows
  // over in the queue's order (an = any(array) leaves the planner to sort them all first).
  const oneOf = (column: string, values: readonly string[]): string =>
    values.length === 1 ? `${column} = ${p(values[0])}` : `${column} = any(${p([...values])}::text[])`;
  if (f.states?.length) where.push(oneOf('c.state', f.states));
  if (f.owner !== undefined) where.push(`c.owner = ${p(f.owner)}`);
  if (f.kinds?.length) where.push(oneOf('c.kind', f.kinds));
  if (f.merchants?.length) where.push(oneOf('c.merchant_id', f.merchants));
  if (f.overdue) where.push(`c.due_on < $1::date and c.state <> 'closed'`);
  if (f.orphaned) where.push('c.orphaned');
  if (f.minAmount !== undefined) where.push(`e.amount_at_stake >= ${p(f.minAmount)}::bigint`);
  if (f.ids?.length) where.push(`c.finding_id = any(${p([...f.ids])}::text[])`);
  if (cursor)
    where.push(`(c.due_on, c.finding_id) ${desc ? '<' : '>'} (${p(cursor.dueOn)}::date, ${p(cursor.id)}::text)`);
  const sql = `select c.finding_id as id, c.state, coalesce(c.owner, '') as owner, c.due_on::text as due_on,
         c.due_on < $1::date and c.state <> 'closed' as overdue,
         coalesce(c.reason, '') as reason, coalesce(e.amount_at_stake::text, '') as amount_at_stake,
         c.kind as case_kind, c.merchant_id as case_merchant, c.orphaned,
         ${SHOWN_SELECT.columns}
    from recon.case c
    left join recon.exception e on e.id = c.finding_id
    ${SHOWN_SELECT.joins}
   ${where.length ? `where ${where.join(' and ')}` : ''}
   order by ${desc ? 'c.due_on desc, c.finding_id desc' : 'c.due_on, c.finding_id'}
   ${limit !== undefined ? `limit ${Math.max(1, Math.floor(limit))}` : ''}`;
  return { sql, params };
}

/** The export columns a queue row shows after the case's own (the id comes first, once). */
export const FINDING_COLUMNS_SHOWN = EXPORT_COLUMNS.filter((c) => c !== 'id');

/** One page of the queue (the console; the CLI streams the whole of it). */
export async function queuePage(
  store: Store,
  f: QueueFilter,
  today: string,
  cursor: QueueCursor | undefined,
  limit: number,
  order: QueueOrder = 'due',
): Promise<QueueRow[]> {
  const zone = await storeZone(store);
  const { sql, params } = queueQuery(f, zone, today, cursor, limit, order);
  return (await store.query<QueueRow>(sql, params)).map(orphanKeys);
}

/**
 * An orphaned case's row has no finding to show (a rerun no longer raises it): its kind and merchant
 * come from the case, the rest is empty.
 */
export function orphanKeys(r: QueueRow & { case_kind?: string; case_merchant?: string }): QueueRow {
  const { case_kind, case_merchant, ...row } = r;
  if (!row.orphaned && row.kind !== null) return row as QueueRow;
  const out: Record<string, unknown> = { ...row };
  for (const c of FINDING_COLUMNS_SHOWN) if (out[c] === null) out[c] = '';
  out.kind = case_kind ?? '';
  out.merchant_id = case_merchant ?? '';
  return out as QueueRow;
}

export type { CaseState };

/** The CSV of the spreadsheet loop: the case (its current owner and reason named so), the finding, and what to do. */
export const QUEUE_CSV_COLUMNS = [
  'id',
  'state',
  'current_owner',
  'due_on',
  'current_reason',
  ...FINDING_COLUMNS_SHOWN,
  'action',
  'reason',
  'note',
  'owner',
] as const;

/** Rows read from the cursor at a time, and the first time (a screenful, out at once). */
const STREAM_PAGE = 1000;
const FIRST_PAGE = 50;

/**
 * Streams the queue to `out`: a table for people, CSV for the spreadsheet loop (with the empty
 * action, reason, note and owner columns `recon case apply` reads back), or JSON lines for programs.
 * Returns how many cases were written.
 */
export async function streamQueue(
  store: Store,
  f: QueueFilter,
  today: string,
  fmt: 'table' | 'csv' | 'json',
  out: Writable,
): Promise<number> {
  const zone = await storeZone(store);
  const { sql, params } = queueQuery(f, zone, today);
  const w = queueWriter(fmt, out, today);
  let n = 0;
  await store.transaction(async (tx) => {
    // People read the first rows (a page, `| head`): a plan that starts fast, not one that sorts all.
    await tx.exec('set local cursor_tuple_fraction = 0.01');
    await tx.query(`declare recon_queue no scroll cursor for ${sql}`, params);
    // A small first page, out at once; then pages of STREAM_PAGE.
    for (let size = FIRST_PAGE; ; size = STREAM_PAGE) {
      const page = await tx.query<QueueRow>(`fetch ${size} from recon_queue`);
      for (const r of page) await w.write(orphanKeys(r));
      n += page.length;
      if (page.length < size) break;
    }
    await tx.exec('close recon_queue');
  });
  await w.end(n);
  return n;
}

interface QueueWriter {
  write(r: QueueRow): Promise<void>;
  end(n: number): Promise<void>;
}

/** A value of the CSV: numbers recon writes as they are, text from inputs and people neutralized. */
function cell(c: (typeof QUEUE_CSV_COLUMNS)[number], r: QueueRow): string {
  const v =
    c === 'current_owner'
      ? r.owner
      : c === 'current_reason'
        ? r.reason
        : c === 'action' || c === 'reason' || c === 'note' || c === 'owner'
          ? ''
          : (r as Record<string, string>)[c];
  const text = v ?? '';
  return (FINDING_COLUMNS_SHOWN as readonly string[]).includes(c) && numeric(c as ExportColumn)
    ? text
    : neutralizeFormula(text);
}

function queueWriter(fmt: 'table' | 'csv' | 'json', out: Writable, today: string): QueueWriter {
  if (fmt === 'json') {
    return {
      async write(r) {
        const o: Record<string, unknown> = { id: r.id };
        for (const c of CASE_COLUMNS) o[c] = r[c] === '' ? null : r[c];
        for (const c of FINDING_COLUMNS_SHOWN) {
          const v = (r as Record<string, string>)[c] ?? '';
          o[c] = numeric(c) ? (v === '' ? null : Number(v)) : v === '' ? null : v;
        }
        o.amount_at_stake = r.amount_at_stake === '' ? null : Number(r.amount_at_stake);
        o.overdue = r.overdue;
        o.orphaned = r.orphaned;
        if (!out.write(`${JSON.stringify(o)}\n`)) await drained(out);
      },
      async end() {},
    };
  }
  if (fmt === 'csv') {
    const csv = csvWriter(QUEUE_CSV_COLUMNS, out);
    return {
      write: (r) => csv.write(QUEUE_CSV_COLUMNS.map((c) => cell(c, r))),
      end: () => csv.end(),
    };
  }
  // A table for people: the columns one works a case by, every value on one line.
  const line = (cols: string[]): string =>
    `${cols[0]!.padEnd(14)} ${cols[1]!.padEnd(17)} ${cols[2]!.padEnd(12)} ${cols[3]!.padEnd(11)} ${cols[4]!.padEnd(21)} ${cols[5]!.padEnd(16)} ${cols[6]!.padStart(12)}  ${cols[7]}\n`;
  let header = false;
  return {
    async write(r) {
      if (!header) {
        header = true;
        out.write(line(['id', 'state', 'owner', 'due', 'kind', 'merchant', 'at stake', 'reason']));
      }
      const overdue = r.overdue ? '!' : '';
      const text = line(
        [
          r.id,
          `${r.state.replace('_', ' ')}${r.orphaned ? '*' : ''}`,
          r.owner || '-',
          `${r.due_on}${overdue}`,
          r.kind,
          r.merchant_id,
          r.amount_at_stake === '' ? '' : formatMinorUnits(Number(r.amount_at_stake)),
          r.reason,
        ].map(printable),
      );
      if (!out.write(text)) await drained(out);
    },
    async end(n) {
      out.write(
        n === 0
          ? 'no case matches\n'
          : `${n} case(s); ! past its due date (as of ${today}); * orphaned (its finding is no longer raised)\n`,
      );
    },
  };
}

/** Minor units as major units with two decimals and thousands separators (12,345.67). */
export function formatMinorUnits(v: number): string {
  const a = Math.abs(v);
  return `${v < 0 ? '-' : ''}${Math.floor(a / 100).toLocaleString('en-US')}.${String(a % 100).padStart(2, '0')}`;
}
