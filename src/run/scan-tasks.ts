/**
 * The scan stage's tasks: one per side for the previous run's open items (the store's bytes, with
 * their state columns), then one per byte range of every input file, in plan order. Chunk ids 0 and
 * 1 are the open items; the files' ranges are numbered from 2.
 */
import type { Side } from '../core/schema.js';
import type { ProfileSource, RowSources, ScanTask } from '../core/tasks.js';
import type { RunContext } from './context.js';
import type { Loaded } from './load.js';
import { type FilePlan, parseHeaderLine } from './plan-file.js';

/** Ids of the two store sources among scan chunks. */
export const OPEN_JOURNAL_CHUNK = 0;
export const OPEN_CLEARING_CHUNK = 1;

export interface ScanTasks {
  /** Open items first, then the files' ranges. */
  readonly tasks: readonly ScanTask[];
  /** The chunk ids of each file's ranges, in file order. */
  readonly chunksOf: ReadonlyMap<FilePlan, readonly number[]>;
  /** Where each side's rows come from, for the open items' columns batches do not carry. */
  readonly rowSources: { journal: RowSources; clearing: RowSources };
}

/** `spill`: the directory for spill files, when the rows do not fit in memory. */
export function scanTasks(run: RunContext, loaded: Loaded, partitions: number, spill: string | undefined): ScanTasks {
  const { options, inputs } = run;
  const common = {
    runDay: options.runDay,
    partitions,
    grace: options.grace,
    calendar: inputs.calendar,
    merchants: inputs.merchants,
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
  const tasks: ScanTask[] = [];
  const tj = storeTask(loaded.openJournal, 'journal', OPEN_JOURNAL_CHUNK);
  if (tj) tasks.push(tj);
  const tc = storeTask(loaded.openClearing, 'clearing', OPEN_CLEARING_CHUNK);
  if (tc) tasks.push(tc);
  const sourcesOf = (side: Side, store: ScanTask | null): RowSources => ({
    files: inputs.plans
      .filter((p) => p.side === side)
      .map((p) => ({
        fileNo: p.fileNo,
        path: p.readPath,
        fields: p.columns.fields,
        ...(p.profile ? { profile: profileSource(p) } : {}),
      })),
    store: store && 'bytes' in store.source ? { bytes: store.source.bytes, fields: store.fields } : null,
  });
  let chunkId = 2;
  const chunksOf = new Map<FilePlan, number[]>();
  for (const plan of inputs.plans) {
    const ids: number[] = [];
    for (const c of plan.chunks) {
      ids.push(chunkId);
      const { spill: _spill, ...noSpill } = common;
      tasks.push({
        // Payout rows are not partitioned, never spilled (payout-rows.ts); clearing rows also sum
        // their share of the expected payouts, kept on every run (payout-stage.ts).
        ...(plan.side === 'payout' ? noSpill : common),
        ...(plan.side === 'clearing' ? { payoutSums: true } : {}),
        chunk: chunkId++,
        side: plan.side,
        fields: plan.columns.fields,
        state: false,
        fileNo: plan.fileNo,
        source: { path: plan.readPath, start: c.start, end: c.end, ...(c.tooLong ? { tooLong: true } : {}) },
        copyCheck: loaded.copyCheck,
        ...(plan.profile ? { profile: profileSource(plan) } : {}),
      });
    }
    chunksOf.set(plan, ids);
  }
  return { tasks, chunksOf, rowSources: { journal: sourcesOf('journal', tj), clearing: sourcesOf('clearing', tc) } };
}

/** What a worker needs to read a profile's records (ScanTask.profile). */
function profileSource(plan: FilePlan): ProfileSource {
  const { profile, header, before } = plan.profile!;
  return { profile, header, before };
}
