/**
 * A run meets the cases (DESIGN §10), inside the run's transaction, after its findings are written
 * and earlier ones resolved:
 * - a finding raised for the first time gets its case, new, due after 1 working day (MISSING_CREDIT,
 *   the payout leg's PAYOUT_RETURNED and PAYOUT_MISSING, anything at stake ≥ the approval threshold)
 *   or 3;
 * - a finding this run resolves closes its case (RESOLVED_BY_RUN, actor `run D`), unless a person
 *   closed the MISSING_CREDIT as CREDITED_OUTSIDE or WRITTEN_OFF: then the money has come twice, and
 *   the case reopens saying so;
 * - a closed DUPLICATE_CREDIT whose count grows, a closed finding open again (an ambiguity back), and
 *   a case this run's date had closed whose finding a rerun of the date no longer resolves: reopened;
 * - a case whose finding a rerun or replay no longer raises is orphaned (and restored when it is
 *   raised again): cases are never deleted with their findings.
 * Reruns and replays never rewrite a case's history: what they change is appended as events, and a
 * rerun that finds what the first run found appends nothing (resolution_run, seen_count).
 */
import type { WorkCalendar } from '../core/dates.js';
import { formatIsoDate, parseIsoDate } from '../core/dates.js';
import { compactCaseTally } from '../reports/case-summary.js';
import type { Store } from '../store/store.js';
import { appendEvents, type NewEvent, type StoredEvent } from './audit-chain.js';
import { approvalThreshold } from './settings.js';

/** What a run did to cases, for its summary. */
export interface CaseChanges {
  opened: number;
  closed: number;
  reopened: number;
  orphaned: number;
  restored: number;
}

/** Kinds due after one working day, whatever their amount (DESIGN §10). */
export const URGENT_KINDS = ['MISSING_CREDIT', 'PAYOUT_RETURNED', 'PAYOUT_MISSING'] as const;
/** Working days until a case is due: urgent ones, and the rest. */
export const DUE_URGENT = 1;
export const DUE_OTHER = 3;

/**
 * The day `n` working days after `day` (epoch days). Past the calendar's covered span (its holidays
 * unknown) a weekday counts: a due date is a plan for people, not a settlement rule, and a run near
 * the end of the span must still give its cases one.
 */
export function workingDaysAfter(cal: WorkCalendar, day: number, n: number): number {
  let d = day;
  for (let i = 0; i < n; i++) {
    if (cal.covers(d + 1) && cal.covers(cal.nextWorkingDay(d))) d = cal.nextWorkingDay(d);
    else {
      d++;
      while (isWeekend(d)) d++;
    }
  }
  return d;
}

function isWeekend(day: number): boolean {
  const wd = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4)
  return wd === 0 || wd === 6;
}

type Row = Record<string, unknown>;

/** What a run changed of a case, in the order meetCases takes it. */
type Part = 'restored' | 'orphaned' | 'resolved' | 'grown' | 'again';

/** The run's actor in the audit trail. */
export function runActor(date: string): string {
  return `run ${date}`;
}

export async function meetCases(tx: Store, date: string, cal: WorkCalendar): Promise<CaseChanges> {
  const actor = runActor(date);
  const changes: CaseChanges = { opened: 0, closed: 0, reopened: 0, orphaned: 0, restored: 0 };
  const threshold = await approvalThreshold(tx);
  const day = parseIsoDate(date);
  // The findings this run raised: a case each, with its amount at stake (migration 0010); counted,
  // so that a rerun, whose findings may have cases already, knows to bring their amounts up to date.
  const [made] = await tx.query<{ raised: number; opened: number }>(
    `with opened as (
       insert into recon.case (finding_id, kind, merchant_id, raised_on, state, due_on, seen_count, amount_at_stake, updated_at)
       select e.id, e.kind, e.merchant_id, e.raised_on, 'new',
              case when e.kind = any($2::text[]) or e.amount_at_stake >= $3 then $4::date else $5::date end,
              e.duplicate_count, e.amount_at_stake, now()
         from recon.exception e
        where e.raised_on = $1::date
       on conflict (finding_id) do nothing
       returning 1)
     select (select count(*) from recon.exception where raised_on = $1::date)::int as raised,
            (select count(*) from opened)::int as opened`,
    [
      date,
      URGENT_KINDS,
      threshold,
      formatIsoDate(workingDaysAfter(cal, day, DUE_URGENT)),
      formatIsoDate(workingDaysAfter(cal, day, DUE_OTHER)),
    ],
  );
  changes.opened = made!.opened;
  // A rerun or replay raised findings that have cases (or a run raised one whose orphaned case it
  // restores below): the case takes the amount the finding has now. Later changes to a finding's
  // amount (a DUPLICATE_CREDIT that grows, an undo) reach its case by the trigger of migration 0010.
  if (made!.raised > made!.opened)
    await tx.query(
      `update recon.case c set amount_at_stake = e.amount_at_stake from recon.exception e
        where e.raised_on = $1::date and c.finding_id = e.id and c.amount_at_stake is distinct from e.amount_at_stake`,
      [date],
    );

  const events: { id: string; set: CaseSet; event: NewEvent }[] = [];
  // A case may change twice in one run (restored, then closed): each event starts where the last left it.
  const stateNow = new Map<string, string>();
  const add = (r: Row, set: CaseSet, event: Omit<NewEvent, 'actor' | 'finding_id' | 'from_state'>): void => {
    const id = String(r.finding_id);
    const from = stateNow.get(id) ?? String(r.state);
    if (set.state !== undefined) stateNow.set(id, set.state);
    events.push({ id, set, event: { actor, finding_id: id, from_state: from, ...event } });
  };

  // What the run changed, read in one statement (each part below says what it selects), taken in
  // this order: restored, orphaned, resolved, grown, open again.
  const grownBy = `recon.exception e
      join recon.exception_change x on x.run_date = $1::date and x.kind = e.kind and x.s_side = e.s_side
       and x.s_run = e.s_run and x.s_file = e.s_file and x.s_line = e.s_line`;
  const grownWhere = `e.id = c.finding_id and e.kind = 'DUPLICATE_CREDIT' and e.duplicate_count > c.seen_count`;
  const found = await tx.query<Row & { what: Part }>(
    `select 'restored' as what, c.finding_id, c.state, null::text as reason, null::text as kind,
            null::int as seen_count, null::int as duplicate_count
       from recon.case c join recon.exception e on e.id = c.finding_id where c.orphaned
     union all
     select 'orphaned', c.finding_id, c.state, null, null, null, null from recon.case c
      where c.raised_on = $1::date and not c.orphaned
        and not exists (select 1 from recon.exception e where e.id = c.finding_id)
     union all
     select 'resolved', c.finding_id, c.state, c.reason, e.kind, null, null
       from recon.exception e join recon.case c on c.finding_id = e.id
      where e.status = 'resolved' and e.resolved_on = $1::date and c.resolution_run is distinct from $1::date
     union all
     select 'grown', c.finding_id, c.state, null, null, c.seen_count, e.duplicate_count
       from ${grownBy} join recon.case c on ${grownWhere} where c.state = 'closed'
     union all
     select 'again', finding_id, state, null, null, null, null from (
       select c.finding_id, c.state from recon.exception e join recon.case c on c.finding_id = e.id
        where e.status = 'open' and c.state = 'closed' and c.reason = 'RESOLVED_BY_RUN' and c.resolution_run = $1::date
       union
       select c.finding_id, c.state from recon.exception_change x
         join recon.exception e on x.kind = e.kind and x.s_side = e.s_side and x.s_run = e.s_run and x.s_file = e.s_file
          and x.s_line = e.s_line
         join recon.case c on c.finding_id = e.id
        where x.run_date = $1::date and x.old_status = 'resolved' and e.status = 'open'
          and c.state = 'closed' and c.reason = 'RESOLVED_BY_RUN') again`,
    [date],
  );
  const part = (what: Part): Row[] => found.filter((r) => r.what === what);

  // Orphans restored: a rerun or replay raises the finding again.
  for (const r of part('restored')) {
    add(r, { orphaned: false }, noStateChange(r, 'restore', { raised_on: date }));
    changes.restored++;
  }
  // Orphaned: cases this date raised that the run (a rerun or replay of the date) no longer raises.
  for (const r of part('orphaned')) {
    add(r, { orphaned: true }, noStateChange(r, 'orphan', { why: `the run of ${date} no longer raises this finding` }));
    changes.orphaned++;
  }

  // Resolved by this run: closed, or, for money a person said came another way, reopened.
  for (const r of part('resolved')) {
    const state = stateNow.get(String(r.finding_id)) ?? String(r.state);
    const twice =
      r.kind === 'MISSING_CREDIT' &&
      state === 'closed' &&
      ['CREDITED_OUTSIDE', 'WRITTEN_OFF'].includes(String(r.reason));
    if (twice) {
      add(
        r,
        { state: 'reopened', reason: null, resolutionRun: date },
        {
          action: 'reopen',
          to_state: 'reopened',
          reason: null,
          note: `the credit arrived on ${date} after the case was closed as ${String(r.reason)}: the money may have come twice`,
          details: { resolved_on: date, closed_as: String(r.reason) },
        },
      );
      changes.reopened++;
    } else if (state !== 'closed') {
      add(
        r,
        { state: 'closed', reason: 'RESOLVED_BY_RUN', resolutionRun: date, clearPending: true },
        {
          action: 'resolve',
          to_state: 'closed',
          reason: 'RESOLVED_BY_RUN',
          note: null,
          details: { resolved_on: date },
        },
      );
      changes.closed++;
    }
  }

  // A closed DUPLICATE_CREDIT this run grew past what its case has seen.
  for (const r of part('grown')) {
    add(
      r,
      { state: 'reopened', reason: null, seenCount: Number(r.duplicate_count) },
      {
        action: 'reopen',
        to_state: 'reopened',
        reason: null,
        note: `more copies of the credit arrived: ${String(r.duplicate_count)} extra now, ${String(r.seen_count)} when it was closed`,
        details: { duplicate_count: Number(r.duplicate_count), was: Number(r.seen_count) },
      },
    );
    changes.reopened++;
  }
  // A case not closed takes the growth in as it happens.
  await tx.query(
    `update recon.case c set seen_count = e.duplicate_count from ${grownBy} where ${grownWhere} and c.state <> 'closed'`,
    [date],
  );

  // Open again: a finding this run turned back to open (an ambiguity back), or one this date's run
  // had resolved that its rerun leaves open.
  for (const r of part('again')) {
    add(
      r,
      { state: 'reopened', reason: null, resolutionRun: null },
      {
        action: 'reopen',
        to_state: 'reopened',
        reason: null,
        note: `the finding is open again after the run of ${date}`,
        details: { run: date },
      },
    );
    changes.reopened++;
  }
  if (events.length > 0) {
    const stored = await appendEvents(
      tx,
      events.map((e) => e.event),
    );
    await applySets(tx, events, stored);
  }
  // The cases' tally, appended to by every statement above (and by people since the last run), one row a key again.
  await compactCaseTally(tx);
  return changes;
}

function noStateChange(
  r: Row,
  action: string,
  details: Record<string, unknown>,
): Omit<NewEvent, 'actor' | 'finding_id' | 'from_state'> {
  return { action, to_state: String(r.state), reason: null, note: null, details };
}

/** What an event changes on its case row. */
interface CaseSet {
  state?: string;
  reason?: string | null;
  orphaned?: boolean;
  resolutionRun?: string | null;
  seenCount?: number;
  clearPending?: boolean;
}

/**
 * Writes each event's change to its case with the event's seq: the changes of one case merged in
 * their order (a case restored and closed in one run takes both), one statement for all.
 */
async function applySets(
  tx: Store,
  events: readonly { id: string; set: CaseSet }[],
  stored: readonly StoredEvent[],
): Promise<void> {
  const merged = new Map<string, { set: CaseSet; seq: number }>();
  events.forEach((e, i) => {
    const m = merged.get(e.id);
    merged.set(e.id, { set: { ...m?.set, ...e.set }, seq: stored[i]!.seq });
  });
  const rows = [...merged.entries()];
  const col = <T>(f: (s: CaseSet) => T): T[] => rows.map(([, m]) => f(m.set));
  await tx.query(
    `update recon.case c
        set state = coalesce(u.state, c.state),
            reason = case when u.set_reason then u.reason else c.reason end,
            orphaned = coalesce(u.orphaned, c.orphaned),
            resolution_run = case when u.set_run then u.run else c.resolution_run end,
            seen_count = coalesce(u.seen, c.seen_count),
            maker = case when u.clear then null else c.maker end,
            pending_reason = case when u.clear then null else c.pending_reason end,
            pending_note = case when u.clear then null else c.pending_note end,
            last_seq = u.seq, updated_at = now()
       from unnest($1::text[], $2::bigint[], $3::text[], $4::boolean[], $5::text[], $6::boolean[], $7::boolean[],
                   $8::date[], $9::int[], $10::boolean[])
         as u(id, seq, state, set_reason, reason, orphaned, set_run, run, seen, clear)
      where c.finding_id = u.id`,
    [
      rows.map(([id]) => id),
      rows.map(([, m]) => m.seq),
      col((s) => s.state ?? null),
      col((s) => s.reason !== undefined),
      col((s) => s.reason ?? null),
      col((s) => s.orphaned ?? null),
      col((s) => s.resolutionRun !== undefined),
      col((s) => s.resolutionRun ?? null),
      col((s) => s.seenCount ?? null),
      col((s) => s.clearPending === true),
    ],
  );
}
