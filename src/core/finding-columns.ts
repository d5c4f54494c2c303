/**
 * The columns of a finding (DESIGN §6: "every exception row carries enough to act on"), defined
 * once. Everything that lists them derives its list from FINDING_COLUMNS:
 * - the store: EXCEPTION_COLUMNS (src/core/store-columns.ts), the COPY column list of
 *   recon.exception, in the order the encoders write a new finding (workers/encode.ts,
 *   src/run/journal-window.ts);
 * - the export: EXPORT_COLUMNS, the §8 columns of `recon exceptions`, and the query that makes them
 *   (src/reports/exceptions-export.ts);
 * - the generator's truth: TRUTH_COLUMNS, what data-gen states of every planted finding in
 *   truth.csv and the chain tests compare with the export.
 *
 * Vocabulary
 * - stored column: a column of recon.exception, as the migrations made it (name, SQL type, NULL or
 *   not; test/integration/finding-columns.test.ts holds the two together). Their order here is the
 *   COPY order (what the encoders write) and the export's.
 * - export column: a §8 column. Most show one stored column under its name; `business_date` shows
 *   raised_on (the run that raised the finding, §6.1 rule 13); `journal_source` and `clearing_source`
 *   each show a side's source row, stored as three columns (run, file, line), as `path:line`.
 * - truth column: an export column the truth states: what a planted fate decides (kind, status,
 *   keys, amounts, days late, duplicate count), not what the data around it varies (times, fees,
 *   dates, sources).
 */

/** SQL types of the stored columns. */
export type FindingColumnType = 'date' | 'text' | 'char(1)' | 'integer' | 'bigint' | 'timestamptz';

export interface FindingColumn {
  /** The column of recon.exception. */
  readonly name: string;
  readonly type: FindingColumnType;
  /** May be NULL (a finding with no clearing row has no clearing amount). Default: NOT NULL. */
  readonly nullable?: true;
  /**
   * Not among the columns the workers encode for a new finding (id: put in front of each row by the
   * coordinator, src/run/finding-ids.ts; resolved_on: set by the run that resolves it).
   */
  readonly later?: true;
  /**
   * Only a payout finding has it (DESIGN §6.2 rule 4): written by the payout leg's own COPY
   * (src/run/payout-stage.ts, PAYOUT_FINDING_COLUMNS), not by the workers' encoders.
   */
  readonly payout?: true;
  /** The export column it appears in: under its own name (true) or the one named. */
  readonly exported?: true | string;
  /** Stated by the generator's truth (an export column's, so only on exported columns). */
  readonly truth?: true;
}

export const FINDING_COLUMNS = [
  // The finding's id (DESIGN §10: F and 12 base32 characters; the export's first column): not encoded
  // by the workers; the coordinator puts it in front of each row it copies (src/run/finding-ids.ts).
  { name: 'id', type: 'text', nullable: true, later: true, exported: true },
  { name: 'raised_on', type: 'date', exported: 'business_date', truth: true },
  { name: 'kind', type: 'text', exported: true, truth: true },
  { name: 'status', type: 'text', exported: true, truth: true },
  { name: 'resolved_on', type: 'date', nullable: true, later: true },
  // The subject: the source row whose keys the finding carries (§6.1 rule 11), its identity.
  { name: 's_side', type: 'char(1)' },
  { name: 's_run', type: 'date' },
  { name: 's_file', type: 'integer' },
  { name: 's_line', type: 'integer' },
  { name: 'merchant_id', type: 'text', exported: true, truth: true },
  { name: 'terminal_id', type: 'text', nullable: true, exported: true, truth: true },
  { name: 'rrn', type: 'text', nullable: true, exported: true, truth: true },
  { name: 'stan', type: 'text', nullable: true, exported: true, truth: true },
  { name: 'order_no', type: 'text', nullable: true, exported: true, truth: true },
  { name: 'txn_time', type: 'timestamptz', exported: true },
  { name: 'txn_business_date', type: 'date' },
  { name: 'journal_amount_minor', type: 'bigint', nullable: true, exported: true, truth: true },
  { name: 'clearing_amount_minor', type: 'bigint', nullable: true, exported: true, truth: true },
  { name: 'fee_minor', type: 'bigint', nullable: true, exported: true },
  { name: 'expected_fee_minor', type: 'bigint', nullable: true, exported: true },
  { name: 'expected_settle_date', type: 'date', nullable: true, exported: true },
  { name: 'settle_date', type: 'date', nullable: true, exported: true },
  { name: 'days_late', type: 'integer', exported: true, truth: true },
  { name: 'duplicate_count', type: 'integer', exported: true, truth: true },
  { name: 'amount_at_stake', type: 'bigint' },
  // Each side's source row (run, file, line), shown as path:line.
  { name: 'j_run', type: 'date', nullable: true, exported: 'journal_source' },
  { name: 'j_file', type: 'integer', nullable: true, exported: 'journal_source' },
  { name: 'j_line', type: 'integer', nullable: true, exported: 'journal_source' },
  { name: 'c_run', type: 'date', nullable: true, exported: 'clearing_source' },
  { name: 'c_file', type: 'integer', nullable: true, exported: 'clearing_source' },
  { name: 'c_line', type: 'integer', nullable: true, exported: 'clearing_source' },
  // The payout leg (DESIGN §6.2 rule 4; migration 0009): at the end of the export, empty on the other kinds.
  { name: 'payout_id', type: 'text', nullable: true, payout: true, exported: true, truth: true },
  { name: 'reason_code', type: 'text', nullable: true, payout: true, exported: true, truth: true },
  { name: 'account_masked', type: 'text', nullable: true, payout: true, exported: true },
  { name: 'payout_amount_minor', type: 'bigint', nullable: true, payout: true, exported: true, truth: true },
  { name: 'p_run', type: 'date', nullable: true, payout: true, exported: 'payout_source' },
  { name: 'p_file', type: 'integer', nullable: true, payout: true, exported: 'payout_source' },
  { name: 'p_line', type: 'integer', nullable: true, payout: true, exported: 'payout_source' },
] as const satisfies readonly FindingColumn[];

type Column = (typeof FINDING_COLUMNS)[number];
/** The export column a stored column appears in. */
type ExportedAs<C> = C extends { exported: true; name: infer N } ? N : C extends { exported: infer E } ? E : never;

export type StoredFindingColumn = Column['name'];
export type ExportColumn = ExportedAs<Column>;
export type TruthColumn = ExportedAs<Extract<Column, { truth: true }>>;

/** A finding as `recon exceptions` shows it: every value as text ('' for none). */
export type ExportedFinding = Record<ExportColumn, string>;
/** A finding as the generator's truth states it: the truth columns of its export row. */
export type TruthRow = Pick<ExportedFinding, TruthColumn>;

/** The export column a stored column appears in, if any. */
export function exportedAs(c: FindingColumn): string | undefined {
  return c.exported === true ? c.name : c.exported;
}

/** Export columns, each once, in the order of their stored columns. */
function exportColumns<C extends string>(columns: readonly FindingColumn[]): readonly C[] {
  return [...new Set(columns.map(exportedAs).filter((e) => e !== undefined))] as C[];
}

/** The columns of `recon exceptions` (DESIGN §8), in order. */
export const EXPORT_COLUMNS = exportColumns<ExportColumn>(FINDING_COLUMNS);

/** The columns of the generator's truth.csv, in order. */
export const TRUTH_COLUMNS = exportColumns<TruthColumn>(FINDING_COLUMNS.filter((c: FindingColumn) => c.truth));
