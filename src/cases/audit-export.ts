/**
 * `recon audit export`: the events of the audit trail in order, as CSV (fast-csv, with a header) or
 * JSON lines, streamed a page at a time. `--from` / `--to` are dates in the zone of the latest run's
 * calendar (the zone operators work in), UTC on a store with no run; each event's `at` is shown in
 * that zone with its offset. A text cell a spreadsheet would run as a formula gets a leading
 * apostrophe, as in `recon exceptions`.
 */
import type { Writable } from 'node:stream';
import { formatZone } from '../core/dates.js';
import { csvWriter, drained } from '../reports/csv-writer.js';
import { neutralizeFormula } from '../reports/exceptions-export.js';
import type { Store } from '../store/store.js';

export const AUDIT_COLUMNS = [
  'seq',
  'at',
  'actor',
  'finding_id',
  'action',
  'from_state',
  'to_state',
  'reason',
  'note',
  'details',
  'prev_hash',
  'hash',
] as const;

type AuditRow = Record<(typeof AUDIT_COLUMNS)[number], string>;

const PAGE = 1000;

async function latestZone(store: Store): Promise<number> {
  const rows = await store.query<{ zone: number | null }>(
    `select (options->>'zoneOffsetMinutes')::int as zone from recon.run order by run_date desc limit 1`,
  );
  return rows[0]?.zone ?? 0;
}

export async function exportAudit(
  store: Store,
  range: { from?: string | undefined; to?: string | undefined },
  fmt: 'csv' | 'json',
  out: Writable,
): Promise<number> {
  const zone = await latestZone(store);
  const offset = formatZone(zone);
  const local = `e.at at time zone 'UTC' + make_interval(mins => $1::int)`;
  const sql = `select e.seq::text as seq, to_char(${local}, 'YYYY-MM-DD"T"HH24:MI:SS.MS') || $2::text as at,
         e.actor, coalesce(e.finding_id, '') as finding_id, e.action, coalesce(e.from_state, '') as from_state,
         coalesce(e.to_state, '') as to_state, coalesce(e.reason, '') as reason, coalesce(e.note, '') as note,
         coalesce(e.details::text, '') as details, e.prev_hash, e.hash
    from recon.case_event e
   where ($3::date is null or (${local})::date >= $3::date) and ($4::date is null or (${local})::date <= $4::date)
   order by e.seq`;
  const params = [zone, offset, range.from ?? null, range.to ?? null];
  const csv = fmt === 'csv' ? csvWriter(AUDIT_COLUMNS, out) : undefined;
  let n = 0;
  await store.transaction(async (tx) => {
    await tx.query(`declare recon_audit no scroll cursor for ${sql}`, params);
    for (;;) {
      const page = await tx.query<AuditRow>(`fetch ${PAGE} from recon_audit`);
      for (const r of page) {
        if (csv) {
          await csv.write(AUDIT_COLUMNS.map((c) => (c === 'seq' ? r[c] : neutralizeFormula(r[c]))));
        } else {
          const o = Object.fromEntries(
            AUDIT_COLUMNS.map((c) => [
              c,
              c === 'seq'
                ? Number(r[c])
                : c === 'details'
                  ? r[c]
                    ? JSON.parse(r[c])
                    : null
                  : r[c] === ''
                    ? null
                    : r[c],
            ]),
          );
          if (!out.write(`${JSON.stringify(o)}\n`)) await drained(out);
        }
      }
      n += page.length;
      if (page.length < PAGE) break;
    }
    await tx.exec('close recon_audit');
  });
  await csv?.end();
  return n;
}
