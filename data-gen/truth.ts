/**
 * The ground truth of a generated chain: the findings a correct engine must report when the days
 * are run in order — no more, no less — as truth.csv, in the truth columns of the export
 * (src/core/finding-columns.ts), so that the chain tests compare the two line by line.
 */
import { writeFileSync } from 'node:fs';
import { formatIsoDate } from '../src/core/dates.js';
import { TRUTH_COLUMNS, type TruthRow } from '../src/core/finding-columns.js';
import { needsQuote, quoted } from './text.js';
import type { Txn } from './world.js';

/** What a finding states beyond its kind, status and keys. */
export interface FindingDetails {
  daysLate?: number;
  duplicates?: number;
  /** The rrn it carries when not its transaction's (the clearing row's own). */
  rrn?: string;
}

export class Truth {
  readonly rows: TruthRow[] = [];

  /** `end`: the chain's last day; a finding raised after it is not in this chain's truth. */
  constructor(private readonly end: number) {}

  /**
   * A finding run `raised` reports, with the keys of `keys` and the amounts of each side (null:
   * that side has none).
   */
  add(
    raised: number,
    kind: string,
    status: 'open' | 'resolved',
    keys: Txn,
    journal: number | null,
    clearing: number | null,
    more: FindingDetails = {},
  ): void {
    if (raised > this.end) return;
    this.rows.push({
      business_date: formatIsoDate(raised),
      kind,
      status,
      merchant_id: keys.merchant.id,
      terminal_id: keys.terminal.id,
      rrn: more.rrn ?? keys.rrn,
      stan: keys.stan,
      order_no: keys.orderNo,
      journal_amount_minor: journal === null ? '' : String(journal),
      clearing_amount_minor: clearing === null ? '' : String(clearing),
      days_late: String(more.daysLate ?? 0),
      duplicate_count: String(more.duplicates ?? 0),
      payout_id: '',
      reason_code: '',
      payout_amount_minor: '',
    });
  }

  /** Sorts the findings (by the columns in order) and writes them as CSV to `path`. */
  write(path: string): void {
    const rows = this.rows;
    rows.sort((a, b) => TRUTH_COLUMNS.map((c) => a[c].localeCompare(b[c])).find((x) => x !== 0) ?? 0);
    const cell = (v: string): string => (needsQuote(v) ? quoted(v) : v);
    writeFileSync(
      path,
      `${TRUTH_COLUMNS.join(',')}\n${rows.map((r) => TRUTH_COLUMNS.map((c) => cell(r[c])).join(',')).join('\n')}${rows.length ? '\n' : ''}`,
    );
  }
}
