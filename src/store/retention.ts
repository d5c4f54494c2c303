/**
 * Retention (DESIGN §7): a store that runs every night for years must not grow without bound. Each
 * run prunes, inside its own transaction, the carried state that none of the runs it can still be
 * replayed from needs:
 *
 * - open-item snapshots older than the one the earliest replayable run reads (each run writes a
 *   full snapshot; a run reads only the snapshot of the run before it);
 * - the undo log (recon.exception_change) of runs that can no longer be taken back;
 * - journal-window pages and segments, and late credits of journal rows, of business dates before
 *   the window of the earliest replayable run (no lookup of a kept run reaches them);
 * - the payout leg's rows and expected payouts of settle dates before that window (a payout for a
 *   settle date that old is kept, and checked no more: src/run/payout-stage.ts).
 *
 * The latest `keepRuns` runs (this one included) can be re-run or replayed; the earliest of them is
 * the run's `replay_from`, recorded with it, and a replay from an earlier date is refused. Findings,
 * runs, input files and rejected rows are the audit trail: kept (`recon db prune` removes them
 * explicitly).
 */
import { formatIsoDate, parseIsoDate } from '../core/dates.js';
import { UsageError } from '../core/usage-error.js';
import type { Store } from './store.js';

/** What a run may prune, as of run `date`. */
export interface Horizon {
  /** The earliest date a replay may start from (a run date; `date` itself when keepRuns is 1). */
  replayFrom: string;
  /** The run before replayFrom, whose open-item snapshot replayFrom reads; null when there is none. */
  snapshotFrom: string | null;
  /** The first business date a lookup of a replayable run reaches: replayFrom − windowDays. */
  windowFrom: string;
}

/** Rows a run's pruning removed, by kind. */
export interface Pruned {
  openItems: number;
  changeLog: number;
  windowPages: number;
  windowSegments: number;
  windowCredits: number;
  payouts: number;
  payoutExpected: number;
}

/**
 * The horizon of run `date` (not yet in recon.run): the keepRuns-th latest run with it, never
 * earlier than the horizon of the run before it (what was pruned stays pruned).
 */
export async function horizonOf(tx: Store, date: string, keepRuns: number, windowDays: number): Promise<Horizon> {
  const earlier = await tx.query<{ d: string; from: string | null }>(
    `select run_date::text as d, replay_from::text as "from" from recon.run
      where run_date < $1::date order by run_date desc limit $2`,
    [date, keepRuns],
  );
  const runs = [date, ...earlier.map((r) => r.d)];
  let at = Math.min(keepRuns - 1, runs.length - 1);
  // Never back past the horizon the latest earlier run had.
  const before = earlier[0]?.from ?? null;
  while (before !== null && at > 0 && runs[at]! < before) at--;
  const replayFrom = runs[at]!;
  // The query holds every earlier run when it returned fewer than asked: then none is missing here.
  return {
    replayFrom,
    snapshotFrom: runs[at + 1] ?? null,
    windowFrom: formatIsoDate(parseIsoDate(replayFrom) - windowDays),
  };
}

/**
 * Deletes what no run from `h.replayFrom` on needs; returns how many rows of each kind. One statement
 * (a deleting CTE per table): it runs on every run, mostly deleting nothing.
 */
export async function prune(tx: Store, h: Horizon): Promise<Pruned> {
  // What each kind is deleted by, and the horizon it keeps from ($1 snapshotFrom, null: keep all;
  // $2 replayFrom; $3 windowFrom).
  const kinds: readonly (readonly [keyof Pruned, string])[] = [
    ['openItems', 'delete from recon.open_item where created_by < $1::date'],
    ['changeLog', 'delete from recon.exception_change where run_date < $2::date'],
    ['windowPages', 'delete from recon.window_page where business_date < $3::date'],
    ['windowSegments', 'delete from recon.window_segment where business_date < $3::date'],
    // By the journal row's business date, as its window record is kept (not its run: a row after
    // the cutoff is of the next day).
    ['windowCredits', 'delete from recon.window_credit where business_date < $3::date'],
    ['payouts', 'delete from recon.payout where settle_date < $3::date'],
    ['payoutExpected', 'delete from recon.payout_expected where settle_date < $3::date'],
  ];
  const [row] = await tx.query<Record<string, number>>(
    `with ${kinds.map(([k, sql]) => `"${k}" as (${sql} returning 1)`).join(',\n')}
     select ${kinds.map(([k]) => `(select count(*) from "${k}")::int as "${k}"`).join(', ')}`,
    [h.snapshotFrom, h.replayFrom, h.windowFrom],
  );
  return Object.fromEntries(kinds.map(([k]) => [k, Number(row![k])])) as unknown as Pruned;
}

/** The earliest date a replay may start from, as the latest run left the store; null: any. */
export async function replayHorizon(tx: Store): Promise<{ latest: string; replayFrom: string | null } | null> {
  const rows = await tx.query<{ d: string; from: string | null }>(
    `select run_date::text as d, replay_from::text as "from" from recon.run order by run_date desc limit 1`,
  );
  return rows[0] ? { latest: rows[0].d, replayFrom: rows[0].from } : null;
}

/**
 * After a run that pruned (outside its transaction: VACUUM cannot run in one), marks the pruned
 * tables' space reusable, so that the next nights fill it instead of growing the files. The
 * embedded store has no autovacuum; a server's would get there too, later.
 */
export async function reclaim(store: Store, runs: readonly Pruned[]): Promise<void> {
  const any = (k: keyof Pruned): boolean => runs.some((p) => p[k] > 0);
  const tables: string[] = [];
  if (any('openItems')) tables.push('recon.open_item');
  if (any('changeLog')) tables.push('recon.exception_change');
  if (any('windowPages')) tables.push('recon.window_page');
  if (any('windowSegments')) tables.push('recon.window_segment');
  if (any('windowCredits')) tables.push('recon.window_credit');
  if (any('payouts')) tables.push('recon.payout');
  if (any('payoutExpected')) tables.push('recon.payout_expected');
  if (tables.length > 0) await store.query(`vacuum ${tables.join(', ')}`);
}

/** What `recon db prune --before D` removes (or, dry, would). */
export interface AuditPrune {
  before: string;
  findings: number;
  changeLog: number;
  rejectedRows: number;
  inputFiles: number;
  runs: number;
  /** Runs before D kept because a kept finding or open item points into their files. */
  runsKept: number;
  /** The cases of the findings removed, and their events in the audit trail. */
  cases: number;
  events: number;
  /** Stretches of the trail removed (recon.audit_cut: the rest chains across each). */
  cuts: number;
}

/**
 * Removes the audit trail before `before` on an operator's word (`recon db prune`): resolved
 * findings raised before it, their undo entries, the rejected rows of runs before it, and those
 * runs' records and input files, except files a kept finding or open item points into (a finding's
 * source shows their path) and the runs they belong to. Open findings stay: later runs still grow,
 * resolve or re-raise them (rules 10, 13). Refused when `before` is past the first run the store
 * still needs: the snapshot the earliest replayable run starts from, and the runs whose rows the
 * journal window may still hold (a finding raised from it names their file). `dryRun`: counts only.
 */
export async function pruneAuditTrail(tx: Store, before: string, dryRun: boolean): Promise<AuditPrune> {
  const [h] = await tx.query<{
    latest: string | null;
    from: string | null;
    need: string | null;
    window: number | null;
  }>(
    `select max(run_date)::text as latest,
            (select replay_from::text from recon.run order by run_date desc limit 1) as "from",
            (select max(r.run_date)::text from recon.run r
              where r.run_date < coalesce((select replay_from from recon.run order by run_date desc limit 1), 'infinity'::date)) as need,
            (select (options->>'windowDays')::int from recon.run order by run_date desc limit 1) as window
       from recon.run`,
  );
  if (!h?.latest)
    return {
      before,
      findings: 0,
      changeLog: 0,
      rejectedRows: 0,
      inputFiles: 0,
      runs: 0,
      runsKept: 0,
      cases: 0,
      events: 0,
      cuts: 0,
    };
  // The run whose open-item snapshot the earliest replayable run reads, and every later one, stay;
  // so do the runs that loaded rows of the window's business dates (a row after the cutoff is of the
  // day after its run's).
  const from = h.from ?? (await firstRun(tx));
  const snapshot = h.need ?? from;
  const firstNeeded = formatIsoDate(Math.min(parseIsoDate(snapshot), parseIsoDate(from) - (h.window ?? 30) - 1));
  if (before > firstNeeded)
    throw new UsageError(
      `db prune --before ${before} refused: the store needs its runs from ${firstNeeded} on (replays reach back to ${from}, and the journal window they read ${h.window ?? 30} days before it). Prune before ${firstNeeded} at most`,
    );
  const count = async (sql: string): Promise<number> =>
    Number((await tx.query<{ n: string }>(`select count(*)::text as n from (${sql}) x`, [before]))[0]!.n);
  const remove = async (sql: string): Promise<number> =>
    Number(
      (await tx.query<{ n: string }>(`with d as (${sql} returning 1) select count(*)::text as n from d`, [before]))[0]!
        .n,
    );
  const run = dryRun ? count : remove;
  const pick = (what: string, where: string): string =>
    dryRun ? `select 1 from ${what} where ${where}` : `delete from ${what} where ${where}`;
  // A finding whose case people still work (not closed) stays with its case and events, however old.
  const worked = `exists (select 1 from recon.case c where c.finding_id = e.id and c.state <> 'closed')`;
  // Files a kept finding or open item points into stay, and so do their runs: the pairs (run, file)
  // they name, found in one pass over each table (a hashed set, no lookup per file).
  const keptFindings = `(e.raised_on >= $1::date or e.status = 'open' or ${worked})`;
  const removedFindings = `e.raised_on < $1::date and e.status <> 'open' and not ${worked}`;
  // Their cases and events go with them; the events' stretches are recorded so the rest still verifies.
  const trail = dryRun
    ? {
        cases: await count(
          `select 1 from recon.case c join recon.exception e on e.id = c.finding_id where ${removedFindings}`,
        ),
        events: await count(
          `select 1 from recon.case_event v join recon.exception e on e.id = v.finding_id where ${removedFindings}`,
        ),
        cuts: await count(
          `select 1 from (select v.seq - row_number() over (order by v.seq) as stretch
                            from recon.case_event v join recon.exception e on e.id = v.finding_id
                           where ${removedFindings}) s group by s.stretch`,
        ),
      }
    : await cutTrail(tx, removedFindings, before);
  const referenced = `((f.run_date, f.file_no) in (
      select e.j_run, e.j_file from recon.exception e where ${keptFindings} and e.j_run < $1::date
      union all select e.c_run, e.c_file from recon.exception e where ${keptFindings} and e.c_run < $1::date
      union all select e.p_run, e.p_file from recon.exception e where ${keptFindings} and e.p_run < $1::date
      union all select p.run_date, p.file_no from recon.payout p where p.run_date < $1::date
      union all select o.src_run, o.src_file from recon.open_item o where o.src_run < $1::date))`;
  const out: AuditPrune = {
    before,
    findings: await run(pick('recon.exception e', removedFindings)),
    changeLog: await run(pick('recon.exception_change', 'run_date < $1::date')),
    rejectedRows: await run(pick('recon.rejected_row', 'run_date < $1::date')),
    inputFiles: await run(pick('recon.input_file f', `f.run_date < $1::date and not ${referenced}`)),
    runs: 0,
    runsKept: 0,
    ...trail,
  };
  const runsBefore = await count('select 1 from recon.run where run_date < $1::date');
  out.runs = await run(
    pick(
      'recon.run r',
      dryRun
        ? `r.run_date < $1::date and not exists (select 1 from recon.input_file f where f.run_date = r.run_date and f.run_date < $1::date and ${referenced})`
        : 'r.run_date < $1::date and not exists (select 1 from recon.input_file f where f.run_date = r.run_date)',
    ),
  );
  out.runsKept = runsBefore - out.runs;
  if (!dryRun)
    await tx.query(
      'insert into recon.prune (pruned_at, before, findings, rejected_rows, runs) values (now(), $1::date, $2, $3, $4)',
      [before, out.findings, out.rejectedRows, out.runs],
    );
  return out;
}

/**
 * Removes the cases and audit events of the findings `removed` selects (alias e, $1 = before),
 * recording each stretch of consecutive events removed in recon.audit_cut with the hash of its last
 * event, which the event after it chains from (the triggers let this one DELETE through:
 * recon.audit_cut = on, for this transaction only).
 */
async function cutTrail(
  tx: Store,
  removed: string,
  before: string,
): Promise<{ cases: number; events: number; cuts: number }> {
  await tx.exec('drop table if exists pg_temp.recon_pruned_findings');
  await tx.query(
    `create temp table recon_pruned_findings on commit drop as select e.id from recon.exception e where ${removed} and e.id is not null`,
    [before],
  );
  const cuts = (
    await tx.query(
      `insert into recon.audit_cut (cut_at, from_seq, through_seq, hash)
       select now(), min(s.seq), max(s.seq), (array_agg(s.hash order by s.seq desc))[1]
         from (select v.seq, v.hash, v.seq - row_number() over (order by v.seq) as stretch
                 from recon.case_event v join recon_pruned_findings p on p.id = v.finding_id) s
        group by s.stretch
       returning 1`,
    )
  ).length;
  await tx.exec(`set local recon.audit_cut = 'on'`);
  const events = (
    await tx.query('delete from recon.case_event v using recon_pruned_findings p where p.id = v.finding_id returning 1')
  ).length;
  await tx.exec(`set local recon.audit_cut = 'off'`);
  const cases = (
    await tx.query('delete from recon.case c using recon_pruned_findings p where p.id = c.finding_id returning 1')
  ).length;
  return { cases, events, cuts };
}

async function firstRun(tx: Store): Promise<string> {
  return (await tx.query<{ d: string }>('select min(run_date)::text as d from recon.run'))[0]!.d;
}

/** After `recon db prune`: the audit tables' space made reusable. */
export async function reclaimAudit(store: Store): Promise<void> {
  await store.query(
    'vacuum recon.exception, recon.exception_change, recon.rejected_row, recon.input_file, recon.run, recon.case, recon.case_event',
  );
}
