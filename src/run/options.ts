/**
 * Options of a run: an interface, frozen defaults, and a checked merge whose errors name the option
 * (as piscina's kDefaultOptions / FilledOptions). The CLI only fills `RunOptions`; the environment
 * is read by the CLI, once, never here.
 */
import { availableParallelism } from 'node:os';
import { parseIsoDate } from '../core/dates.js';
import type { Fault } from '../core/fault.js';
import { UsageError } from '../core/usage-error.js';

export interface RunOptions {
  /** The run date D, `YYYY-MM-DD`. Required. */
  date: string;
  /** Journal files of the run. */
  journal?: readonly string[];
  /** Clearing files of the run. */
  clearing?: readonly string[];
  /** Payout result files of the run (DESIGN §3.5, the third leg; optional). */
  payout?: readonly string[];
  /** Merchants reference file (DESIGN §3.3); none: every merchant T1, no fee check. */
  merchants?: string | undefined;
  /** Calendar file; default: the shipped mainland-China calendar. */
  calendar?: string | undefined;
  /** Layout of the journal files: `recon` (DESIGN §3.1) or a profile (DESIGN §3.4, docs/profiles.md). Default `recon`. */
  journalFormat?: string;
  /** Layout of the clearing files: `recon` (DESIGN §3.2) or a profile. Default `recon`. */
  clearingFormat?: string;
  /** Layout of the payout files: `recon` (DESIGN §3.5) or a profile. Default `recon`. */
  payoutFormat?: string;
  /** Worker threads of the pool. Default: the machine's available parallelism. */
  workers?: number;
  /** Working days after the expected settle date before an open item ages. Default 1. */
  grace?: number;
  /** Load files even when their sha256 was loaded before. Default false. */
  force?: boolean;
  /** |gross − amount| tolerated before AMOUNT_MISMATCH, minor units. Default 0. */
  amountTolerance?: number;
  /** Rejected rows tolerated before the run fails: a count ("500") or a share of rows ("1%"). Default "1%". */
  maxRejects?: string;
  /** Days of matched journal keys kept for DUPLICATE_CREDIT across runs (DESIGN §9). Default 30. */
  windowDays?: number;
  /**
   * The latest runs that can be re-run or replayed (DESIGN §7 retention): carried state older than
   * they need is pruned by each run. Default 7.
   */
  keepRuns?: number;
  /** Hash partitions of the join. Default 16. */
  partitions?: number;
  /**
   * Target size of a scan chunk in bytes. Default 16 MiB: against 8 MiB, 4 of 4 paired 2M runs were
   * 0.13–0.5 s faster (half the tasks, half the batches the joins concatenate); 32 MiB was no
   * faster and held ~50 MB more.
   */
  chunkBytes?: number;
  /**
   * Memory budget for the rows of a run: "2g", "512m", or bytes. A run whose rows would take more
   * than half of it spills them to Arrow IPC files and uses enough partitions that a join task's
   * share fits. Default "2g".
   */
  memory?: string;
  /** Directory for spill files (a private subdirectory is made and removed). Default: the OS temp dir. */
  spillDir?: string | undefined;
  /**
   * A gzip input may decompress to at most this many times its size, and a zip entry declare at
   * most this many times its compressed size (issue 23: decompression bombs). Default 100.
   */
  maxInflateRatio?: number;
  /** A fault to inject, for the crash tests (RECON_FAULT, read by the CLI: core/fault.ts). Default: none. */
  fault?: Fault | undefined;
}

export interface FilledRunOptions {
  readonly date: string;
  /** The run date as an epoch day. */
  readonly runDay: number;
  readonly journal: readonly string[];
  readonly clearing: readonly string[];
  readonly payout: readonly string[];
  readonly merchants: string | undefined;
  readonly calendar: string | undefined;
  readonly journalFormat: string;
  readonly clearingFormat: string;
  readonly payoutFormat: string;
  readonly workers: number;
  readonly grace: number;
  readonly force: boolean;
  readonly amountTolerance: number;
  readonly maxRejects: { readonly count: number } | { readonly percent: number };
  readonly maxRejectsText: string;
  readonly windowDays: number;
  readonly keepRuns: number;
  readonly partitions: number;
  readonly chunkBytes: number;
  readonly memoryBytes: number;
  readonly memoryText: string;
  readonly spillDir: string | undefined;
  readonly maxInflateRatio: number;
  readonly fault: Fault | undefined;
}

export const RUN_DEFAULTS = Object.freeze({
  grace: 1,
  force: false,
  amountTolerance: 0,
  maxRejects: '1%',
  windowDays: 30,
  keepRuns: 7,
  partitions: 16,
  chunkBytes: 16 << 20,
  memory: '2g',
  /**
   * Decompressed bytes per compressed byte. Real inputs measured with gzip -9 (recon gen, 100k rows):
   * recon's CSV 4–5:1, WeChat and Alipay bills 5–9:1, UnionPay's blank-padded fixed-width ZM file
   * about 21:1 (deflated in its zip): 100 is 5× the most compressible of them, and still stops a
   * bomb (deflate reaches about 1000:1) at a tenth of what it would write.
   */
  maxInflateRatio: 100,
  format: 'recon',
});

/** "2g", "1.5G", "512m", "64k" or a byte count, as bytes. */
export function parseMemory(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(s.trim());
  if (!m) throw new UsageError(`--memory must be a size like 2g, 512m or a byte count, got "${s}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[
    m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'
  ];
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < 1024 * 1024) throw new UsageError(`--memory must be at least 1m, got "${s}"`);
  return bytes;
}

function integer(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(
      `${name} must be an integer${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` ≥ ${min}`}, got ${String(v)}`,
    );
  }
  return v;
}

export function parseMaxRejects(s: string): { count: number } | { percent: number } {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(s.trim());
  if (!m) throw new UsageError(`--max-rejects must be a count (500) or a percentage (1%), got "${s}"`);
  const v = Number(m[1]);
  if (m[2] === '%') {
    if (v > 100) throw new UsageError(`--max-rejects percentage must be at most 100%, got "${s}"`);
    return { percent: v };
  }
  if (!Number.isInteger(v)) throw new UsageError(`--max-rejects count must be an integer, got "${s}"`);
  return { count: v };
}

export function fillRunOptions(o: RunOptions): FilledRunOptions {
  const runDay = parseIsoDate(o.date ?? '');
  if (Number.isNaN(runDay))
    throw new UsageError(`--date must be a date YYYY-MM-DD between 2000 and 2099, got "${o.date}"`);
  const journal = [...(o.journal ?? [])];
  const clearing = [...(o.clearing ?? [])];
  if (journal.length === 0 && clearing.length === 0)
    throw new UsageError(`no input files for ${o.date}: give --data-dir, or --journal and --clearing`);
  const maxRejectsText = o.maxRejects ?? RUN_DEFAULTS.maxRejects;
  return Object.freeze({
    date: o.date,
    runDay,
    journal,
    clearing,
    payout: [...(o.payout ?? [])],
    merchants: o.merchants,
    calendar: o.calendar,
    journalFormat: o.journalFormat ?? RUN_DEFAULTS.format,
    clearingFormat: o.clearingFormat ?? RUN_DEFAULTS.format,
    payoutFormat: o.payoutFormat ?? RUN_DEFAULTS.format,
    workers: integer('--workers', o.workers ?? availableParallelism(), 1, 256),
    grace: integer('--grace', o.grace ?? RUN_DEFAULTS.grace, 0, 30),
    force: o.force ?? RUN_DEFAULTS.force,
    amountTolerance: integer('--amount-tolerance', o.amountTolerance ?? RUN_DEFAULTS.amountTolerance, 0),
    maxRejects: parseMaxRejects(maxRejectsText),
    maxRejectsText,
    windowDays: integer('windowDays', o.windowDays ?? RUN_DEFAULTS.windowDays, 1, 3660),
    keepRuns: integer('--keep-runs', o.keepRuns ?? RUN_DEFAULTS.keepRuns, 1, 3660),
    // At most 256: every scan task keeps a batch open for each partition.
    partitions: integer('partitions', o.partitions ?? RUN_DEFAULTS.partitions, 1, 256),
    chunkBytes: integer('chunkBytes', o.chunkBytes ?? RUN_DEFAULTS.chunkBytes, 1024),
    memoryBytes: parseMemory(o.memory ?? RUN_DEFAULTS.memory),
    memoryText: o.memory ?? RUN_DEFAULTS.memory,
    spillDir: o.spillDir,
    maxInflateRatio: integer('--max-inflate-ratio', o.maxInflateRatio ?? RUN_DEFAULTS.maxInflateRatio, 1),
    fault: o.fault,
  });
}
