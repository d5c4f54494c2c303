/**
 * The audit trail (DESIGN §10): recon.case_event, append-only, each event chained to the one before
 * by hash = sha256(prev_hash ‖ canonical JSON of the event). An event changed, taken out or put in
 * afterwards breaks the chain at that event, which `verifyChain` names. The store's triggers refuse
 * UPDATE, DELETE and TRUNCATE of the table (migration 0007); `recon db prune` alone removes events
 * (those of the closed findings it removes) and records in recon.audit_cut each stretch it removed
 * and the hash of its last event, which the event after it chains from.
 *
 * Events are appended in the transaction of the change they record, under an advisory lock, so that
 * a run and a person acting at once (a console on the server store) append one after the other.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.js';

/** Key of the advisory lock appends take (transaction-scoped): 'aud1'. */
export const AUDIT_LOCK_KEY = 0x61756431;
/** What the first event chains from, on a store whose trail was never cut. */
export const GENESIS_HASH = '0'.repeat(64);

/** An event as it is hashed and stored. `at` is an ISO 8601 UTC instant with milliseconds. */
export interface AuditEvent {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly finding_id: string | null;
  readonly action: string;
  readonly from_state: string | null;
  readonly to_state: string | null;
  readonly reason: string | null;
  readonly note: string | null;
  /** Plain values only (strings, integers, booleans, null; objects and arrays of them). */
  readonly details: Readonly<Record<string, unknown>> | null;
}

export interface StoredEvent extends AuditEvent {
  readonly prev_hash: string;
  readonly hash: string;
}

/** An event to append: its seq, time and hashes are given by appendEvents. */
export type NewEvent = Omit<AuditEvent, 'seq' | 'at'>;

/** JSON with every object's keys sorted, no blanks: one text for one event, whatever the key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export function eventHash(prevHash: string, e: AuditEvent): string {
  const body: AuditEvent = {
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    finding_id: e.finding_id,
    action: e.action,
    from_state: e.from_state,
    to_state: e.to_state,
    reason: e.reason,
    note: e.note,
    details: e.details,
  };
  return createHash('sha256').update(prevHash).update(canonicalJson(body)).digest('hex');
}

/** A stretch of events `recon db prune` removed: the event after it chains from `hash`. */
interface Cut {
  readonly from: number;
  readonly through: number;
  readonly hash: string;
}

async function cuts(store: Store): Promise<Cut[]> {
  const rows = await store.query<{ from_text: string; through_text: string; hash: string }>(
    // Ordered by the column, not by its text (which puts 10 before 9).
    'select from_seq::text as from_text, through_seq::text as through_text, hash from recon.audit_cut c order by c.from_seq',
  );
  return rows.map((r) => ({ from: Number(r.from_text), through: Number(r.through_text), hash: r.hash }));
}

/** The last event of the chain (or of a cut at its end): the seq and hash the next one follows. */
async function chainHead(tx: Store): Promise<{ seq: number; hash: string }> {
  const last = await tx.query<{ seq: string; hash: string }>(
    'select e.seq::text as seq, e.hash from recon.case_event e order by e.seq desc limit 1',
  );
  const cut = (await cuts(tx)).at(-1);
  const seq = last[0] ? Number(last[0].seq) : 0;
  if (cut && cut.through > seq) return { seq: cut.through, hash: cut.hash };
  if (last[0]) return { seq, hash: last[0].hash };
  return { seq: 0, hash: GENESIS_HASH };
}

/** Events appended per statement: each is a row of 12 arrays (a run may append a finding's worth each). */
const APPEND_BATCH = 5000;

/**
 * Appends `events` to the chain, in order, inside `tx` (the transaction of the change they record);
 * returns them as stored. `at` defaults to now, the same instant for the whole batch.
 */
export async function appendEvents(tx: Store, events: readonly NewEvent[], at = new Date()): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  await tx.query('select pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
  let { seq, hash } = await chainHead(tx);
  const when = at.toISOString();
  const stored: StoredEvent[] = events.map((e) => {
    const ev: AuditEvent = { ...e, seq: ++seq, at: when };
    const prev = hash;
    hash = eventHash(prev, ev);
    return { ...ev, prev_hash: prev, hash };
  });
  for (let i = 0; i < stored.length; i += APPEND_BATCH) {
    const part = stored.slice(i, i + APPEND_BATCH);
    const col = <K extends keyof StoredEvent>(k: K): StoredEvent[K][] => part.map((e) => e[k]);
    await tx.query(
      `insert into recon.case_event (seq, at, actor, finding_id, action, from_state, to_state, reason, note, details, prev_hash, hash)
       select seq, at, actor, finding_id, action, from_state, to_state, reason, note, details::jsonb, prev_hash, hash
         from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
           as e(seq, at, actor, finding_id, action, from_state, to_state, reason, note, details, prev_hash, hash)`,
      [
        col('seq'),
        col('at'),
        col('actor'),
        col('finding_id'),
        col('action'),
        col('from_state'),
        col('to_state'),
        col('reason'),
        col('note'),
        part.map((e) => (e.details === null ? null : canonicalJson(e.details))),
        col('prev_hash'),
        col('hash'),
      ],
    );
  }
  return stored;
}

/** The columns of an event (alias e) as read back (`at` as the ISO text it was hashed with; order by e.seq, not seq). */
export const EVENT_SELECT = `e.seq::text as seq, to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
  e.actor, e.finding_id, e.action, e.from_state, e.to_state, e.reason, e.note, e.details, e.prev_hash, e.hash`;

interface EventRow extends Omit<StoredEvent, 'seq' | 'details'> {
  seq: string;
  details: unknown;
}

export function eventOf(r: EventRow): StoredEvent {
  const details = typeof r.details === 'string' ? (JSON.parse(r.details) as Record<string, unknown>) : r.details;
  return { ...r, seq: Number(r.seq), details: (details ?? null) as StoredEvent['details'] };
}

/** Events read per query while the chain is walked. */
const VERIFY_PAGE = 5000;

export interface ChainCheck {
  /** Events checked. */
  readonly events: number;
  /** Stretches removed by `recon db prune` that the chain was checked across. */
  readonly cuts: number;
  /** The first event that does not fit, and why; undefined when the whole chain holds. */
  readonly broken?: { readonly seq: number; readonly at: string; readonly why: string };
}

/**
 * Walks the whole chain in order, recomputing each event's hash from its content and the hash before
 * it (across the stretches `recon db prune` recorded); stops at the first event that does not fit:
 * changed, or the one after events taken out or put in.
 */
export async function verifyChain(store: Store): Promise<ChainCheck> {
  const byFrom = new Map((await cuts(store)).map((c) => [c.from, c]));
  let seq = 0;
  let prev = GENESIS_HASH;
  let events = 0;
  let crossed = 0;
  const bridge = (): void => {
    // A recorded cut right after `seq`: the chain goes on from its last event's hash.
    for (let c = byFrom.get(seq + 1); c !== undefined; c = byFrom.get(seq + 1)) {
      seq = c.through;
      prev = c.hash;
      crossed++;
    }
  };
  for (;;) {
    bridge();
    const rows = await store.query<EventRow>(
      `select ${EVENT_SELECT} from recon.case_event e where e.seq > $1::bigint order by e.seq limit ${VERIFY_PAGE}`,
      [String(seq)],
    );
    for (const r of rows) {
      bridge();
      const e = eventOf(r);
      const why =
        e.seq !== seq + 1
          ? e.seq > seq + 1
            ? `follows event ${seq}: events ${seq + 1}..${e.seq - 1} are missing (no prune recorded them)`
            : `repeats the number of event ${e.seq}`
          : e.prev_hash !== prev
            ? `its prev_hash is not the hash of event ${seq} (an event before it was changed or replaced)`
            : eventHash(prev, e) !== e.hash
              ? 'its content does not match its hash (it was changed after it was written)'
              : undefined;
      if (why !== undefined) return { events, cuts: crossed, broken: { seq: e.seq, at: e.at, why } };
      events++;
      seq = e.seq;
      prev = e.hash;
    }
    if (rows.length < VERIFY_PAGE) break;
  }
  return { events, cuts: crossed };
}

/** The events of the trail before seq `before` (none: from the last), the latest first, `limit` of them. */
export async function eventsBefore(store: Store, before: number | undefined, limit: number): Promise<StoredEvent[]> {
  const rows = await store.query<EventRow>(
    `select ${EVENT_SELECT} from recon.case_event e
      where ($1::bigint is null or e.seq < $1::bigint) order by e.seq desc limit ${Math.max(1, Math.floor(limit))}`,
    [before === undefined ? null : String(before)],
  );
  return rows.map(eventOf);
}
