/**
 * Stage 2, fingerprint: the sha256 of every input file (of a gzip file, of its decompressed
 * content), computed on the coordinator's thread from the bytes the scan tasks read: each file
 * range's read buffer comes back with its scan result, is hashed in file order, and goes out again
 * with a later range (scan-stage.ts). So no file is read a second time for its fingerprint (at 5M
 * rows a side the inputs are larger than the page cache here, and were read twice from disk).
 * Once the scan is done: two files of this run with the same data are refused unless --force, and
 * so are files an earlier run loaded (under the store lock, in the run's transaction).
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../inputs/errors.js';
import { findLoadedFiles } from '../store/run-store.js';
import type { Store } from '../store/store.js';
import type { RunContext } from './context.js';
import { FindingIds } from './finding-ids.js';
import type { FilePlan } from './plan-file.js';

export interface Fingerprints {
  /** The sha256 of each input file, in plan order. */
  readonly shas: readonly string[];
  /** The input file of each sha256. */
  readonly bySha: ReadonlyMap<string, FilePlan>;
  /** The ids of the run's findings, made from these fingerprints (finding-ids.ts). */
  readonly ids: FindingIds;
}

/**
 * The files' hashes, fed with the scan's chunks in any order and hashing them in file order. A
 * chunk that arrives before the ones ahead of it waits, with its buffer.
 */
export class FileHasher {
  private readonly hashes: Hash[] = [];
  /** Per file: its chunk ids in order, and how many of them are hashed. */
  private readonly order: (readonly number[])[] = [];
  private readonly done: number[] = [];
  private readonly fileOf = new Map<number, number>();
  /** Arrived chunks waiting for the ones ahead of them; null: a range the hasher reads itself. */
  private readonly waiting = new Map<number, Uint8Array | null>();
  /** The ranges the scan did not read whole (plan-file.ts Chunk.tooLong), by chunk id. */
  private readonly unread = new Map<number, { path: string; from: number; to: number }>();
  /** Per file: what follows its last range (a profile's summary and footer), hashed last. */
  private readonly tails: { path: string; from: number; to: number }[] = [];

  /** `chunksOf`: the chunk ids of each file's ranges, in file order (scan-tasks.ts). */
  constructor(plans: readonly FilePlan[], chunksOf: ReadonlyMap<FilePlan, readonly number[]>) {
    plans.forEach((p, f) => {
      const h = createHash('sha256');
      hashRange(h, p.readPath, 0, p.dataStart); // the header, which no range covers
      this.hashes.push(h);
      this.tails.push({ path: p.readPath, from: p.profile?.dataEnd ?? p.size, to: p.size });
      const ids = chunksOf.get(p) ?? [];
      this.order.push(ids);
      this.done.push(0);
      ids.forEach((id, k) => {
        this.fileOf.set(id, f);
        const c = p.chunks[k];
        if (c?.tooLong) this.unread.set(id, { path: p.readPath, from: c.start, to: c.end });
      });
    });
  }

  /**
   * The bytes of chunk `id` arrived (null for a range the scan did not read whole: hashed from the
   * file, in pieces); returns the buffers of the chunks hashed now (free again).
   */
  add(id: number, bytes: Uint8Array | null): Uint8Array[] {
    const f = this.fileOf.get(id);
    if (f === undefined) throw new Error(`internal: chunk ${id} is not a file range`);
    this.waiting.set(id, bytes);
    const freed: Uint8Array[] = [];
    const ids = this.order[f]!;
    for (;;) {
      const next = ids[this.done[f]!];
      if (next === undefined || !this.waiting.has(next)) break;
      const b = this.waiting.get(next)!;
      if (b !== null) {
        this.hashes[f]!.update(b);
        freed.push(b);
      } else {
        const r = this.unread.get(next);
        if (!r) throw new Error(`internal: chunk ${next} came without its bytes`);
        hashRange(this.hashes[f]!, r.path, r.from, r.to);
      }
      this.waiting.delete(next);
      this.done[f]!++;
    }
    return freed;
  }

  /** The sha256 of every file; every chunk must have arrived. */
  digests(): string[] {
    return this.hashes.map((h, f) => {
      if (this.done[f] !== this.order[f]!.length) throw new Error('internal: a file range was not hashed');
      const tail = this.tails[f]!;
      hashRange(h, tail.path, tail.from, tail.to);
      return h.digest('hex');
    });
  }
}

/** Bytes read at a time where the hasher reads a file itself: however large the range, memory stays this. */
const HASH_PIECE_BYTES = 1 << 20;

/** Feeds bytes [from, to) of a file to `h`, HASH_PIECE_BYTES at a time. */
function hashRange(h: Hash, path: string, from: number, to: number): void {
  if (to <= from) return;
  const buf = Buffer.allocUnsafe(Math.min(HASH_PIECE_BYTES, to - from));
  const fd = openSync(path, 'r');
  try {
    let pos = from;
    while (pos < to) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Refuses a file given twice with the same content, or loaded by an earlier run (unless --force). */
export async function checkFingerprints(run: RunContext, tx: Store, shas: readonly string[]): Promise<Fingerprints> {
  const { plans } = run.inputs;
  run.progress.stage('checking fingerprints');
  const bySha = new Map<string, FilePlan>();
  plans.forEach((p, i) => {
    const other = bySha.get(shas[i]!);
    if (other && !run.options.force && p.chunks.length > 0)
      throw new InputError(p.shown, `has the same content as ${other.shown}; use --force to load both`);
    bySha.set(shas[i]!, p);
  });
  if (!run.options.force) {
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
  return { shas, bySha, ids: await FindingIds.of(tx, run.options.date, plans, shas) };
}
