/**
 * The Piscina worker module: one file, named task functions chosen by the pool's `name` option.
 * Results that carry buffers are returned through `move` with their ArrayBuffers in the transfer
 * list, so they cross threads without a copy (DESIGN §9: move bytes, not objects). The tasks and
 * results are declared in src/core/tasks.ts, which the coordinator imports instead of this module.
 */

import { join as joinPath } from 'node:path';
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { type RowBatch, transferList } from '../src/core/batch.js';
import { workerFault } from '../src/core/fault.js';
import type { JoinRequest, JoinTask, OpenItemsTask, ScanTask, SettleTask, WorkerData } from '../src/core/tasks.js';
import { sha256Input } from './hash-file.js';
import { join as joinPartition, releaseJoinMemory } from './join.js';
import { encodeOpenItems } from './open-items.js';
import { scan as scanRange } from './scan.js';
import { settle as settleLeftovers } from './settle.js';

// Undefined outside a pool's worker (a test importing a task module directly).
const fault = (workerData as WorkerData | undefined)?.fault;

function moved<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  const t = { [transferableSymbol]: buffers, [valueSymbol]: value };
  return move(t as never) as unknown as T;
}

function viewBuffers(views: ArrayBufferView[], into: ArrayBuffer[]): ArrayBuffer[] {
  const seen = new Set<ArrayBufferLike>(into);
  for (const v of views) {
    if (!seen.has(v.buffer)) {
      seen.add(v.buffer);
      into.push(v.buffer as ArrayBuffer);
    }
  }
  return into;
}

export async function scan(task: ScanTask) {
  // Loaded before the scan: from the scan to the spill write nothing may yield to another task of
  // this worker, which would reuse the partition batches (scan.ts).
  const spillTo = task.spill;
  const spill = spillTo !== undefined ? await import('./spill.js') : undefined;
  const r = scanRange(task);
  if (spill && spillTo !== undefined) {
    r.spilled = spill.writeSpill(joinPath(spillTo, `chunk-${task.chunk}.arrow`), r.batches, fault);
    r.batches = [];
  }
  const buffers = transferList(r.batches);
  viewBuffers(
    [
      r.rejects.line,
      r.rejects.column,
      r.rejects.reason,
      r.rejects.detail,
      r.rejects.raw.offsets,
      r.rejects.raw.bytes,
      r.copyKeys,
      ...(r.payouts ? [r.payouts.line, r.payouts.merchant, r.payouts.settle, r.payouts.amount, r.payouts.status] : []),
      ...(r.payouts ? [r.payouts.statusDate, r.payouts.currency, r.payouts.text, r.payouts.ends] : []),
      ...(r.payoutSums ? [r.payoutSums.merchant, r.payoutSums.settle, r.payoutSums.net, r.payoutSums.rows] : []),
      ...(r.payoutSums ? [r.payoutSums.firstLine, r.payoutSums.slots] : []),
    ],
    buffers,
  );
  return moved(r, buffers);
}

export async function join(request: JoinRequest) {
  workerFault(fault, 'join');
  const spilled = [...request.journal, ...request.clearing].some((s) => 'path' in s);
  const spill = spilled ? await import('./spill.js') : undefined;
  // Synchronous from here: spilled pieces are read into the worker's arena, which its next join
  // task reuses.
  const [journal, clearing] = spill
    ? spill.readPieces([request.journal, request.clearing])
    : [request.journal as RowBatch[], request.clearing as RowBatch[]];
  const task: JoinTask = { ...request, journal: journal!, clearing: clearing! };
  const r = joinPartition(task);
  const buffers = transferList([r.leftJournal, r.leftClearing] as RowBatch[]);
  viewBuffers(
    [r.exceptions, r.releases, r.events, r.counts, r.amounts, ...r.window.flatMap((w) => [w.records, w.fences])],
    buffers,
  );
  return moved(r, buffers);
}

export function settle(task: SettleTask) {
  releaseJoinMemory();
  const r = settleLeftovers(task);
  return moved(
    r,
    viewBuffers(
      [r.exceptions, r.events, r.counts, r.amounts, ...r.window.flatMap((w) => [w.records, w.fences])],
      transferList(r.open.flatMap((p) => [p.clearing, p.journal])),
    ),
  );
}

export function openItems(task: OpenItemsTask) {
  releaseJoinMemory();
  const bytes = encodeOpenItems(task);
  return moved({ bytes }, [bytes.buffer as ArrayBuffer]);
}

export function hashFile(path: string): Promise<string> {
  return sha256Input(path);
}
