/**
 * The ground truth of a generated chain: the findings a correct engine must report when the days
 * are run in order — no more, no less — as truth.csv, in the truth columns of the export
 * (src/core/finding-columns.ts), so that the chain tests compare the two line by line.
 */
import { writeFileSync } from 'node:fs';
import { formatIsoDate } from '../src/core/dates.js';
import { TRUTH_COLUMNS, type TruthRow } from '../src/core/finding-columns.js';
import { needsQuote, quoted } from './text.js';
import type { Merchant, Txn } from './world.js';

/**
 * What a payout finding states (DESIGN §6.2 rule 4): the expected payout (its clearing side), the
 * payout it names, the bank's reason and the amount paid; duplicate_count for PAYOUT_DUPLICATE.
 */
export interface PayoutDetails {
  expected?: number;
  payoutId?: string;
  reason?: string;
  paid?: number;
  duplicates?: number;
}

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

  /**
   * A payout finding run `raised` reports on `merchant`'s payouts: no terminal, no transaction keys,
   * no journal amount.
   */
  addPayout(raised: number, kind: string, status: 'open' | 'resolved', merchant: Merchant, d: PayoutDetails): void {
    if (raised > this.end) return;
    this.rows.push({
      business_date: formatIsoDate(raised),
      kind,
      status,
      merchant_id: merchant.id,
      terminal_id: '',
      rrn: '',
      stan: '',
      order_no: '',
      journal_amount_minor: '',
      clearing_amount_minor: d.expected === undefined ? '' : String(d.expected),
      days_late: '0',
      duplicate_count: String(d.duplicates ?? 0),
      payout_id: d.payoutId ?? '',
      reason_code: d.reason ?? '',
      payout_amount_minor: d.paid === undefined ? '' : String(d.paid),
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
