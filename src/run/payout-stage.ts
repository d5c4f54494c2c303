/**
 * The payout leg of a run (DESIGN §3.5, §6.2), in the commit's transaction, after the findings of
 * the other legs: payouts are one row per merchant and day, so this is the coordinator's work, in
 * objects and set-based SQL.
 *
 * 1. Keep: this run's payout rows (recon.payout, account numbers masked by the scan) and what its
 *    clearing rows add to each (merchant, settle_date)'s expected payout (recon.payout_expected).
 *    Both are kept on every run, so the leg knows what was expected when its first payout file comes.
 * 2. When the run has a payout leg (payout files, or payout rows in the store):
 *    - every FAILED or RETURNED payout read raises PAYOUT_RETURNED, every HELD one PAYOUT_HELD (rule 3),
 *      one per payout; a PAID row resolves the PAYOUT_HELD of its payout and the PAYOUT_RETURNED of
 *      the payouts it re-pays (orig_payout_id, back along the chain);
 *    - the pairs whose deadline (settle_date + grace working days) falls in (the run before, D] are
 *      checked (payout-check.ts), and so are pairs checked before that get a payout now (rule 2: it
 *      resolves a PAYOUT_MISSING and is checked then); the expected payout of a pair is what the
 *      runs up to its check read (rule 5).
 * Every change to an earlier finding is logged for undo (run-store.ts logChanges); a rerun takes the
 * run's payout rows, sums and findings back with the rest.
 */

import { PAYOUT_STATUS_NAMES } from '../core/codes.js';
import { formatIsoDate, formatZone, parseIsoDate, type WorkCalendar, workCalendarFor } from '../core/dates.js';
import { addPayoutSum, allocPayoutSums, PAYOUT_TEXTS, type PayoutRows, type PayoutSums } from '../core/payout-rows.js';
import { PAYOUT_FINDING_COLUMNS } from '../core/store-columns.js';
import { InputError } from '../inputs/errors.js';
import { logChanges } from '../store/run-store.js';
import type { Store } from '../store/store.js';
import type { RunContext } from './context.js';
import type { FindingIds } from './finding-ids.js';
import { chainsOf, checkPair, type PayoutRow } from './payout-check.js';
import type { Scanned } from './scan-stage.js';

/**
 * A run's expected-payout sums: what its clearing rows add to each (merchant, settle_date), merged
 * from the scan's chunks into one table (payout-rows.ts PayoutSums; firstLine the file's line), with
 * the file of each entry's first row.
 */
interface ExpectedSums {
  table: PayoutSums;
  /** Entry k's first row's file. */
  file: number[];
}

export interface PayoutSummary {
  /** Whether the run checked the payout leg (payout files, or payout state in the store). */
  readonly checked: boolean;
  /** Payout rows read by this run: kept + rejected (the rows-in equation of the leg). */
  readonly rowsIn: number;
  /** Payout rows kept (recon.payout). */
  readonly rows: number;
  readonly rejected: number;
  /** Pairs (merchant, settle_date) checked by this run. */
  readonly pairsChecked: number;
  /** Earlier payout findings this run resolved. */
  readonly resolved: number;
}

/**
 * How far back a settle date may lie whose deadline falls on this run: --grace working days (at most
 * 30) and the holidays between them stay well inside it.
 */
const DUE_LOOKBACK_DAYS = 90;

const PAIR_KINDS = ['PAYOUT_MISSING', 'PAYOUT_MISMATCH', 'PAYOUT_DUPLICATE', 'UNEXPECTED_PAYOUT'] as const;

export async function payoutLeg(run: RunContext, tx: Store, scanned: Scanned, ids: FindingIds): Promise<PayoutSummary> {
  const { options, inputs } = run;
  const date = options.date;
  const { rows, sums } = gather(run, scanned);
  // The rows-in equation of the leg: every payout row read is kept or rejected.
  let rowsIn = 0;
  let rejected = 0;
  for (const plan of inputs.plans) {
    if (plan.side !== 'payout') continue;
    const f = scanned.lines.fileRows.get(plan)!;
    rowsIn += f.rows + f.rejected;
    rejected += f.rejected;
  }
  if (rows.length + rejected !== rowsIn)
    throw new Error(`internal: payout rows do not add up: ${rowsIn} in ≠ ${rows.length} kept + ${rejected} rejected`);
  const read = { rowsIn, rows: rows.length, rejected };
  await keep(tx, date, rows, sums);
  const hasFiles = inputs.plans.some((p) => p.side === 'payout');
  // The leg starts with the first run given payout files (an empty one too: a day without payouts):
  // settle dates before it are not checked
  // (their payouts may have been made before recon read any; a first payout file must not turn every
  // merchant's last payout into a PAYOUT_MISSING).
  const first = await tx.query<{ d: string | null }>(
    `select min(run_date)::text as d from recon.input_file where side = 'payout' and run_date < $1::date`,
    [date],
  );
  const legStart = first[0]?.d ?? (hasFiles ? date : null);
  if (legStart === null) return { checked: false, ...read, pairsChecked: 0, resolved: 0 };

  const cal = workCalendarFor(inputs.calendar);
  const zone = formatZone(inputs.calendar.zoneOffsetMinutes);
  const writer = new FindingWriter(date, zone, ids);
  let resolved = 0;

  // Rule 3: FAILED/RETURNED and HELD, raised when read, one finding per payout.
  const raisedFor = new Set(
    (
      await tx.query<{ kind: string; payout_id: string }>(
        `select kind, payout_id from recon.exception where payout_id = any($1::text[]) and kind in ('PAYOUT_RETURNED', 'PAYOUT_HELD')`,
        [[...new Set(rows.filter((r) => r.status !== 'PAID').map((r) => r.payoutId))]],
      )
    ).map((r) => `${r.kind}|${r.payout_id}`),
  );
  for (const r of rows) {
    const kind = r.status === 'HELD' ? 'PAYOUT_HELD' : r.status === 'PAID' ? null : 'PAYOUT_RETURNED';
    if (kind === null || raisedFor.has(`${kind}|${r.payoutId}`)) continue;
    raisedFor.add(`${kind}|${r.payoutId}`);
    writer.add({
      kind,
      subject: r,
      merchantId: r.merchantId,
      settleDate: r.settleDate,
      day: r.statusDate,
      payout: r,
      paid: r.amount,
      atStake: r.amount,
    });
  }

  // Rule 2: the pairs whose check is due, and pairs checked before that get a payout now.
  const runs = (
    await tx.query<{ d: string }>('select run_date::text as d from recon.run where run_date < $1::date order by 1', [
      date,
    ])
  ).map((r) => r.d);
  // Asked for every payout row (20,000 a night): once per settle date.
  const checkRuns = new Map<string, string | null>();
  const checkRunOf = (settleDate: string): string | null => {
    if (checkRuns.has(settleDate)) return checkRuns.get(settleDate)!;
    const deadline = deadlineOf(cal, settleDate, options.grace, inputs.calendarPath);
    const check = deadline > date ? null : (runs.find((d) => d >= deadline) ?? date);
    checkRuns.set(settleDate, check);
    return check;
  };
  // The settle dates whose check is this run's: deadline in (the run before, D], by the calendar
  // alone (a deadline is at most a few weeks after its settle date, holidays included).
  const dueDates: string[] = [];
  for (let day = options.runDay - DUE_LOOKBACK_DAYS; day <= options.runDay; day++) {
    if (!cal.covers(day) || !cal.covers(cal.deadline(day, options.grace))) continue;
    const settleDate = formatIsoDate(day);
    if (settleDate >= legStart && checkRunOf(settleDate) === date) dueDates.push(settleDate);
  }
  const late = new Map<string, { merchantId: string; settleDate: string }>();
  // A payout for a settle date before the window the store keeps (--window-days, retention.ts) is
  // kept and not checked: what was expected of it is gone.
  const windowFrom = formatIsoDate(options.runDay - options.windowDays);
  for (const r of rows) {
    const check = checkRunOf(r.settleDate);
    if (check !== null && check < date && r.settleDate >= windowFrom && r.settleDate >= legStart)
      late.set(pairKey(r.merchantId, r.settleDate), r);
  }
  const scope = `(p.settle_date = any($1::date[]) or (p.settle_date, p.merchant_id) in (select * from unnest($2::date[], $3::text[])))`;
  const scopeParams = [
    dueDates,
    [...late.values()].map((p) => p.settleDate),
    [...late.values()].map((p) => p.merchantId),
  ];
  // The expected payouts of the pairs in scope: each run's arrays of a settle date, unnested.
  const inScope = dueDates.length > 0 || late.size > 0;
  const expectedRows = !inScope
    ? []
    : await tx.query<{
        merchant_id: string;
        settle_date: string;
        run_date: string;
        amount_minor: string;
        c_file: number;
        c_line: number;
      }>(
        `select p.merchant_id, p.settle_date::text as settle_date, p.run_date::text as run_date,
            p.amount_minor::text as amount_minor, p.c_file, p.c_line
       from (select e.run_date, e.settle_date, lpad(m.merchant::text, 15, '0') as merchant_id, m.amount as amount_minor,
                    m.c_file, m.c_line
               from recon.payout_expected e,
                    unnest(e.merchants, e.amounts, e.c_files, e.c_lines) as m(merchant, amount, c_file, c_line)
              where e.settle_date = any($1::date[]) or e.settle_date = any($2::date[])) p
      where ${scope}
      order by p.run_date`,
        scopeParams,
      );
  const scopePairs = new Set(late.keys());
  const due = new Set(dueDates);
  const payoutRows = (await storedPayouts(tx, [...dueDates, ...[...late.values()].map((p) => p.settleDate)])).filter(
    (r) => due.has(r.settleDate) || scopePairs.has(pairKey(r.merchantId, r.settleDate)),
  );
  const existing = !inScope
    ? []
    : await tx.query<ExistingFinding>(
        `select kind, s_side, s_run::text as s_run, s_file, s_line, status, duplicate_count, amount_at_stake::text as amount_at_stake,
                merchant_id, settle_date::text as settle_date
           from recon.exception p where kind = any($4::text[]) and ${scope}`,
        [...scopeParams, PAIR_KINDS],
      );

  const pairs = new Map<string, Pair>();
  const pairOf = (merchantId: string, settleDate: string): Pair => {
    const k = pairKey(merchantId, settleDate);
    let p = pairs.get(k);
    if (!p) {
      p = { merchantId, settleDate, expected: new Map(), first: null, payouts: [], findings: [] };
      pairs.set(k, p);
    }
    return p;
  };
  for (const e of expectedRows) {
    const p = pairOf(e.merchant_id, e.settle_date);
    p.expected.set(e.run_date, Number(e.amount_minor));
    p.first ??= { run: e.run_date, file: e.c_file, line: e.c_line };
  }
  for (const r of payoutRows) pairOf(r.merchantId, r.settleDate).payouts.push(r);
  for (const f of existing) pairOf(f.merchant_id, f.settle_date).findings.push(f);

  const changes: Change[] = [];
  for (const p of pairs.values()) {
    const check = checkRunOf(p.settleDate);
    if (check === null) continue;
    let expected = 0;
    for (const [runDate, amount] of p.expected) if (runDate <= check) expected += amount;
    const verdict = checkPair(expected, chainsOf(p.payouts), options.amountTolerance);
    const has = (kind: string) => p.findings.find((f) => f.kind === kind);
    const pairFinding = {
      merchantId: p.merchantId,
      settleDate: p.settleDate,
      day: p.settleDate,
      expected,
      clearing: p.first,
    };
    // PAYOUT_MISSING: raised once; resolved by the first payout after it.
    const missing = has('PAYOUT_MISSING');
    if (verdict.missing && !missing && p.first)
      writer.add({ ...pairFinding, kind: 'PAYOUT_MISSING', subject: { ...p.first, side: 'C' }, atStake: expected });
    if (!verdict.missing && missing?.status === 'open') changes.push({ finding: missing, status: 'resolved' });
    const mismatch = has('PAYOUT_MISMATCH');
    if (verdict.mismatch) {
      const m = verdict.mismatch;
      if (!mismatch)
        writer.add({
          ...pairFinding,
          kind: 'PAYOUT_MISMATCH',
          subject: m.subject,
          payout: m.subject,
          paid: m.paid,
          atStake: m.atStake,
        });
      else if (mismatch.status !== 'open' || Number(mismatch.amount_at_stake) !== m.atStake)
        changes.push({ finding: mismatch, status: 'open', atStake: m.atStake });
    } else if (mismatch?.status === 'open') changes.push({ finding: mismatch, status: 'resolved' });
    const duplicate = has('PAYOUT_DUPLICATE');
    if (verdict.duplicate) {
      const d = verdict.duplicate;
      const atStake = d.count * d.amount;
      if (!duplicate)
        writer.add({
          ...pairFinding,
          kind: 'PAYOUT_DUPLICATE',
          subject: d.subject,
          payout: d.subject,
          paid: d.amount,
          atStake,
          duplicates: d.count,
        });
      else if (duplicate.status !== 'open' || duplicate.duplicate_count !== d.count)
        changes.push({ finding: duplicate, status: 'open', atStake, duplicates: d.count });
    } else if (duplicate?.status === 'open') changes.push({ finding: duplicate, status: 'resolved' });
    for (const c of verdict.unexpected) {
      const subject = c.first;
      const raised = p.findings.some(
        (f) =>
          f.kind === 'UNEXPECTED_PAYOUT' &&
          f.s_run === subject.run &&
          f.s_file === subject.file &&
          f.s_line === subject.line,
      );
      if (!raised)
        writer.add({
          ...pairFinding,
          kind: 'UNEXPECTED_PAYOUT',
          expected: null,
          subject,
          payout: subject,
          paid: c.latest.amount,
          atStake: c.latest.amount,
        });
    }
  }

  await tx.copyIn('recon.exception', PAYOUT_FINDING_COLUMNS, [writer.bytes()]);
  resolved += await applyChanges(tx, date, changes);
  resolved += await settlePayouts(tx, date, rows);
  return {
    checked: true,
    ...read,
    pairsChecked: [...pairs.values()].filter((p) => checkRunOf(p.settleDate) !== null).length,
    resolved,
  };
}

function pairKey(merchantId: string, settleDate: string): string {
  return `${settleDate}|${merchantId}`;
}

/** settle_date + grace working days (DESIGN §6: a payout's deadline), within the calendar. */
function deadlineOf(cal: WorkCalendar, settleDate: string, grace: number, calendarPath: string): string {
  const day = parseIsoDate(settleDate);
  const deadline = cal.deadline(day, grace);
  if (!cal.covers(day) || !cal.covers(deadline))
    throw new InputError(
      calendarPath,
      `the payout leg needs the working days after ${settleDate}, outside the calendar's covered span ${formatIsoDate(cal.first)}..${formatIsoDate(cal.last)}: extend its holidays and "covers"`,
    );
  return formatIsoDate(deadline);
}

interface Pair {
  merchantId: string;
  settleDate: string;
  /** What each run added to the expected payout. */
  expected: Map<string, number>;
  /** The first clearing row that counted (the earliest run's). */
  first: { run: string; file: number; line: number } | null;
  payouts: PayoutRow[];
  findings: ExistingFinding[];
}

interface ExistingFinding {
  kind: string;
  s_side: string;
  s_run: string;
  s_file: number;
  s_line: number;
  status: string;
  duplicate_count: number;
  amount_at_stake: string;
  merchant_id: string;
  settle_date: string;
}

/** What names a finding (its subject row and kind): what a change to it needs. */
type FindingKey = Pick<ExistingFinding, 'kind' | 's_side' | 's_run' | 's_file' | 's_line'>;

interface Change {
  finding: FindingKey;
  status: 'open' | 'resolved';
  atStake?: number;
  duplicates?: number;
}

/** Changes earlier findings, each logged for undo first. */
async function applyChanges(tx: Store, date: string, changes: readonly Change[]): Promise<number> {
  if (changes.length === 0) return 0;
  const f = changes.map((c) => c.finding);
  const params = [
    date,
    f.map((x) => x.kind),
    f.map((x) => x.s_side),
    f.map((x) => x.s_run),
    f.map((x) => x.s_file),
    f.map((x) => x.s_line),
    changes.map((c) => c.status),
    changes.map((c) => c.atStake ?? null),
    changes.map((c) => c.duplicates ?? null),
  ];
  // Every change in two statements, as run-store.ts resolveFindings does.
  const rows = `(select * from unnest($2::text[], $3::text[], $4::date[], $5::int[], $6::int[], $7::text[], $8::bigint[], $9::int[]))
                  as c(kind, side, run, file, line, status, at_stake, dups)`;
  const cond = `e.kind = c.kind and e.s_side = c.side and e.s_run = c.run and e.s_file = c.file and e.s_line = c.line`;
  await logChanges(tx, `recon.exception e join ${rows} on ${cond}`, params);
  await tx.query(
    `update recon.exception e
        set status = c.status, resolved_on = case when c.status = 'resolved' then $1::date end,
            amount_at_stake = coalesce(c.at_stake, e.amount_at_stake), duplicate_count = coalesce(c.dups, e.duplicate_count)
       from ${rows} where ${cond}`,
    params,
  );
  return changes.filter((c) => c.status === 'resolved').length;
}

/**
 * PAID rows of this run: the PAYOUT_HELD of the same payout, and the PAYOUT_RETURNED of every payout
 * it re-pays along its chain, are resolved (rule 3; those raised by this run too).
 */
async function settlePayouts(tx: Store, date: string, rows: readonly PayoutRow[]): Promise<number> {
  const paid = rows.filter((r) => r.status === 'PAID');
  if (paid.length === 0) return 0;
  // The open held and returned payouts (few: the partial index of open findings by kind); none, and
  // no PAID row settles anything.
  const open = await tx.query<FindingKey & { payout_id: string }>(
    `select kind, s_side, s_run::text as s_run, s_file, s_line, payout_id
       from recon.exception where status = 'open' and kind in ('PAYOUT_HELD', 'PAYOUT_RETURNED')`,
  );
  if (open.length === 0) return 0;
  // A PAID row settles the PAYOUT_HELD of its own payout.
  const held = new Set(open.filter((f) => f.kind === 'PAYOUT_HELD').map((f) => f.payout_id));
  const paidHeld = new Set(paid.filter((r) => held.has(r.payoutId)).map((r) => r.payoutId));
  // And the PAYOUT_RETURNED of each payout it re-pays: its orig, and theirs, back along the chain (a
  // re-payout is of its payout's merchant and settle date: the pair's rows hold the chain).
  const repays = open.some((f) => f.kind === 'PAYOUT_RETURNED') ? paid.filter((r) => r.origPayoutId !== null) : [];
  const origOf = new Map<string, string>();
  if (repays.length > 0) {
    const pairs = new Set(repays.map((r) => pairKey(r.merchantId, r.settleDate)));
    const chainRows = (
      await storedPayouts(
        tx,
        repays.map((r) => r.settleDate),
      )
    )
      .filter((r) => r.origPayoutId !== null && pairs.has(pairKey(r.merchantId, r.settleDate)))
      .map((r) => ({ id: r.payoutId, o: r.origPayoutId! }));
    for (const c of chainRows) origOf.set(c.id, c.o);
  }
  const repaid = new Set<string>();
  for (const r of repays) {
    let at: string | undefined = r.origPayoutId!;
    while (at !== undefined && !repaid.has(at)) {
      repaid.add(at);
      at = origOf.get(at);
    }
  }
  const settled = open.filter((f) => (f.kind === 'PAYOUT_HELD' ? paidHeld : repaid).has(f.payout_id));
  return applyChanges(
    tx,
    date,
    settled.map((finding) => ({ finding, status: 'resolved' })),
  );
}

// Reading the scan's payout rows and sums

/** This run's payout rows and expected-payout sums, from the scan's results, with their lines. */
function gather(run: RunContext, scanned: Scanned): { rows: PayoutRow[]; sums: ExpectedSums } {
  const date = run.options.date;
  const { results, chunksOf, lines } = scanned;
  const rows: PayoutRow[] = [];
  // Typed arrays, as the scan sums: a Map of objects per entry of every chunk cost 20–55 ms a 2M run.
  // Room for every chunk's entries at once: growing re-adds them all.
  let entries = 0;
  for (const r of results.values()) entries += r.payoutSums?.length ?? 0;
  let table = allocPayoutSums(Math.max(1024, 2 ** Math.ceil(Math.log2(entries + 1))));
  const file: number[] = [];
  const texts = new TextReader();
  for (const plan of run.inputs.plans) {
    for (const id of chunksOf.get(plan)!) {
      const r = results.get(id)!;
      const base = lines.lineBase.get(id) ?? 0;
      if (r.payouts) for (const row of payoutObjects(r.payouts, date, plan.fileNo, base, texts)) rows.push(row);
      const s = r.payoutSums;
      if (!s) continue;
      for (let k = 0; k < s.length; k++) {
        const before = table.length;
        table = addPayoutSum(table, s.merchant[k]!, s.settle[k]!, s.net[k]!, base + s.firstLine[k]!, s.rows[k]!);
        if (table.length > before) file.push(plan.fileNo);
      }
    }
  }
  return { rows, sums: { table, file } };
}

function merchantText(v: number): string {
  return String(v).padStart(15, '0');
}

function payoutObjects(p: PayoutRows, run: string, file: number, base: number, texts: TextReader): PayoutRow[] {
  const out: PayoutRow[] = [];
  const all = texts.whole(p);
  const text = (r: number, k: number): string | null => {
    const at = r * PAYOUT_TEXTS + k;
    const s = at === 0 ? 0 : p.ends[at - 1]!;
    const e = p.ends[at]!;
    if (s === e) return null;
    return all !== null ? all.slice(s, e) : texts.decode(p.text.subarray(s, e));
  };
  for (let r = 0; r < p.length; r++) {
    out.push({
      run,
      file,
      line: base + p.line[r]!,
      payoutId: text(r, 0) ?? '',
      merchantId: merchantText(p.merchant[r]!),
      settleDate: texts.day(p.settle[r]!),
      amount: p.amount[r]!,
      status: PAYOUT_STATUS_NAMES[p.status[r]!] as PayoutRow['status'],
      statusDate: texts.day(p.statusDate[r]!),
      reasonCode: text(r, 1),
      accountMasked: text(r, 2),
      origPayoutId: text(r, 3),
      currency: texts.currency(p.currency[r]!),
    });
  }
  return out;
}

/**
 * Turns the scan's bytes and codes into the strings of payout rows, each distinct date and currency
 * once: 20,000 rows took 60–75 ms with a TextDecoder call per value and a date formatted per row.
 */
class TextReader {
  private readonly dec = new TextDecoder();
  private readonly days = new Map<number, string>();
  private readonly currencies = new Map<number, string>();

  /** A chunk's text values as one string, when they are all ASCII (byte offsets = string offsets). */
  whole(p: PayoutRows): string | null {
    const t = p.text;
    for (let i = 0; i < p.textLength; i++) if (t[i]! >= 0x80) return null;
    return this.dec.decode(t.subarray(0, p.textLength));
  }

  decode(b: Uint8Array): string {
    return this.dec.decode(b);
  }

  day(epochDay: number): string {
    let d = this.days.get(epochDay);
    if (d === undefined) {
      d = formatIsoDate(epochDay);
      this.days.set(epochDay, d);
    }
    return d;
  }

  currency(c: number): string {
    let s = this.currencies.get(c);
    if (s === undefined) {
      s = String.fromCharCode((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
      this.currencies.set(c, s);
    }
    return s;
  }
}

// The store

/**
 * The payout rows kept for these settle dates (recon.payout: a text of tab-separated lines per
 * file and settle date, migration 0009), as objects.
 */
async function storedPayouts(tx: Store, settleDates: readonly string[]): Promise<PayoutRow[]> {
  if (settleDates.length === 0) return [];
  const kept = await tx.query<{ run_date: string; file_no: number; settle_date: string; data: string }>(
    `select run_date::text as run_date, file_no, settle_date::text as settle_date, data
       from recon.payout where settle_date = any($1::date[])`,
    [[...new Set(settleDates)]],
  );
  const out: PayoutRow[] = [];
  for (const k of kept)
    for (const line of k.data.split('\n')) {
      const f = line.split('\t');
      out.push({
        run: k.run_date,
        file: k.file_no,
        line: Number(f[0]),
        payoutId: f[1]!,
        merchantId: f[2]!,
        settleDate: k.settle_date,
        amount: Number(f[3]),
        currency: f[4]!,
        status: f[5] as PayoutRow['status'],
        statusDate: f[6]!,
        reasonCode: f[7] || null,
        accountMasked: f[8] || null,
        origPayoutId: f[9] || null,
      });
    }
  return out;
}

/** A payout row as a line of recon.payout's text (tab-separated; null as empty). */
function storedLine(r: PayoutRow): string {
  return `${r.line}\t${r.payoutId}\t${r.merchantId}\t${r.amount}\t${r.currency}\t${r.status}\t${r.statusDate}\t${r.reasonCode ?? ''}\t${r.accountMasked ?? ''}\t${r.origPayoutId ?? ''}`;
}

const PAYOUT_COLUMNS = ['run_date', 'file_no', 'settle_date', 'row_count', 'data'] as const;

const EXPECTED_COLUMNS = ['run_date', 'settle_date', 'merchants', 'amounts', 'counted', 'c_files', 'c_lines'];

/** Writes this run's payout rows and sums (COPY). */
async function keep(tx: Store, date: string, rows: readonly PayoutRow[], sums: ExpectedSums): Promise<void> {
  if (rows.length > 0) {
    // A row per (file, settle date), its payout rows as lines of one text (migration 0009).
    const byFile = new Map<number, Map<string, PayoutRow[]>>();
    for (const r of rows) {
      let f = byFile.get(r.file);
      if (!f) {
        f = new Map();
        byFile.set(r.file, f);
      }
      const g = f.get(r.settleDate);
      if (g) g.push(r);
      else f.set(r.settleDate, [r]);
    }
    const lines = [...byFile.values()]
      .flatMap((f) => [...f.values()])
      .map((g) => csvRow([date, g[0]!.file, g[0]!.settleDate, g.length, g.map(storedLine).join('\n')]));
    await tx.copyIn('recon.payout', PAYOUT_COLUMNS, [new TextEncoder().encode(lines.join(''))]);
  }
  const t = sums.table;
  if (t.length > 0) {
    // A row per settle date, a value per merchant in each array (migration 0009), in the order met.
    const bySettle = new Map<number, number[]>();
    for (let k = 0; k < t.length; k++) {
      const d = bySettle.get(t.settle[k]!);
      if (d) d.push(k);
      else bySettle.set(t.settle[k]!, [k]);
    }
    const array = (ks: readonly number[], value: (k: number) => number): string => `"{${ks.map(value).join(',')}}"`;
    const lines = [...bySettle].map(
      ([settle, ks]) =>
        `${date},${formatIsoDate(settle)},${array(ks, (k) => t.merchant[k]!)},${array(ks, (k) => t.net[k]!)},${array(ks, (k) => t.rows[k]!)},${array(ks, (k) => sums.file[k]!)},${array(ks, (k) => t.firstLine[k]!)}\n`,
    );
    await tx.copyIn('recon.payout_expected', EXPECTED_COLUMNS, [new TextEncoder().encode(lines.join(''))]);
  }
}

/** One CSV line for COPY: null is NULL (unquoted empty); text is quoted (so '' stays ''). */
function csvRow(values: readonly (string | number | null)[]): string {
  return `${values
    .map((v) => (v === null ? '' : typeof v === 'number' ? String(v) : `"${v.replaceAll('"', '""')}"`))
    .join(',')}\n`;
}

// New findings

interface NewFinding {
  kind: string;
  /** The subject row: a payout row, or (PAYOUT_MISSING) the first clearing row that counted. */
  subject: { run: string; file: number; line: number; side?: 'C' };
  merchantId: string;
  settleDate: string;
  /** The day txn_time shows (at 00:00 in the run's zone): the status date, or the settle date. */
  day: string;
  expected?: number | null;
  clearing?: { run: string; file: number; line: number } | null;
  payout?: PayoutRow;
  paid?: number;
  atStake: number;
  duplicates?: number;
}

/** Payout findings as CSV rows of PAYOUT_FINDING_COLUMNS, each with its id. */
class FindingWriter {
  private readonly lines: string[] = [];
  constructor(
    private readonly date: string,
    private readonly zone: string,
    private readonly ids: FindingIds,
  ) {}

  add(f: NewFinding): void {
    const side = f.subject.side ?? 'P';
    const p = f.payout;
    const c = f.clearing ?? null;
    const value: Record<string, string | number | null> = {
      id: this.ids.idOf(f.kind, side, f.subject.run, f.subject.file, f.subject.line),
      raised_on: this.date,
      kind: f.kind,
      status: 'open',
      s_side: side,
      s_run: f.subject.run,
      s_file: f.subject.file,
      s_line: f.subject.line,
      merchant_id: f.merchantId,
      txn_time: `${f.day}T00:00:00${this.zone}`,
      txn_business_date: f.settleDate,
      clearing_amount_minor: f.expected ?? null,
      settle_date: f.settleDate,
      days_late: 0,
      duplicate_count: f.duplicates ?? 0,
      amount_at_stake: f.atStake,
      c_run: c?.run ?? null,
      c_file: c?.file ?? null,
      c_line: c?.line ?? null,
      payout_id: p?.payoutId ?? null,
      reason_code: p?.reasonCode ?? null,
      account_masked: p?.accountMasked ?? null,
      payout_amount_minor: f.paid ?? null,
      p_run: p?.run ?? null,
      p_file: p?.file ?? null,
      p_line: p?.line ?? null,
    };
    this.lines.push(csvRow(PAYOUT_FINDING_COLUMNS.map((name) => value[name] ?? null)));
  }

  bytes(): Uint8Array {
    return new TextEncoder().encode(this.lines.join(''));
  }
}
