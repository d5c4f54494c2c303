/**
 * Stage 4, scan: the open items and every byte range of the inputs (scan-tasks.ts) scanned in the
 * pool into row batches per hash partition — in memory or, when the rows would not fit half of
 * --memory (memory-plan.ts), in Arrow IPC files in a private spill directory. Then, in this order:
 * the open items must scan clean; lines are numbered and rejected rows collected (scanned-lines.ts);
 * the dates the rows need must lie in the calendar; the rejects must stay within --max-rejects.
 */
import type { CalendarSpec } from '../core/dates.js';
import type { RowSources, ScanResult, ScanTask } from '../core/tasks.js';
import { outsideCalendar } from '../inputs/calendar.js';
import type { RunContext } from './context.js';
import { checkControlTotals } from './control-totals.js';
import { faultPoint } from './fault-point.js';
import { FileHasher } from './fingerprint.js';
import type { Loaded } from './load.js';
import { formatBytes, memoryPlan } from './memory-plan.js';
import type { FilePlan } from './plan-file.js';
import { settleAll } from './pool.js';
import { OPEN_CLEARING_CHUNK, OPEN_JOURNAL_CHUNK, scanTasks } from './scan-tasks.js';
import { checkRejectLimit, numberLines, type ScannedLines } from './scanned-lines.js';

export interface Scanned {
  /** Hash partitions of the join: --partitions, or more when the rows spilled. */
  readonly partitions: number;
  readonly spilled: boolean;
  /** Each chunk's result, by chunk id (scan-tasks.ts). */
  readonly results: ReadonlyMap<number, ScanResult>;
  /** The chunk ids of each file's ranges, in file order. */
  readonly chunksOf: ReadonlyMap<FilePlan, readonly number[]>;
  /** Where each side's rows come from, for the settle task's open items. */
  readonly rowSources: { journal: RowSources; clearing: RowSources };
  readonly lines: ScannedLines;
  /** The sha256 of each input file, in plan order, from the bytes the scan read (fingerprint.ts). */
  readonly shas: readonly string[];
}

/**
 * File ranges in the pool at once: a running task and one queued per worker, plus one. Each takes
 * a read buffer, which comes back with its result and is hashed (fingerprint.ts) before it goes out
 * again, so the buffers are few and their memory is faulted in once. The buffers are shared memory:
 * a transferred buffer counts as external memory in every thread it passes, and V8 answers that
 * with full garbage collections. Only one side uses a buffer at a time: the worker from the task's
 * start to its result, the coordinator from then until it sends the buffer out again.
 */
function rangesInFlight(workers: number): number {
  return 2 * workers + 1;
}

export async function scan(run: RunContext, loaded: Loaded): Promise<Scanned> {
  const { options, inputs, progress, pool } = run;
  const totalBytes = inputs.plans.reduce((s, p) => s + p.size, 0);
  const mem = memoryPlan(totalBytes + loaded.openJournal.length + loaded.openClearing.length, options);
  const partitions = mem.partitions;
  let spill: string | undefined;
  if (mem.spill) {
    spill = run.temp.make('recon-spill-', 'for spill files');
    run.warnings.push(
      `rows estimated at ${formatBytes(mem.estimate)} exceed half of --memory ${options.memoryText}: spilled to ${spill} in ${partitions} partitions`,
    );
  }
  const { tasks, chunksOf, rowSources } = scanTasks(run, loaded, partitions, spill);
  progress.stage('scanning');
  let scannedBytes = 0;
  let scannedRows = 0;
  const results = new Map<number, ScanResult>();
  const hasher = new FileHasher(inputs.plans, chunksOf);
  const free: Uint8Array[] = [];
  let bufferBytes = 0;
  // A line too long to read (plan-file.ts Chunk.tooLong) takes no buffer: the hasher reads it in pieces.
  const readsWhole = (t: ScanTask): boolean => 'path' in t.source && !t.source.tooLong;
  for (const t of tasks)
    if ('path' in t.source && readsWhole(t)) bufferBytes = Math.max(bufferBytes, t.source.end - t.source.start);
  const runTask = async (task: ScanTask, readInto?: Uint8Array): Promise<void> => {
    const r = (await pool.run({ ...task, ...(readInto ? { readInto } : {}) }, { name: 'scan' })) as ScanResult;
    if (results.size === 0) await faultPoint(options.fault, 'scan');
    if (r.read) {
      for (const b of hasher.add(task.chunk, r.read.subarray(0, r.bytes))) free.push(new Uint8Array(b.buffer));
      r.read = undefined;
    } else if ('path' in task.source && task.source.tooLong) {
      for (const b of hasher.add(task.chunk, null)) free.push(new Uint8Array(b.buffer));
    }
    results.set(task.chunk, r);
    if (task.chunk > OPEN_CLEARING_CHUNK) {
      scannedBytes += r.bytes;
      scannedRows += r.rows;
      progress.scanned(scannedBytes, totalBytes, scannedRows);
    }
  };
  // The open items' tasks at once; the file ranges in order, a few at a time, each with a buffer.
  const ranges = alternateSides(tasks.filter((t) => 'path' in t.source));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < ranges.length) {
      const task = ranges[next++]!;
      try {
        const buffer = readsWhole(task)
          ? (free.pop() ?? new Uint8Array(new SharedArrayBuffer(bufferBytes)))
          : undefined;
        await runTask(task, buffer);
      } catch (e) {
        next = ranges.length; // the other lanes start nothing new
        throw e;
      }
    }
  };
  await settleAll([
    ...tasks.filter((t) => !('path' in t.source)).map((t) => runTask(t)),
    ...Array.from({ length: rangesInFlight(options.workers) }, lane),
  ]);
  for (const id of [OPEN_JOURNAL_CHUNK, OPEN_CLEARING_CHUNK]) {
    const r = results.get(id);
    if (r && r.rejects.length > 0)
      throw new Error(`internal: the open-item store holds a row the scanner rejects (line ${r.rejects.line[0]! + 2})`);
  }
  const lines = numberLines(options.date, inputs.plans, chunksOf, results);
  run.warnings.push(...checkControlTotals(inputs.plans, chunksOf, results));
  checkCalendarNeeds([...results.values()], inputs.calendar, inputs.calendarPath);
  checkRejectLimit(options, lines);
  if (lines.panMasked > 0)
    run.warnings.push(
      `${lines.panMasked} card or account number(s) in pan_masked or account_masked showing more than the first 6 and last 4 digits were masked on ingest`,
    );
  return { partitions, spilled: mem.spill, results, chunksOf, rowSources, lines, shas: hasher.digests() };
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

/**
 * The file ranges with the sides taking turns (journal, clearing, journal, …, then the longer side's
 * rest), each side's ranges still in file order. The scan's code is shared by both sides, and V8
 * compiles it from what the first rows did: after a run of journal ranges, the first clearing rows
 * took branches the compiled code had never seen, and each worker compiled it again. Where the
 * rows go does not change: batches merge in chunk order, whatever order the tasks run in.
 */
function alternateSides(ranges: readonly ScanTask[]): ScanTask[] {
  const journal = ranges.filter((t) => t.side === 'journal');
  const clearing = ranges.filter((t) => t.side === 'clearing');
  const out: ScanTask[] = [];
  for (let k = 0; k < Math.max(journal.length, clearing.length); k++) {
    if (k < journal.length) out.push(journal[k]!);
    if (k < clearing.length) out.push(clearing[k]!);
  }
  // Payout files last: a few rows a merchant, their own code.
  out.push(...ranges.filter((t) => t.side === 'payout'));
  return out;
}
