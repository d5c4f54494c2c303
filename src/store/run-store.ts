/**
 * What a run reads from and writes to the store, as set-based SQL (arrays as parameters, COPY for
 * bulk rows). Everything here runs inside the run's transaction.
 *
 * Undo: every row a run writes carries the run date (raised_on, created_by, run_date), and
 * every change it makes to an earlier finding is logged in recon.exception_change with the values
 * before. `undoRun` takes the latest run's effects back exactly, which is how re-running a date
 * leaves the store as if it had run once (DESIGN §7).
 */

import { EVENT_REOPEN, EVENT_RESOLVE, KIND_NAMES, SIDE_LETTERS } from '../core/codes.js';
import { formatIsoDate } from '../core/dates.js';
import { EXCEPTION_COLUMNS, OPEN_ITEM_COLUMNS, RELEASE_COLUMNS } from '../core/store-columns.js';
import type { Store } from './store.js';

export { EXCEPTION_COLUMNS, OPEN_ITEM_COLUMNS };

export async function latestRun(tx: Store): Promise<string | null> {
  const rows = await tx.query<{ d: string | null }>('select max(run_date)::text as d from recon.run');
  return rows[0]?.d ?? null;
}

export async function runDates(tx: Store, from: string): Promise<string[]> {
  const rows = await tx.query<{ d: string }>(
    'select run_date::text as d from recon.run where run_date >= $1::date order by run_date',
    [from],
  );
  return rows.map((r) => r.d);
}

/** Takes back every effect of run `date`, which must be the latest run. */
export async function undoRun(tx: Store, date: string): Promise<void> {
  await tx.query(
    `update recon.exception e
        set status = c.old_status, resolved_on = c.old_resolved_on,
            duplicate_count = c.old_duplicate_count, amount_at_stake = c.old_amount_at_stake
       from recon.exception_change c
      where c.run_date = $1::date and e.kind = c.kind and e.s_side = c.s_side
        and e.s_run = c.s_run and e.s_file = c.s_file and e.s_line = c.s_line`,
    [date],
  );
  for (const sql of [
    'delete from recon.exception_change where run_date = $1::date',
    'delete from recon.exception where raised_on = $1::date',
    'delete from recon.open_item where created_by = $1::date',
    'delete from recon.window_segment where created_by = $1::date',
    'delete from recon.window_page where created_by = $1::date',
    'delete from recon.window_credit where run_date = $1::date',
    'delete from recon.rejected_row where run_date = $1::date',
    'delete from recon.payout where run_date = $1::date',
    'delete from recon.payout_expected where run_date = $1::date',
    'delete from recon.input_file where run_date = $1::date',
    'delete from recon.run where run_date = $1::date',
  ]) {
    await tx.query(sql, [date]);
  }
}

export interface LoadedFile {
  sha256: string;
  run_date: string;
  path: string;
}

/** Files with these fingerprints that earlier runs loaded. */
export async function findLoadedFiles(tx: Store, shas: readonly string[]): Promise<LoadedFile[]> {
  if (shas.length === 0) return [];
  return tx.query<LoadedFile>(
    'select sha256, run_date::text as run_date, path from recon.input_file where sha256 = any($1::text[]) order by run_date, file_no',
    [shas],
  );
}

const TS = `to_char(txn_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The open items of one side that the run before `runDay` left (its snapshot), as CSV with a header
 * in the input format plus state columns.
 */
export function openItemsQuery(side: 'journal' | 'clearing', runDay: number): string {
  const state = `src_run, src_file, src_line, flags`;
  const live = `created_by = (select max(run_date) from recon.run where run_date < '${formatIsoDate(runDay)}'::date)`;
  if (side === 'journal') {
    return `select merchant_id, terminal_id, batch_no, stan, rrn, auth_code, type as txn_type, channel, order_no,
       ${TS} as txn_time, amount_minor, currency, response_code, orig_rrn, pan_masked, ${state}
       from recon.open_item where ${live} and side = 'J' order by src_run, src_file, src_line`;
  }
  return `select type as record_type, merchant_id, terminal_id, stan, rrn, auth_code, order_no, orig_rrn, pan_masked,
     ${TS} as txn_time, clearing_date, settle_date, amount_minor as gross_minor, fee_minor, net_minor, currency, status, ${state}
     from recon.open_item where ${live} and side = 'C' order by src_run, src_file, src_line`;
}

export async function loadOpenItems(tx: Store, side: 'journal' | 'clearing', runDay: number): Promise<Uint8Array> {
  return tx.copyOut(openItemsQuery(side, runDay));
}

/**
 * Logs, for the undo of run `params[0]`, the current values of the findings (alias e) that
 * `findings` selects — a from-clause such as `recon.exception e join t on …` — unless this run
 * logged them already (the first log of a run holds the values before it).
 */
export async function logChanges(tx: Store, findings: string, params: unknown[]): Promise<void> {
  await tx.query(
    `insert into recon.exception_change (run_date, kind, s_side, s_run, s_file, s_line, old_status, old_resolved_on, old_duplicate_count, old_amount_at_stake)
     select $1::date, e.kind, e.s_side, e.s_run, e.s_file, e.s_line, e.status, e.resolved_on, e.duplicate_count, e.amount_at_stake
       from ${findings}
     on conflict do nothing`,
    params,
  );
}

/**
 * Earlier findings this run resolves: (kind, side, src_run, src_file, src_line) events from the
 * workers (a late credit for a MISSING_CREDIT, a late refund for a REFUND_NOT_DEBITED, an ambiguity
 * settled). Only open findings change; each change is logged for undo.
 */
export async function resolveFindings(tx: Store, date: string, events: Int32Array): Promise<number> {
  if (events.length === 0) return 0;
  let changed = 0;
  for (const op of [EVENT_RESOLVE, EVENT_REOPEN]) {
    const kinds: string[] = [];
    const sides: string[] = [];
    const runs: string[] = [];
    const files: number[] = [];
    const lines: number[] = [];
    for (let i = 0; i < events.length; i += 6) {
      if (events[i] !== op) continue;
      kinds.push(KIND_NAMES[events[i + 1]!]!);
      sides.push(SIDE_LETTERS[events[i + 2]!]!);
      runs.push(formatIsoDate(events[i + 3]!));
      files.push(events[i + 4]!);
      lines.push(events[i + 5]!);
    }
    if (kinds.length === 0) continue;
    const from = op === EVENT_RESOLVE ? 'open' : 'resolved';
    const set =
      op === EVENT_RESOLVE
        ? `status = 'resolved', resolved_on = $1::date`
        : `status = 'open', resolved_on = null::date + ($1::date - $1::date)`;
    const rows = `(select distinct * from unnest($2::text[], $3::text[], $4::date[], $5::int[], $6::int[])) as r(kind, side, run, file, line)`;
    const cond = `e.kind = r.kind and e.s_side = r.side and e.s_run = r.run and e.s_file = r.file and e.s_line = r.line and e.status = '${from}'`;
    const params = [date, kinds, sides, runs, files, lines];
    await logChanges(tx, `recon.exception e join ${rows} on ${cond}`, params);
    changed += (await tx.query(`update recon.exception e set ${set} from ${rows} where ${cond} returning 1`, params))
      .length;
  }
  return changed;
}

/**
 * A temporary table for rows a statement of the run stages (`definition`: its columns, or `(like …)`),
 * empty: made once per connection (ON COMMIT DELETE ROWS), emptied before each use, instead of dropped
 * and made again by every run — 3–7 ms of catalog work each in the embedded store, for tables that
 * hold a few rows. Runs hold the store's lock, so no two use one at once.
 */
export async function scratchTable(tx: Store, name: string, definition: string): Promise<void> {
  await tx.exec(`create temp table if not exists ${name} ${definition} on commit delete rows; delete from ${name}`);
}

/**
 * RELEASE rows resolve the open RISK_HOLD they name by (merchant_id, terminal_id, rrn),
 * (merchant_id, order_no) or orig_rrn (DESIGN §6.1 rule 3), including holds raised by this run.
 */
export async function releaseHolds(tx: Store, date: string, releases: readonly Uint8Array[]): Promise<number> {
  if (releases.every((r) => r.length === 0)) return 0;
  await scratchTable(
    tx,
    'recon_release',
    '(merchant_id text, terminal_id text, rrn text, order_no text, orig_rrn text)',
  );
  await tx.copyIn('recon_release', RELEASE_COLUMNS, releases);
  await scratchTable(tx, 'recon_released', '(kind text, s_side char(1), s_run date, s_file integer, s_line integer)');
  await tx.exec(`insert into recon_released
     select e.kind, e.s_side, e.s_run, e.s_file, e.s_line from recon.exception e
      where e.kind = 'RISK_HOLD' and e.status = 'open' and exists (
        select 1 from recon_release r
         where r.merchant_id = e.merchant_id
           and ((r.rrn is not null and r.terminal_id = e.terminal_id and r.rrn = e.rrn)
             or (r.order_no is not null and r.order_no = e.order_no)
             or (r.orig_rrn is not null and (r.orig_rrn = e.rrn or r.orig_rrn = e.order_no))))`);
  const cond = `e.kind = x.kind and e.s_side = x.s_side and e.s_run = x.s_run and e.s_file = x.s_file and e.s_line = x.s_line`;
  await logChanges(tx, `recon.exception e join recon_released x on ${cond}`, [date]);
  const rows = await tx.query(
    `update recon.exception e set status = 'resolved', resolved_on = $1::date from recon_released x where ${cond} returning 1`,
    [date],
  );
  return rows.length;
}

export interface InputFileRow {
  fileNo: number;
  side: string;
  path: string;
  sha256: string;
  bytes: number;
  rows: number;
  rejected: number;
}

export async function insertInputFiles(tx: Store, date: string, files: readonly InputFileRow[]): Promise<void> {
  if (files.length === 0) return;
  await tx.query(
    `insert into recon.input_file (run_date, file_no, side, path, sha256, bytes, rows_in, rejected)
     select $1::date, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::int[])`,
    [
      date,
      files.map((f) => f.fileNo),
      files.map((f) => f.side),
      files.map((f) => f.path),
      files.map((f) => f.sha256),
      files.map((f) => f.bytes),
      files.map((f) => f.rows),
      files.map((f) => f.rejected),
    ],
  );
}

export const REJECTED_COLUMNS = ['run_date', 'file_no', 'line', 'column_name', 'reason', 'raw'] as const;

export async function insertRun(
  tx: Store,
  row: {
    date: string;
    startedAt: Date;
    finishedAt: Date;
    durationMs: number;
    workers: number;
    options: unknown;
    summary: unknown;
    replayFrom: string;
  },
): Promise<void> {
  await tx.query(
    `insert into recon.run (run_date, status, started_at, finished_at, duration_ms, workers, options, summary, replay_from)
     values ($1::date, 'committed', $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::date)`,
    [
      row.date,
      row.startedAt.toISOString(),
      row.finishedAt.toISOString(),
      row.durationMs,
      row.workers,
      JSON.stringify(row.options),
      JSON.stringify(row.summary),
      row.replayFrom,
    ],
  );
}

export interface KindTotal {
  kind: string;
  count: number;
  amount_at_stake: number;
}

export async function findingsByKind(tx: Store, date: string): Promise<KindTotal[]> {
  const rows = await tx.query<{ kind: string; count: string | number; amount_at_stake: string | number }>(
    `select kind, count(*)::text as count, coalesce(sum(amount_at_stake), 0)::text as amount_at_stake
       from recon.exception where raised_on = $1::date group by kind order by kind`,
    [date],
  );
  return rows.map((r) => ({ kind: r.kind, count: Number(r.count), amount_at_stake: Number(r.amount_at_stake) }));
}
