/**
 * One case as `recon case show` and the console's finding page show it: the case, its finding as
 * `recon exceptions` shows it (none when the case is orphaned), and its history from the audit trail.
 */
import type { Side } from '../core/schema.js';
import { UsageError } from '../core/usage-error.js';
import type { Store } from '../store/store.js';
import { EVENT_SELECT, eventOf, type StoredEvent } from './audit-chain.js';
import { type QueueRow, queuePage } from './queue.js';

export interface CaseDetail {
  readonly row: QueueRow;
  readonly events: readonly StoredEvent[];
  /** With state pending_approval: who made the closing that waits, and its reason. */
  readonly maker: string | null;
  readonly pendingReason: string | null;
  /** The case's last event (its seq; 0: none yet), as an action sent back with it expects (actOnCases' expectSeq). */
  readonly lastSeq: number;
}

export function checkId(id: string): string {
  const v = id.trim().toUpperCase();
  if (!/^F[A-Z2-7]{12}$/.test(v))
    throw new UsageError(
      `${JSON.stringify(id)} is not a finding id (F and 12 characters of A-Z and 2-7, as recon exceptions shows it)`,
    );
  return v;
}

export async function caseDetail(store: Store, id: string, today: string): Promise<CaseDetail> {
  const fid = checkId(id);
  const rows = await queuePage(store, { ids: [fid] }, today, undefined, 1);
  if (!rows[0]) throw new UsageError(`no case ${fid} in the store`);
  const events = (
    await store.query<Parameters<typeof eventOf>[0]>(
      `select ${EVENT_SELECT} from recon.case_event e where e.finding_id = $1 order by e.seq`,
      [fid],
    )
  ).map(eventOf);
  const [c] = await store.query<{ maker: string | null; pending_reason: string | null; last_seq: string }>(
    'select maker, pending_reason, last_seq::text as last_seq from recon.case where finding_id = $1',
    [fid],
  );
  return {
    row: rows[0],
    events,
    maker: c?.maker ?? null,
    pendingReason: c?.pending_reason ?? null,
    lastSeq: Number(c?.last_seq ?? 0),
  };
}

/**
 * The last event of each case (its seq; 0 when none), as a page showed them: an action the console
 * sends back with it is refused when the case changed since (actOnCases' expectSeq).
 */
export async function caseSeqs(store: Store, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await store.query<{ id: string; seq: string }>(
    'select finding_id as id, last_seq::text as seq from recon.case where finding_id = any($1::text[])',
    [[...ids]],
  );
  return new Map(rows.map((r) => [r.id, Number(r.seq)]));
}

/** Where a finding's row of one side is: its input file as the run that read it recorded it, and the line. */
export interface FindingSource {
  readonly side: Side;
  readonly path: string;
  readonly line: number;
  /** The file's size as the run read it (of the decompressed copy for gzip and zip inputs). */
  readonly bytes: number;
  /** When that run was committed, ms since the epoch. */
  readonly committedAt: number;
  /** The side's format in that run: 'recon' (recon's own layout) or a profile. */
  readonly format: string;
}

/**
 * The source rows of a finding, a side each (none for a side the finding has no row of, or whose file
 * record is gone): a payout finding's payout row is its third side.
 */
export async function findingSources(store: Store, id: string): Promise<FindingSource[]> {
  const side = (s: Side, p: 'j' | 'c' | 'p') =>
    `select '${s}' as side, f.path, e.${p}_line as line, f.bytes::text as bytes,
            (extract(epoch from r.finished_at) * 1000)::bigint::text as committed_at,
            coalesce(r.options->>'${s}Format', 'recon') as format
       from recon.exception e
       join recon.input_file f on f.run_date = e.${p}_run and f.file_no = e.${p}_file
       join recon.run r on r.run_date = f.run_date
      where e.id = $1`;
  const rows = await store.query<{
    side: Side;
    path: string;
    line: number;
    bytes: string;
    committed_at: string;
    format: string;
  }>(`${side('journal', 'j')} union all ${side('clearing', 'c')} union all ${side('payout', 'p')}`, [checkId(id)]);
  return rows.map((r) => ({
    side: r.side,
    path: r.path,
    line: r.line,
    bytes: Number(r.bytes),
    committedAt: Number(r.committed_at),
    format: r.format,
  }));
}
