/**
 * Stage 5, join: first the new journal rows that copy rows the journal window holds
 * (window-checks.ts findWindowCopies; the join drops them before matching), then one task per
 * partition over that partition's batch of every chunk (open items first, then the files' ranges
 * in order): copies dropped, passes 1–2, findings on matched pairs, left-overs. Each task's
 * findings and window segments are copied into the run's transaction as soon as it ends, one task
 * at a time; of the segments only their fences stay in memory.
 */
import { type RowBatch, transferList } from '../core/batch.js';
import type { Side } from '../core/schema.js';
import type { BatchSource, JoinRequest, JoinResult, ScanResult } from '../core/tasks.js';
import type { Store } from '../store/store.js';
import type { RunContext } from './context.js';
import { faultPoint } from './fault-point.js';
import { FINDING_COPY_COLUMNS, type FindingIds } from './finding-ids.js';
import type { Loaded } from './load.js';
import { settleAll } from './pool.js';
import type { Scanned } from './scan-stage.js';
import { OPEN_CLEARING_CHUNK, OPEN_JOURNAL_CHUNK } from './scan-tasks.js';
import { findWindowCopies } from './window-checks.js';

export async function join(
  run: RunContext,
  tx: Store,
  loaded: Loaded,
  scanned: Scanned,
  ids: FindingIds,
): Promise<JoinResult[]> {
  const { options, inputs, progress, pool } = run;
  const { partitions, results, chunksOf } = scanned;
  const { lineBase } = scanned.lines;
  const { window } = loaded;
  progress.stage('joining');
  const ordered = (side: Side): { id: number; r: ScanResult }[] => {
    const out: { id: number; r: ScanResult }[] = [];
    const storeId = side === 'journal' ? OPEN_JOURNAL_CHUNK : OPEN_CLEARING_CHUNK;
    const s = results.get(storeId);
    if (s) out.push({ id: storeId, r: s });
    for (const plan of inputs.plans)
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
  let storeWrites: Promise<void> = Promise.resolve();
  let joinsDone = 0;
  progress.joined(0, partitions);
  const joins = settleAll(
    Array.from({ length: partitions }, (_, p) => {
      const journal = journalChunks.map(({ r }) => source(r, p));
      const clearing = clearingChunks.map(({ r }) => source(r, p));
      const task: JoinRequest = {
        partition: p,
        runDay: options.runDay,
        journal,
        journalLineBase: journalChunks.map(({ id }) => lineBase.get(id) ?? 0),
        copies: copies[p]!,
        clearing,
        clearingLineBase: clearingChunks.map(({ id }) => lineBase.get(id) ?? 0),
        calendar: inputs.calendar,
        merchants: inputs.merchants,
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
            await tx.copyIn('recon.exception', FINDING_COPY_COLUMNS, [ids.prepend(exceptions)]);
            await window.add(r.partition, segments);
            if (r.partition === 0) await faultPoint(options.fault, 'join');
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
  return joinResults;
}
