/**
 * Open-items task: one piece of the settle task's open items (src/core/tasks.ts OpenPiece) as COPY
 * binary tuples of recon.open_item (encode.ts writeOpenItem), with the columns batches do not carry
 * read back from the rows' lines (extras.ts). The coordinator runs the pieces on two workers at once and
 * writes their bytes in order: reading the lines back is most of the work, and it no longer holds
 * up one worker while the other waits.
 */
import { ByteWriter } from '../src/core/byte-writer.js';
import { FLAG_PERSISTED } from '../src/core/codes.js';
import type { OpenItemsTask } from '../src/core/tasks.js';
import { writeOpenItem } from './encode.js';
import { readExtras } from './extras.js';

export function encodeOpenItems(task: OpenItemsTask): Uint8Array {
  const { runDay, piece } = task;
  const rescan = { runDay, grace: task.grace, calendar: task.calendar, merchants: task.merchants };
  // An open item is ~200 bytes as a tuple: start there rather than at 16 KB doubled a dozen times.
  const w = new ByteWriter(Math.max(1 << 14, (piece.clearing.length + piece.journal.length) * 224));
  for (const [B, journal] of [
    [piece.clearing, false],
    [piece.journal, true],
  ] as const) {
    const rows = Int32Array.from({ length: B.length }, (_, i) => i);
    const x = readExtras(
      B,
      rows,
      journal ? 'journal' : 'clearing',
      journal ? task.sources.journal : task.sources.clearing,
      rescan,
    );
    for (let i = 0; i < B.length; i++) writeOpenItem(w, runDay, B, i, journal, B.flags[i]! & FLAG_PERSISTED, x, i);
  }
  return w.bytes();
}
