/**
 * The coordinator of one run (`recon run --date D`, DESIGN §9): plan the inputs, drive the pool
 * through scan → join → settle, and commit everything in one transaction.
 *
 * Stages
 * 1. plan         headers checked, files cut into byte ranges (plan.ts)
 * 2. fingerprint  sha256 of each file in the pool; a file loaded before is refused unless --force
 * 3. load         inside the transaction: the chain is checked (a re-run of the latest date first
 *                 takes that run back), the previous run's open items are read with COPY … TO as
 *                 CSV bytes, and what the scan must check for journal copies (window.ts)
 * 4. scan         every byte range (and the open items) → row batches per hash partition, in
 *                 memory or, past half of --memory, in Arrow IPC spill files
 * 5. join         one task per partition: copies dropped, passes 1–2, findings on matched pairs,
 *                 left-overs; each task's findings and window segments are copied in as it ends
 * 6. window       left-over credits looked up in the journal window (window-checks.ts)
 * 7. settle       left-overs aged into MISSING_CREDIT / UNMATCHED_CLEARING or carried as open items
 * 8. commit       COPY the settle's findings, open items, window segments, rejected rows; the run
 *                 row; COMMIT
 *
 * Everything is one transaction: a failure anywhere leaves the store as it was. The rows-in
 * equation is checked before commit; a run that would lose or double-count a row fails instead.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RowSources } from '../workers/extras.js';
import type { BatchSource, JoinRequest } from '../workers/index.js';
import type { JoinResult } from '../workers/join.js';
import type { ScanResult, ScanTask } from '../workers/scan.js';
import type { SettleResult, SettleTask } from '../workers/settle.js';
import { loadCalendar, outsideCalendar } from './calendar.js';
import type { FilledRunOptions } from './config.js';
import { type RowBatch, transferList } from './core/batch.js';
import { ByteWriter } from './core/byte-writer.js';
import {
  COUNTS_LENGTH,
  countIndex,
  ORIGIN_CARRIED,
  ORIGIN_NEW,
  OUTCOME_EXCEPTION,
  OUTCOME_OPEN,
  OUTCOME_RECONCILED,
  SIDE_CLEARING,
  SIDE_JOURNAL,
} from './core/codes.js';
import type { CalendarSpec } from './core/dates.js';
import { emptyMerchants } from './core/merchants.js';
import { describeReject, type RejectBatch } from './core/reject.js';
import type { Side } from './core/schema.js';
import { EXCEPTION_COLUMNS, OPEN_ITEM_COLUMNS } from './core/store-columns.js';
import { InputError, SPILL_WRITE_FAILED, UsageError } from './errors.js';
import { faultPoint } from './fault.js';
import { gunzipFile, isGzipFile } from './gzip.js';
import { loadMerchants } from './merchants-file.js';
import { type FilePlan, parseHeaderLine, planFile } from './plan.js';
import { createPool, type Pool, settleAll } from './pool.js';
import { type Progress, silentProgress } from './progress.js';
import { binaryCopyHeader, binaryCopyTrailer } from './store/binary-copy.js';
import { RECON_LOCK_KEY } from './store/migrate.js';
import {
  findingsByKind,
  findLoadedFiles,
  insertInputFiles,
  insertRun,
  type KindTotal,
  latestRun,
  loadOpenItems,
  REJECTED_COLUMNS,
  releaseHolds,
  resolveFindings,
  undoRun,
} from './store/run-store.js';
import type { Store } from './store/store.js';
import { JournalWindow } from './window.js';
import { findWindowCopies, settleWindowCredits } from './window-checks.js';

export interface SideCounts {
  /** Data rows read from the side's files (accepted + rejected). */
  rowsIn: number;
  reconciled: number;
  exception: number;
  open: number;
  rejected: number;
  /** Amounts in minor units of the reconciled, open and in-exception rows. */
  amounts: { reconciled: number; open: number; exception: number };
}

export interface CarriedCounts {
  /** Open items loaded from the previous run. */
  in: number;
  reconciled: number;
  exception: number;
  open: number;
}

export interface RunSummary {
  date: string;
  rerun: boolean;
  store: string;
  workers: number;
  /** Hash partitions of the join; more than --partitions when the rows spilled. */
  partitions: number;
  /** Whether the rows went to spill files (they would not fit half of --memory). */
  spilled: boolean;
  files: { side: Side; path: string; sha256: string; bytes: number; rows: number; rejected: number }[];
  journal: SideCounts;
  clearing: SideCounts;
  carried: { journal: CarriedCounts; clearing: CarriedCounts };
  /** Open items written for the next run. */
  openItems: { journal: number; clearing: number };
  findings: KindTotal[];
  /** Earlier findings resolved by this run (late credits and refunds, ambiguities settled). */
  resolved: number;
  /** Open RISK_HOLD findings resolved by RELEASE rows. */
  holdsReleased: number;
  /** Earlier DUPLICATE_CREDIT findings whose count grew. */
  duplicatesGrown: number;
  panMasked: number;
  warnings: string[];
  timingsMs: Record<string, number>;
  durationMs: number;
  rowsPerSecond: number;
}

export interface RunDeps {
  /** A pool to use (tests share one); otherwise the run makes its own and destroys it. */
  pool?: Pool;
  progress?: Progress;
}

/** Ids of the two store sources among scan chunks. */
const OPEN_JOURNAL_CHUNK = 0;
const OPEN_CLEARING_CHUNK = 1;

/**
 * The open-item store's rows in shared memory: the scan reads them, and the settle task reads the
 * lines of those that stay open again (workers/extras.ts). (pg's Buffer.concat may sit in Node's
 * shared pool, which is neither transferable nor shareable.)
 */
function sharedBytes(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(b.length));
  out.set(b);
  return out;
}

function rejectsToCsv(w: ByteWriter, date: string, plan: FilePlan, r: RejectBatch, lineBase: number): void {
  const dec = new TextDecoder();
  const enc = new TextEncoder();
  const field = (s: string): void => {
    const b = enc.encode(s);
    w.field(b, 0, b.length);
  };
  for (let i = 0; i < r.length; i++) {
    const col = r.column[i]!;
    const name = col >= 0 ? plan.columns.names[col] : undefined;
    // Invalid UTF-8 becomes U+FFFD; NUL, which PostgreSQL text cannot hold, becomes U+2400 (␀).
    const raw = dec
      .decode(r.raw.bytes.subarray(r.raw.offsets[i]!, r.raw.offsets[i + 1]!))
      .replaceAll('\u0000', '\u2400');
    field(date);
    w.comma();
    w.int(plan.fileNo);
    w.comma();
    w.int(lineBase + r.line[i]!);
    w.comma();
    if (name) field(name);
    w.comma();
    field(describeReject(r.reason[i]!, r.detail[i]!, undefined, plan.columns.names.length));
    w.comma();
    // Always quoted: an empty raw text must not read as NULL.
    w.byte(34);
    const b = enc.encode(raw.replace(/"/g, '""'));
    w.raw(b);
    w.byte(34);
    w.newline();
  }
}

function firstReject(plan: FilePlan, r: RejectBatch, lineBase: number): string {
  const col = r.column[0]!;
  const name = col >= 0 ? plan.columns.names[col] : undefined;
  return `${plan.shown}, line ${lineBase + r.line[0]!}${name ? `, column ${name}` : ''}: ${describeReject(r.reason[0]!, r.detail[0]!, undefined, plan.columns.names.length)}`;
}

export async function runDay(store: Store, options: FilledRunOptions, deps: RunDeps = {}): Promise<RunSummary> {
  const startedAt = new Date();
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  let mark = t0;
  const lap = (name: string): void => {
    const now = performance.now();
    timings[name] = Math.round(now - mark);
    mark = now;
  };
  const progress = deps.progress ?? silentProgress;
  const date = options.date;
  const runDay = options.runDay;
  const warnings: string[] = [];

  // 1. plan (a gzip input is decompressed first, into a private temp directory)
  progress.stage('checking inputs');
  const { spec: calendar, path: calendarPath } = loadCalendar(options.calendar);
  const merchants = options.merchants ? loadMerchants(options.merchants) : emptyMerchants();
  const plans: FilePlan[] = [];
  let gunzipDir: string | undefined;
  try {
    let fileNo = 1;
    for (const [side, paths] of [
      ['journal', options.journal],
      ['clearing', options.clearing],
    ] as const) {
      for (const p of paths) {
        let readFrom = p;
        if (isGzipInput(p)) {
          gunzipDir ??= privateDir(options.spillDir, 'recon-gunzip-', `to decompress ${p}`);
          progress.stage(`decompressing ${p}`);
          readFrom = join(gunzipDir, `${fileNo}.csv`);
          await gunzipFile(p, readFrom, p);
        }
        plans.push(planFile(p, side, fileNo++, options.chunkBytes, readFrom));
      }
    }
    const seenPath = new Map<string, string>();
    for (const p of plans) {
      const before = seenPath.get(p.path);
      if (before) throw new UsageError(`${p.shown} is given twice (also as ${before})`);
      seenPath.set(p.path, p.shown);
    }
  } catch (e) {
    if (gunzipDir !== undefined) rmSync(gunzipDir, { recursive: true, force: true });
    throw e;
  }
  if (options.journal.length === 0) warnings.push(`no journal file for ${date}: clearing rows wait for late journals`);
  if (options.clearing.length === 0) warnings.push(`no clearing file for ${date}`);
  lap('plan');

  const pool = deps.pool ?? createPool(options.workers);
  let spillDir: string | undefined;
  try {
    // 2. fingerprint
    progress.stage('fingerprinting input files');
    const shas = await settleAll(plans.map((p) => pool.run(p.readPath, { name: 'hashFile' }) as Promise<string>));
    const bySha = new Map<string, FilePlan>();
    plans.forEach((p, i) => {
      const other = bySha.get(shas[i]!);
      if (other && !options.force && p.chunks.length > 0)
        throw new InputError(p.shown, `has the same content as ${other.shown}; use --force to load both`);
      bySha.set(shas[i]!, p);
    });
    lap('fingerprint');

    return await store.transaction(async (tx) => {
      // 3. load
      progress.stage('waiting for the store lock');
      await tx.query('select pg_advisory_xact_lock($1)', [RECON_LOCK_KEY]);
      const latest = await latestRun(tx);
      if (latest !== null && date < latest) {
        throw new UsageError(
          `run ${date} refused: runs up to ${latest} exist. Re-run with --replay to redo ${date}..${latest} in order`,
        );
      }
      const rerun = latest === date;
      if (rerun) await undoRun(tx, date);
      if (!options.force) {
        // A file with no data rows (a quiet day's header) repeats byte for byte; nothing to double count.
        const loaded = await findLoadedFiles(
          tx,
          shas.filter((_, i) => plans[i]!.chunks.length > 0),
        );
        if (loaded.length > 0) {
          const f = loaded[0]!;
          const p = bySha.get(f.sha256)!;
          throw new InputError(
            p.shown,
            `was already loaded by the run of ${f.run_date} (as ${f.path}); use --force to load it again`,
          );
        }
      }
      progress.stage('loading open items');
      const openJ = sharedBytes(await loadOpenItems(tx, 'journal', runDay));
      const openC = sharedBytes(await loadOpenItems(tx, 'clearing', runDay));
      // The journal window of earlier runs: which new journal rows the scan returns keys of, to be
      // checked for copies before matching.
      const window = new JournalWindow(tx, runDay, runDay - options.windowDays);
      const copyCheck = await window.copyCheck();
      lap('load');

      // 4. scan, spilling to Arrow IPC files when the rows would not fit the memory budget
      const totalBytes = plans.reduce((s, p) => s + p.size, 0);
      const mem = memoryPlan(totalBytes + openJ.length + openC.length, options);
      const partitions = mem.partitions;
      if (mem.spill) {
        spillDir = privateDir(options.spillDir, 'recon-spill-', 'for spill files');
        warnings.push(
          `rows estimated at ${formatBytes(mem.estimate)} exceed half of --memory ${options.memoryText}: spilled to ${spillDir} in ${partitions} partitions`,
        );
      }
      const spill = spillDir;
      const common = {
        runDay,
        partitions,
        grace: options.grace,
        calendar,
        merchants,
        ...(spill !== undefined ? { spill } : {}),
      };
      const storeTask = (bytes: Uint8Array, side: Side, chunk: number): ScanTask | null => {
        const nl = bytes.indexOf(10);
        if (nl < 0) return null;
        const columns = parseHeaderLine(bytes.subarray(0, nl), side, `open items (${side})`, true);
        return {
          ...common,
          chunk,
          side,
          fields: columns.fields,
          state: true,
          fileNo: 0,
          source: { bytes, start: nl + 1 },
        };
      };
      const tasks: { task: ScanTask; plan: FilePlan | null; transfer: ArrayBuffer[] }[] = [];
      const tj = storeTask(openJ, 'journal', OPEN_JOURNAL_CHUNK);
      if (tj) tasks.push({ task: tj, plan: null, transfer: [] });
      const tc = storeTask(openC, 'clearing', OPEN_CLEARING_CHUNK);
      if (tc) tasks.push({ task: tc, plan: null, transfer: [] });
      // Where each side's rows come from, for the open items' columns batches do not carry.
      const sourcesOf = (side: Side, store: ScanTask | null): RowSources => ({
        files: plans
          .filter((p) => p.side === side)
          .map((p) => ({ fileNo: p.fileNo, path: p.readPath, fields: p.columns.fields })),
        store: store && 'bytes' in store.source ? { bytes: store.source.bytes, fields: store.fields } : null,
      });
      const rowSources = { journal: sourcesOf('journal', tj), clearing: sourcesOf('clearing', tc) };
      let chunkId = 2;
      const chunksOf = new Map<FilePlan, number[]>();
      for (const plan of plans) {
        const ids: number[] = [];
        for (const c of plan.chunks) {
          ids.push(chunkId);
          tasks.push({
            task: {
              ...common,
              chunk: chunkId++,
              side: plan.side,
              fields: plan.columns.fields,
              state: false,
              fileNo: plan.fileNo,
              source: { path: plan.readPath, start: c.start, end: c.end },
              copyCheck,
            },
            plan,
            transfer: [],
          });
        }
        chunksOf.set(plan, ids);
      }
      progress.stage('scanning');
      let scannedBytes = 0;
      let scannedRows = 0;
      const results = new Map<number, ScanResult>();
      await settleAll(
        tasks.map(async ({ task, transfer }) => {
          const r = (await pool.run(task, { name: 'scan', transferList: transfer }).catch(spillSetting)) as ScanResult;
          if (results.size === 0) await faultPoint('scan');
          results.set(task.chunk, r);
          if (task.chunk > OPEN_CLEARING_CHUNK) {
            scannedBytes += r.bytes;
            scannedRows += r.rows;
            progress.scanned(scannedBytes, totalBytes, scannedRows);
          }
        }),
      );
      for (const id of [OPEN_JOURNAL_CHUNK, OPEN_CLEARING_CHUNK]) {
        const r = results.get(id);
        if (r && r.rejects.length > 0)
          throw new Error(
            `internal: the open-item store holds a row the scanner rejects (line ${r.rejects.line[0]! + 2})`,
          );
      }

      // Line numbers: each chunk's first line, from the lines of the chunks before it.
      const fileRows = new Map<FilePlan, { rows: number; rejected: number }>();
      const rejectCsv = new ByteWriter(1 << 12);
      let rejectedTotal = 0;
      let acceptedTotal = 0;
      let panMasked = 0;
      let firstRejectText: string | undefined;
      // Lines were numbered from each chunk's start: the join adds the chunk's first line in the file.
      const lineBase = new Map<number, number>();
      for (const plan of plans) {
        let base = 2; // line 1 is the header
        let rows = 0;
        let rejected = 0;
        for (const id of chunksOf.get(plan)!) {
          const r = results.get(id)!;
          lineBase.set(id, base);
          if (r.rejects.length > 0) {
            rejectsToCsv(rejectCsv, date, plan, r.rejects, base);
            firstRejectText ??= firstReject(plan, r.rejects, base);
          }
          base += r.lines;
          rows += r.rows;
          rejected += r.rejects.length;
          panMasked += r.panMasked;
        }
        fileRows.set(plan, { rows, rejected });
        rejectedTotal += rejected;
        acceptedTotal += rows;
      }
      checkCalendarNeeds([...results.values()], calendar, calendarPath);
      const rowsIn = acceptedTotal + rejectedTotal;
      const limit = options.maxRejects;
      if ('count' in limit ? rejectedTotal > limit.count : rejectedTotal * 100 > limit.percent * rowsIn) {
        throw new InputError(
          undefined,
          `too many rejected rows: ${rejectedTotal} of ${rowsIn} (${((rejectedTotal * 100) / Math.max(rowsIn, 1)).toFixed(2)}%) exceed --max-rejects ${options.maxRejectsText}; first: ${firstRejectText}`,
        );
      }
      if (panMasked > 0) warnings.push(`${panMasked} full card number(s) in pan_masked were masked on ingest`);
      lap('scan');

      // 5. copies of rows in the journal window, then the join, one task per partition
      progress.stage('joining');
      const ordered = (side: Side): { id: number; r: ScanResult }[] => {
        const out: { id: number; r: ScanResult }[] = [];
        const storeId = side === 'journal' ? OPEN_JOURNAL_CHUNK : OPEN_CLEARING_CHUNK;
        const s = results.get(storeId);
        if (s) out.push({ id: storeId, r: s });
        for (const plan of plans)
          if (plan.side === side) for (const id of chunksOf.get(plan)!) out.push({ id, r: results.get(id)! });
        return out;
      };
      const journalChunks = ordered('journal');
      const clearingChunks = ordered('clearing');
      // New journal rows may be copies of rows earlier runs closed (re-uploads, late uploads).
      const copies = await findWindowCopies(
        window,
        journalChunks.map(({ id, r }) => ({
          isNew: id !== OPEN_JOURNAL_CHUNK,
          rows: r.partRows,
          copyKeys: r.copyKeys,
        })),
        partitions,
      );
      const source = (r: ScanResult, p: number): BatchSource => (r.spilled ? r.spilled[p]! : r.batches[p]!);
      // Each join's findings and window segments go to the store as soon as it is done (one at a
      // time, in the run's transaction); of the segments only their fences stay in memory.
      let storeWrites: Promise<void> = Promise.resolve();
      let joinsDone = 0;
      progress.joined(0, partitions);
      const joins = settleAll(
        Array.from({ length: partitions }, (_, p) => {
          const journal = journalChunks.map(({ r }) => source(r, p));
          const clearing = clearingChunks.map(({ r }) => source(r, p));
          const task: JoinRequest = {
            partition: p,
            runDay,
            journal,
            journalLineBase: journalChunks.map(({ id }) => lineBase.get(id) ?? 0),
            copies: copies[p]!,
            clearing,
            clearingLineBase: clearingChunks.map(({ id }) => lineBase.get(id) ?? 0),
            calendar,
            merchants,
            amountTolerance: options.amountTolerance,
          };
          const inMemory = [...journal, ...clearing].filter((b): b is RowBatch => !('path' in b));
          return (pool.run(task, { name: 'join', transferList: transferList(inMemory) }) as Promise<JoinResult>).then(
            (r) => {
              const segments = r.window;
              const exceptions = r.exceptions;
              r.window = [];
              r.exceptions = new Uint8Array(0);
              storeWrites = storeWrites.then(async () => {
                await tx.copyIn('recon.exception', EXCEPTION_COLUMNS, [exceptions]);
                await window.add(r.partition, segments);
                if (r.partition === 0) await faultPoint('join');
              });
              // A failed write is thrown once the joins are done (below), not reported as unhandled now.
              storeWrites.catch(() => undefined);
              progress.joined(++joinsDone, partitions);
              return r;
            },
          );
        }),
      );
      let joinResults: JoinResult[];
      try {
        joinResults = await joins;
      } catch (e) {
        await storeWrites.catch(() => undefined);
        throw e;
      }
      await storeWrites;
      lap('join');

      // 6. left-over credits against the journal window (earlier runs' segments and this run's, of
      // every partition; the joins' findings are in the store by now)
      progress.stage('checking the journal window');
      const leftJournal: RowBatch[] = joinResults.map((r) => r.leftJournal);
      const leftClearing: RowBatch[] = joinResults.map((r) => r.leftClearing);
      const credits = await settleWindowCredits(tx, window, date, runDay, leftClearing, calendar.zoneOffsetMinutes);
      lap('window');

      // 7. passes 1–2 across partitions, passes 3–4, and ageing of the left-overs
      progress.stage('matching left-overs and ageing open items');
      const settleTask: SettleTask = {
        runDay,
        windowStart: runDay - options.windowDays,
        journal: leftJournal,
        clearing: leftClearing,
        consumedClearing: credits.consumed,
        calendar,
        merchants,
        amountTolerance: options.amountTolerance,
        grace: options.grace,
        sources: rowSources,
      };
      const settled = (await pool.run(settleTask, {
        name: 'settle',
        transferList: transferList([...leftJournal, ...leftClearing]),
      })) as SettleResult;
      lap('settle');

      // Rows-in equation (DESIGN §6): every row ends in exactly one bucket.
      const counts = new Int32Array(COUNTS_LENGTH);
      for (const r of [...joinResults.map((j) => j.counts), settled.counts])
        for (let i = 0; i < COUNTS_LENGTH; i++) counts[i]! += r[i]!;
      const amounts = new Float64Array(COUNTS_LENGTH);
      for (const r of [...joinResults.map((j) => j.amounts), settled.amounts])
        for (let i = 0; i < COUNTS_LENGTH; i++) amounts[i]! += r[i]!;
      const sideCounts = (side: number, sideName: Side): SideCounts => {
        let rowsInSide = 0;
        let rejected = 0;
        for (const plan of plans) {
          if (plan.side !== sideName) continue;
          const f = fileRows.get(plan)!;
          rowsInSide += f.rows + f.rejected;
          rejected += f.rejected;
        }
        const c: SideCounts = {
          rowsIn: rowsInSide,
          reconciled: counts[countIndex(side, ORIGIN_NEW, OUTCOME_RECONCILED)]!,
          exception: counts[countIndex(side, ORIGIN_NEW, OUTCOME_EXCEPTION)]!,
          open: counts[countIndex(side, ORIGIN_NEW, OUTCOME_OPEN)]!,
          rejected,
          amounts: {
            reconciled: amounts[countIndex(side, ORIGIN_NEW, OUTCOME_RECONCILED)]!,
            open: amounts[countIndex(side, ORIGIN_NEW, OUTCOME_OPEN)]!,
            exception: amounts[countIndex(side, ORIGIN_NEW, OUTCOME_EXCEPTION)]!,
          },
        };
        if (c.reconciled + c.exception + c.open + c.rejected !== c.rowsIn) {
          throw new Error(
            `internal: ${sideName} rows do not add up: ${c.rowsIn} in ≠ ${c.reconciled} reconciled + ${c.exception} exception + ${c.open} open + ${c.rejected} rejected`,
          );
        }
        return c;
      };
      const carriedCounts = (side: number, storeChunk: number, sideName: Side): CarriedCounts => {
        const c: CarriedCounts = {
          in: results.get(storeChunk)?.rows ?? 0,
          reconciled: counts[countIndex(side, ORIGIN_CARRIED, OUTCOME_RECONCILED)]!,
          exception: counts[countIndex(side, ORIGIN_CARRIED, OUTCOME_EXCEPTION)]!,
          open: counts[countIndex(side, ORIGIN_CARRIED, OUTCOME_OPEN)]!,
        };
        if (c.reconciled + c.exception + c.open !== c.in) {
          throw new Error(
            `internal: carried ${sideName} items do not add up: ${c.in} ≠ ${c.reconciled} + ${c.exception} + ${c.open}`,
          );
        }
        return c;
      };
      const journal = sideCounts(SIDE_JOURNAL, 'journal');
      const clearing = sideCounts(SIDE_CLEARING, 'clearing');
      const carried = {
        journal: carriedCounts(SIDE_JOURNAL, OPEN_JOURNAL_CHUNK, 'journal'),
        clearing: carriedCounts(SIDE_CLEARING, OPEN_CLEARING_CHUNK, 'clearing'),
      };

      // 8. commit
      progress.stage('committing');
      await insertInputFiles(
        tx,
        date,
        plans.map((p, i) => ({
          fileNo: p.fileNo,
          side: p.side,
          path: p.path,
          sha256: shas[i]!,
          bytes: p.size,
          rows: fileRows.get(p)!.rows,
          rejected: fileRows.get(p)!.rejected,
        })),
      );
      await tx.copyIn('recon.rejected_row', REJECTED_COLUMNS, [rejectCsv.bytes()]);
      await tx.copyIn('recon.exception', EXCEPTION_COLUMNS, [settled.exceptions]);
      const resolved = await resolveFindings(
        tx,
        date,
        concatInt32([...joinResults.map((r) => r.events), settled.events]),
      );
      const released = await releaseHolds(
        tx,
        date,
        joinResults.map((r) => r.releases),
      );
      lap('commit');
      // COPY binary: the settle task wrote the tuples (encode.ts writeOpenItem).
      await tx.copyIn(
        'recon.open_item',
        OPEN_ITEM_COLUMNS,
        [binaryCopyHeader(), settled.openItems, binaryCopyTrailer()],
        'binary',
      );
      lap('open items');
      // Window segments: the join tasks' (producer = partition) and the settle task's.
      await window.add(partitions, settled.window);
      lap('window write');
      const findings = await findingsByKind(tx, date);
      await faultPoint('commit');
      const durationMs = Math.round(performance.now() - t0);
      const summary: RunSummary = {
        date,
        rerun,
        store: tx.location,
        workers: options.workers,
        partitions,
        spilled: mem.spill,
        files: plans.map((p, i) => ({
          side: p.side,
          path: p.shown,
          sha256: shas[i]!,
          bytes: p.size,
          rows: fileRows.get(p)!.rows,
          rejected: fileRows.get(p)!.rejected,
        })),
        journal,
        clearing,
        carried,
        openItems: { journal: settled.openJournal, clearing: settled.openClearing },
        findings,
        resolved,
        holdsReleased: released,
        duplicatesGrown: credits.duplicatesGrown,
        panMasked,
        warnings,
        timingsMs: timings,
        durationMs,
        rowsPerSecond: Math.round((rowsIn / Math.max(durationMs, 1)) * 1000),
      };
      await insertRun(tx, {
        date,
        startedAt,
        finishedAt: new Date(),
        durationMs,
        workers: options.workers,
        options: {
          grace: options.grace,
          amountTolerance: options.amountTolerance,
          windowDays: options.windowDays,
          maxRejects: options.maxRejectsText,
          memory: options.memoryText,
          zoneOffsetMinutes: calendar.zoneOffsetMinutes,
          calendar: options.calendar ? resolve(options.calendar) : null,
          calendarSha256: options.calendar ? sha256OfFile(options.calendar) : null,
          merchants: options.merchants ? resolve(options.merchants) : null,
          merchantsSha256: options.merchants ? sha256OfFile(options.merchants) : null,
          force: options.force,
        },
        summary,
      });
      progress.done();
      return summary;
    });
  } finally {
    progress.done();
    if (!deps.pool) await pool.destroy();
    if (spillDir !== undefined) rmSync(spillDir, { recursive: true, force: true });
    if (gunzipDir !== undefined) rmSync(gunzipDir, { recursive: true, force: true });
  }
}

/**
 * A worker that could not write a spill file (a full disk, most often) failed on the run's
 * settings, not on a bug: reported as a usage error that says which setting to change.
 */
function spillSetting(e: unknown): never {
  if (e instanceof Error && e.message.startsWith(SPILL_WRITE_FAILED)) throw new UsageError(e.message);
  throw e;
}

/** A private directory under --spill-dir (or the OS temp dir), removed when the run ends. */
function privateDir(spillDir: string | undefined, prefix: string, what: string): string {
  const base = spillDir ?? tmpdir();
  try {
    return mkdtempSync(join(base, prefix));
  } catch (e) {
    throw new UsageError(
      `--spill-dir ${base}: cannot make a directory there ${what} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
}

/** Whether an input is gzip-compressed; false when it cannot be read (planning says why). */
function isGzipInput(path: string): boolean {
  try {
    return isGzipFile(path);
  } catch {
    return false;
  }
}

/**
 * Memory the rows take per byte of CSV, batches and the join's working copy of a partition
 * together. Narrow rows are ~130 bytes in a batch (batch.ts), against 126–145 bytes of CSV a row in
 * generated files; with 1.1 (the batches alone) a 10M + 10M day spilled in 17 partitions and peaked
 * at 1.67 GB, with 1.4 in 21 partitions (bench/RESULTS.md).
 */
export const BATCH_BYTES_PER_INPUT_BYTE = 1.4;

export interface MemoryPlan {
  /** Estimated bytes of the run's row batches. */
  estimate: number;
  spill: boolean;
  partitions: number;
}

/**
 * Whether a run's rows fit its memory budget (half of it: the rest is for the join's tables and
 * copies, the store and the window), and if not, how many partitions make a join task's share fit:
 * each of the `workers` concurrent join tasks holds about three times its partition.
 */
export function memoryPlan(
  inputBytes: number,
  options: Pick<FilledRunOptions, 'memoryBytes' | 'partitions' | 'workers'>,
): MemoryPlan {
  const estimate = Math.round(inputBytes * BATCH_BYTES_PER_INPUT_BYTE);
  if (estimate <= options.memoryBytes / 2) return { estimate, spill: false, partitions: options.partitions };
  const perPartition = options.memoryBytes / 2 / (3 * options.workers);
  return {
    estimate,
    spill: true,
    partitions: Math.min(256, Math.max(options.partitions, Math.ceil(estimate / perPartition))),
  };
}

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`;
}

/** sha256 of a small reference file (merchants, calendar), recorded so a replay can tell it changed. */
export function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function concatInt32(parts: readonly Int32Array[]): Int32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Stops the run when a row needs a date outside the calendar's covered span (DESIGN §3.3). */
function checkCalendarNeeds(results: readonly ScanResult[], calendar: CalendarSpec, path: string): void {
  const [first, last] = calendar.covers;
  let firstBusinessDate = Number.POSITIVE_INFINITY;
  let lastDeadline = Number.NEGATIVE_INFINITY;
  let lastSettle = Number.NEGATIVE_INFINITY;
  for (const { needs } of results) {
    firstBusinessDate = Math.min(firstBusinessDate, needs.firstBusinessDate);
    lastDeadline = Math.max(lastDeadline, needs.lastDeadline);
    lastSettle = Math.max(lastSettle, needs.lastSettle);
  }
  if (firstBusinessDate < first) throw outsideCalendar(firstBusinessDate, 'business date', calendar, path);
  if (lastDeadline > last) throw outsideCalendar(lastDeadline, 'expected settle date or deadline', calendar, path);
  if (lastSettle > last) throw outsideCalendar(lastSettle, 'settle date', calendar, path);
}
