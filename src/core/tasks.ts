/**
 * The thread contract: what the coordinator (src/run) and the worker tasks (workers/index.ts, the
 * module the pool loads) hand each other. Workers import only src/core, and src never imports
 * workers/, so the task and result types of every worker function are declared here, once.
 *
 * Vocabulary
 * - task: the argument of one worker function (scan, join, settle, openItems; hashFile takes a path).
 * - result: what it returns. Buffers cross threads in the transfer list or as shared memory, never
 *   as per-row objects (DESIGN §9: move bytes, not objects).
 * - row batch: the narrow Arrow-layout columns of one partition's rows (batch.ts RowBatch).
 * - spill piece: a batch written to a spill file instead of being returned, when a run's rows would
 *   not fit its memory budget.
 */
import type { ExtraColumns, RowBatch } from './batch.js';
import type { CalendarSpec } from './dates.js';
import type { Fault } from './fault.js';
import type { MerchantTable } from './merchants.js';
import type { PayoutRows, PayoutSums } from './payout-rows.js';
import type { Profile } from './profile.js';
import type { RejectBatch } from './reject.js';
import type { Side } from './schema.js';
import type { WindowSegment } from './window-layout.js';

/** What the pool gives every worker (src/run/pool.ts createPool). */
export interface WorkerData {
  /** The run's RECON_FAULT, for the crash tests; read once, when the worker loads workers/index.ts. */
  fault: Fault | undefined;
}

// Scan

/** A byte range of an input file: the scan reads it from the file. */
export interface FileRange {
  path: string;
  /** Byte offset of the first record (after the header for the first chunk). */
  start: number;
  end: number;
  /** The range is one line longer than MAX_LINE_BYTES (src/run/plan-file.ts Chunk): rejected, not read whole. */
  tooLong?: true;
}

/** Bytes the coordinator holds (earlier runs' open items, copied out of the store): scanned from `start`. */
export interface InlineBytes {
  bytes: Uint8Array;
  start: number;
}

/** What a profile's records need: the profile, the file's header names, the lines before its table. */
export interface ProfileSource {
  profile: Profile;
  header: string[] | null;
  before: string[];
}

/**
 * Which new journal rows may be copies of rows earlier runs closed (DESIGN §6.1 rule 8 across runs):
 * the coordinator knows which business dates the journal window holds records of, and for the dates
 * with few records, their identity hashes. The scan returns the identity keys of the rows to look up.
 */
export interface CopyCheck {
  /** First business date of `days`. */
  from: number;
  /** Per business date from `from`: 0 nothing to check, 1 every row, 2 the rows whose identity hash is in `hashes`. */
  days: Uint8Array;
  /** Sorted identity hashes (hi, unsigned) of the window records of the dates marked 2. */
  hashes: Uint32Array;
}

/** A scan task (workers/scan.ts): one range of one input, cut into the partitions' row batches. */
export interface ScanTask {
  /** Global chunk number: batches are merged in this order, whatever order tasks finish in. */
  chunk: number;
  side: Side;
  /** fields[i] = field (F_*) of the file's i-th column. */
  fields: readonly number[];
  /** Whether the input carries the state columns (the open-item store). */
  state: boolean;
  fileNo: number;
  runDay: number;
  partitions: number;
  grace: number;
  calendar: CalendarSpec;
  merchants: MerchantTable;
  source: FileRange | InlineBytes;
  copyCheck?: CopyCheck;
  /** A directory: write the partition batches to a spill file there instead of returning them. */
  spill?: string;
  /** Every record on the careful path (tests compare it with the generated fast path). */
  carefulOnly?: boolean;
  /**
   * Also return the columns only open items store (ExtraColumns), one entry per accepted row in
   * line order: for rows read back by their locator (workers/extras.ts).
   */
  extras?: boolean;
  /**
   * Shared memory to read a file range into, returned with the result as `read`: the coordinator
   * hashes the bytes for the file's fingerprint and sends the buffer out again with a later range.
   */
  readInto?: Uint8Array;
  /** A file read through a profile (DESIGN §3.4): its records are read by the profile (`fields` is unused). */
  profile?: ProfileSource;
  /**
   * The run has a payout leg (DESIGN §3.5): a clearing range also returns what its rows add to each
   * (merchant, settle_date)'s expected payout (ScanResult.payoutSums).
   */
  payoutSums?: boolean;
}

/** What a scan task returns: its partitions' row batches (or their spill pieces), rejects and counts. */
export interface ScanResult {
  chunk: number;
  /** Physical lines consumed, blank and rejected ones included. */
  lines: number;
  rows: number;
  bytes: number;
  batches: RowBatch[];
  rejects: RejectBatch;
  /** Card numbers in pan_masked that showed more than the first 6 and last 4 digits, masked on ingest. */
  panMasked: number;
  /**
   * The calendar dates this chunk's rows need (DESIGN §3.3): the earliest business date, and the
   * latest deadline or settle date of a clearing row that may be credited (status not REJECTED).
   * The coordinator checks them against the calendar's `covers`. [Infinity, -Infinity] when no rows.
   */
  needs: { firstBusinessDate: number; lastDeadline: number; lastSettle: number };
  /** Identity keys of the rows to look up in the journal window (COPY_KEY_WIDTH words each). */
  copyKeys: Int32Array;
  /** Rows per partition. */
  partRows: number[];
  /** With ScanTask.spill: where each partition's batch went (`batches` is then empty). */
  spilled?: SpillPiece[];
  /** With ScanTask.extras: the accepted rows' open-item-only columns, in line order. */
  extras?: ExtraColumns;
  /** With ScanTask.readInto: that buffer, its first `bytes` bytes the range as read. */
  read?: Uint8Array | undefined;
  /** A profile's file: what this chunk's records add to its control totals (profile-record.ts addTotals). */
  totals?: Float64Array;
  /** A payout file's range: its accepted rows (`batches` is then empty). */
  payouts?: PayoutRows;
  /** With ScanTask.payoutSums, a clearing range: its rows' share of the expected payouts. */
  payoutSums?: PayoutSums;
}

// Spill

/** Where one partition's batch of one scan chunk lives in a spill file (workers/spill.ts). */
export interface SpillPiece {
  path: string;
  offset: number;
  length: number;
  rows: number;
}

/** A batch, or where a spilled one lives. */
export type BatchSource = RowBatch | SpillPiece;

// Join

/** A join task (workers/join.ts) as the worker runs it: one partition's batches, in memory. */
export interface JoinTask {
  partition: number;
  runDay: number;
  /** Carried journal items first, then new journal batches in chunk order. */
  journal: RowBatch[];
  /** Added to src_line of each journal batch (the chunk's first line; 0 for carried items). */
  journalLineBase: number[];
  /**
   * Ascending row numbers (over the journal batches in order) of rows the coordinator found to be
   * copies of rows in the journal window: dropped with a DUPLICATE_JOURNAL each.
   */
  copies: Int32Array;
  clearing: RowBatch[];
  clearingLineBase: number[];
  calendar: CalendarSpec;
  merchants: MerchantTable;
  /** |gross − amount| above this is an AMOUNT_MISMATCH (minor units). */
  amountTolerance: number;
}

/** A join task as the coordinator sends it: batches in memory or in spill files. */
export type JoinRequest = Omit<JoinTask, 'journal' | 'clearing'> & { journal: BatchSource[]; clearing: BatchSource[] };

/** What a join task returns: its findings and window records as bytes, and its left-over rows. */
export interface JoinResult {
  partition: number;
  /** CSV rows for recon.exception (new findings). */
  exceptions: Uint8Array;
  /** Window records of the journal rows leaving the open set here. */
  window: WindowSegment[];
  /** CSV rows of RELEASE keys. */
  releases: Uint8Array;
  /** (op, kind, side, src_run, src_file, src_line) events on earlier findings. */
  events: Int32Array;
  /** Unmatched journal and clearing rows, for the settle task. */
  leftJournal: RowBatch;
  leftClearing: RowBatch;
  /** Rows finished here, by side × origin × outcome (codes.ts countIndex). */
  counts: Int32Array;
  /** Amounts (minor units) of the rows counted in `counts`, by the same index. */
  amounts: Float64Array;
  findings: number;
}

// Settle and open items

/** The settle task (workers/settle.ts): the left-overs of every partition, across partitions. */
export interface SettleTask {
  runDay: number;
  /** Flagged items whose business date is before this leave the open set (the window, §9). */
  windowStart: number;
  journal: RowBatch[];
  clearing: RowBatch[];
  /**
   * Per clearing batch, ascending row numbers the coordinator settled against the journal window
   * (duplicates of credited transactions, late credits of sales closed without one).
   */
  consumedClearing: Int32Array[];
  calendar: CalendarSpec;
  merchants: MerchantTable;
  amountTolerance: number;
}

/**
 * Open items to write, in the order of their primary key: clearing rows, then journal rows, each by
 * source. Cut into pieces that are encoded in parallel (workers/open-items.ts) and written one after the other.
 */
export interface OpenPiece {
  clearing: RowBatch;
  journal: RowBatch;
}

/** What the settle task returns: findings, window records and the open items to write. */
export interface SettleResult {
  exceptions: Uint8Array;
  /** The open items in pieces; the coordinator has them encoded (workers/open-items.ts). */
  open: OpenPiece[];
  /** Window records of the journal rows leaving the open set here. */
  window: WindowSegment[];
  events: Int32Array;
  counts: Int32Array;
  /** Amounts (minor units) of the rows counted in `counts`, by the same index. */
  amounts: Float64Array;
  findings: number;
  openJournal: number;
  openClearing: number;
}

/** Where one side's rows were read from by this run. */
export interface RowSources {
  /** The input files of the side, by their number in the run. */
  files: { fileNo: number; path: string; fields: readonly number[]; profile?: ProfileSource }[];
  /** The open-item store's rows of the side as this run read them (shared memory), with their header. */
  store: { bytes: Uint8Array; fields: readonly number[] } | null;
}

/** An open-items task (workers/open-items.ts): one piece of the open items, encoded as COPY binary. */
export interface OpenItemsTask {
  runDay: number;
  grace: number;
  calendar: CalendarSpec;
  merchants: MerchantTable;
  /** Where each side's rows were read from (workers/extras.ts). */
  sources: { journal: RowSources; clearing: RowSources };
  piece: OpenPiece;
}
