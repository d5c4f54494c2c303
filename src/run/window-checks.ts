/**
 * The two checks of a run against the journal window of earlier runs (DESIGN §6.1 rules 6 and 8
 * across runs), on the coordinator between the scan and the settle stage:
 *
 * - copies: a new journal row equal to a row the window holds (same identity key, type, response
 *   code and amount — rule 8) is a DUPLICATE_JOURNAL and is dropped before matching;
 * - credits no partition matched, looked up by their pass-1 key (order number) then pass-2 key
 *   (merchant, terminal, rrn) among sales that left the open set: a credit for a transaction already
 *   credited is a DUPLICATE_CREDIT (raised, or its count grows); the first credit of a sale closed
 *   without one because it was voided, reversed or declined is that sale's credit
 *   (VOIDED_BUT_SETTLED unless reversed, DECLINED_BUT_SETTLED) and the sale counts as credited from
 *   then on; further ones are duplicates. Every such credit is consumed: it never becomes
 *   UNMATCHED_CLEARING.
 *
 * Both are rare events among millions of rows; the lookups read pages of the stored segments.
 */

import type { RowBatch } from '../core/batch.js';
import { ByteWriter } from '../core/byte-writer.js';
import { KIND_DUPLICATE_CREDIT } from '../core/codes.js';
import { getI64 } from '../core/int64.js';
import { isCredit } from '../core/row-terms.js';
import { COPY_KEY_WIDTH, STATE_DECLINED, STATE_IDENTITY } from '../core/window-layout.js';
import { logChanges, scratchTable } from '../store/run-store.js';
import type { Store } from '../store/store.js';
import { FINDING_COPY_COLUMNS, type FindingIds } from './finding-ids.js';
import {
  creditKeys,
  creditTarget,
  Int32Tuples,
  isCredited,
  type JournalWindow,
  keyList,
  lateCreditKind,
  type WindowHit,
  writeWindowFinding,
} from './journal-window.js';

/** One scan chunk of journal rows, as the copy check sees it. */
export interface JournalChunk {
  /** Carried open items are never copies. */
  isNew: boolean;
  /** Rows of the chunk's batch of each partition. */
  rows: readonly number[];
  /** The scan's copy keys (COPY_KEY_WIDTH words each). */
  copyKeys: Int32Array;
}

/**
 * New journal rows that are copies of window rows: same identity key, type, response code and
 * amount. `chunks` are the journal chunks in task order. Returns, per partition, the ascending row
 * numbers (over its batches in that order) of the copies.
 */
export async function findWindowCopies(
  window: JournalWindow,
  chunks: readonly JournalChunk[],
  partitions: number,
): Promise<Int32Array[]> {
  const keys = keyList();
  // Per key: partition, row over the partition's batches, type | response << 8, amount (2 words).
  const where = new Int32Tuples(5);
  const base = new Int32Array(partitions);
  for (const ch of chunks) {
    if (ch.isNew) {
      const k = ch.copyKeys;
      for (let at = 0; at < k.length; at += COPY_KEY_WIDTH) {
        const p = k[at]!;
        keys.push(k[at + 2]!, k[at + 3]!, k[at + 4]!);
        where.push(p, base[p]! + k[at + 1]!, k[at + 5]!, k[at + 6]!, k[at + 7]!);
      }
    }
    for (let p = 0; p < partitions; p++) base[p]! += ch.rows[p]!;
  }
  const copies: number[][] = Array.from({ length: partitions }, () => []);
  const { keyOf, hits } = await window.lookup(keys, 0);
  const done = new Uint8Array(keys.n);
  const amount = new Int32Array(2);
  for (let x = 0; x < hits.length; x++) {
    const key = keyOf[x]!;
    if (done[key]) continue;
    const hit = hits[x]!;
    const w = key * 5;
    const typeResponse = where.data[w + 2]!;
    amount[0] = where.data[w + 3]!;
    amount[1] = where.data[w + 4]!;
    if (
      (hit.state & STATE_IDENTITY) === 0 ||
      hit.type !== (typeResponse & 0xff) ||
      hit.response !== typeResponse >>> 8 ||
      hit.amount !== getI64(amount, 0)
    )
      continue;
    done[key] = 1;
    copies[where.data[w]!]!.push(where.data[w + 1]!);
  }
  return copies.map((list) => Int32Array.from(list.sort((a, b) => a - b)));
}

export interface CreditSettlement {
  /** Per partition: ascending left-over clearing row numbers settled against the window. */
  consumed: Int32Array[];
  /** Earlier DUPLICATE_CREDIT findings whose duplicate_count grew. */
  duplicatesGrown: number;
}

/** Orders window hits a credit may land on: credited first, then approved, then the earliest row. */
function better(a: WindowHit, b: WindowHit, later: Set<string>): boolean {
  const ca = isCredited(a, later) ? 0 : 1;
  const cb = isCredited(b, later) ? 0 : 1;
  if (ca !== cb) return ca < cb;
  const da = a.state & STATE_DECLINED;
  const db = b.state & STATE_DECLINED;
  if (da !== db) return da < db;
  return (a.jRun - b.jRun || a.jFile - b.jFile || a.jLine - b.jLine) < 0;
}

/**
 * Settles the left-over credits (`left[p]`: partition p's unmatched clearing rows) against the
 * window, which holds this run's segments so far. Writes the findings; returns what it consumed.
 */
export async function settleWindowCredits(
  tx: Store,
  window: JournalWindow,
  date: string,
  runDay: number,
  left: readonly RowBatch[],
  zoneOffsetMinutes: number,
  ids: FindingIds,
): Promise<CreditSettlement> {
  const result: CreditSettlement = { consumed: left.map(() => new Int32Array(0)), duplicatesGrown: 0 };
  const { keys, where } = creditLookups(left);
  if (keys.n === 0) return result;
  const { keyOf, hits } = await window.lookup(keys, 1);
  if (hits.length === 0) return result;
  const later = await window.creditedLater(hits);
  const best = bestTargets(hits, keyOf, where, later, left.length);
  if (best.size === 0) return result;
  const { consumed, byJournal } = creditsByJournalRow(best, left);
  result.consumed = consumed;
  const written = writeCreditFindings(byJournal, left, later, runDay, zoneOffsetMinutes);
  await markCredited(tx, date, written.marks);
  await insertLateCreditFindings(tx, written.late, ids);
  result.duplicatesGrown = await mergeDuplicateCredits(tx, date, written.duplicates, ids);
  return result;
}

/** The keys the credits of `left` look up, and where each comes from: (partition, row, pass 1 order key or 2 rrn key). */
function creditLookups(left: readonly RowBatch[]): { keys: Int32Tuples; where: Int32Tuples } {
  const keys = keyList();
  const where = new Int32Tuples(3);
  left.forEach((C, p) => {
    for (let c = 0; c < C.length; c++) {
      if (!isCredit(C.type[c]!, C.status[c]!)) continue;
      const { order, rrn } = creditKeys(C, c);
      if (order) {
        keys.push(order.hi, order.lo, C.business_date[c]!);
        where.push(p, c, 1);
      }
      if (rrn) {
        keys.push(rrn.hi, rrn.lo, C.business_date[c]!);
        where.push(p, c, 2);
      }
    }
  });
  return { keys, where };
}

/** The best target of each credit by pass, by credit id (row × partitions + partition): [pass-1 hit, pass-2 hit]. */
function bestTargets(
  hits: readonly WindowHit[],
  keyOf: readonly number[],
  where: Int32Tuples,
  later: Set<string>,
  partitions: number,
): Map<number, [WindowHit | null, WindowHit | null]> {
  const best = new Map<number, [WindowHit | null, WindowHit | null]>();
  for (let x = 0; x < hits.length; x++) {
    const h = hits[x]!;
    if (!creditTarget(h, later)) continue;
    const key = keyOf[x]!;
    const p = where.data[key * 3]!;
    const c = where.data[key * 3 + 1]!;
    const pass = where.data[key * 3 + 2]!;
    const id = c * partitions + p;
    let b = best.get(id);
    if (!b) {
      b = [null, null];
      best.set(id, b);
    }
    const cur = b[pass - 1];
    if (!cur || better(h, cur, later)) b[pass - 1] = h;
  }
  return best;
}

/** A credit the window settles: partition p's left-over clearing row c, and the window record it lands on. */
interface WindowCredit {
  p: number;
  c: number;
  hit: WindowHit;
}

/**
 * Every credit with a target is consumed (per partition, ascending rows); they are grouped by the
 * journal row they land on (pass 1's target before pass 2's), each group in the credits' source order.
 */
function creditsByJournalRow(
  best: Map<number, [WindowHit | null, WindowHit | null]>,
  left: readonly RowBatch[],
): { consumed: Int32Array[]; byJournal: WindowCredit[][] } {
  const byJournal = new Map<string, WindowCredit[]>();
  const consumed: number[][] = left.map(() => []);
  for (const [id, b] of best) {
    const hit = (b[0] ?? b[1])!;
    const p = id % left.length;
    const c = Math.floor(id / left.length);
    consumed[p]!.push(c);
    const ref = `${hit.jRun}:${hit.jFile}:${hit.jLine}`;
    const list = byJournal.get(ref) ?? [];
    list.push({ p, c, hit });
    byJournal.set(ref, list);
  }
  const groups = [...byJournal.values()];
  for (const list of groups) {
    list.sort((a, b) => {
      const A = left[a.p]!;
      const B = left[b.p]!;
      return (
        A.src_run[a.c]! - B.src_run[b.c]! || A.src_file[a.c]! - B.src_file[b.c]! || A.src_line[a.c]! - B.src_line[b.c]!
      );
    });
  }
  return { consumed: consumed.map((list) => Int32Array.from(list.sort((a, b) => a - b))), byJournal: groups };
}

/**
 * The findings of each group of credits on one journal row: the first credit of a sale closed
 * without one is its credit (VOIDED_BUT_SETTLED, DECLINED_BUT_SETTLED, or none when it was reversed;
 * the record is marked credited); the others are one DUPLICATE_CREDIT with their count and stake.
 */
function writeCreditFindings(
  byJournal: readonly WindowCredit[][],
  left: readonly RowBatch[],
  later: Set<string>,
  runDay: number,
  zoneOffsetMinutes: number,
): { late: ByteWriter; duplicates: ByteWriter; marks: WindowHit[] } {
  const late = new ByteWriter(1 << 10);
  const duplicates = new ByteWriter(1 << 10);
  const marks: WindowHit[] = [];
  for (const list of byJournal) {
    const hit = list[0]!.hit;
    let first = 0;
    if (!isCredited(hit, later)) {
      const { p, c } = list[0]!;
      const kind = lateCreditKind(hit);
      if (kind !== null) {
        writeWindowFinding(late, runDay, kind, hit, left[p]!, c, 0, getI64(left[p]!.amount, c), zoneOffsetMinutes);
      }
      marks.push(hit);
      first = 1;
    }
    if (list.length > first) {
      let stake = 0;
      for (let k = first; k < list.length; k++) stake += getI64(left[list[k]!.p]!.amount, list[k]!.c);
      const { p, c } = list[first]!;
      writeWindowFinding(
        duplicates,
        runDay,
        KIND_DUPLICATE_CREDIT,
        hit,
        left[p]!,
        c,
        list.length - first,
        stake,
        zoneOffsetMinutes,
      );
    }
  }
  return { late, duplicates, marks };
}

/** Window records that late credits took: credited from this run on (recon.window_credit). */
async function markCredited(tx: Store, date: string, marks: readonly WindowHit[]): Promise<void> {
  if (marks.length === 0) return;
  await tx.query(
    `insert into recon.window_credit (run_date, j_run, j_file, j_line, business_date)
     select $1::date, date '1970-01-01' + r.run, r.file, r.line, date '1970-01-01' + r.bd
       from unnest($2::int[], $3::int[], $4::int[], $5::int[]) as r(run, file, line, bd)`,
    [
      date,
      marks.map((h) => h.jRun),
      marks.map((h) => h.jFile),
      marks.map((h) => h.jLine),
      marks.map((h) => h.businessDate),
    ],
  );
}

const COLS = FINDING_COPY_COLUMNS.join(', ');

/** The late credits' findings (COPY text rows of EXCEPTION_COLUMNS, their ids put in front), inserted unless already there. */
async function insertLateCreditFindings(tx: Store, late: ByteWriter, ids: FindingIds): Promise<void> {
  if (late.pos === 0) return;
  await scratchTable(tx, 'recon_late', '(like recon.exception)');
  await tx.copyIn('recon_late', FINDING_COPY_COLUMNS, [ids.prepend(late.bytes())]);
  await tx.query(`insert into recon.exception (${COLS}) select ${COLS} from recon_late on conflict do nothing`);
}

/**
 * The DUPLICATE_CREDIT findings (COPY text rows): one already in the store grows by their count and
 * stake (the change logged for undo), the others are inserted. Returns how many grew.
 */
async function mergeDuplicateCredits(
  tx: Store,
  date: string,
  duplicates: ByteWriter,
  ids: FindingIds,
): Promise<number> {
  if (duplicates.pos === 0) return 0;
  await scratchTable(tx, 'recon_dup', '(like recon.exception)');
  await tx.copyIn('recon_dup', FINDING_COPY_COLUMNS, [ids.prepend(duplicates.bytes())]);
  const match = `e.kind = d.kind and e.s_side = d.s_side and e.s_run = d.s_run and e.s_file = d.s_file and e.s_line = d.s_line`;
  await logChanges(tx, `recon.exception e join recon_dup d on ${match}`, [date]);
  const grown = await tx.query(
    `update recon.exception e set duplicate_count = e.duplicate_count + d.duplicate_count, amount_at_stake = e.amount_at_stake + d.amount_at_stake
       from recon_dup d where ${match} returning 1`,
  );
  await tx.query(
    `insert into recon.exception (${COLS}) select ${COLS} from recon_dup d where not exists (select 1 from recon.exception e where ${match})`,
  );
  return grown.length;
}
