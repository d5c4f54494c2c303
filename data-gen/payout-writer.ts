/**
 * The payout files of a generated chain (DESIGN §3.5): DIR/payout/D.csv for every generated day D,
 * the payout results received on D, in the columns of PAYOUT_HEADER and their order, each file
 * styled like the other day files (a BOM, CRLF or extra quotes now and then). The payout fates
 * (fates/payouts.ts) hand it rows of any day; a row of a day after the chain's end is not written.
 *
 * Accounts: every merchant has a settlement account, written masked (622202******1234); now and then
 * a row shows the full number (19 digits), which a run must mask on ingest.
 */
import { writeFileSync } from 'node:fs';
import { formatIsoDate } from '../src/core/dates.js';
import { PAYOUT_HEADER } from '../src/core/schema.js';
import type { DayFiles } from './day-files.js';
import { drawStyle, styledHeader, styledLine } from './file-sink.js';
import type { Rng } from './rng.js';
import { pad } from './text.js';
import type { Merchant } from './world.js';

export type PayoutStatus = 'PAID' | 'FAILED' | 'RETURNED' | 'HELD';

/** One payout result, as a payout fate asks for it. */
export interface PayoutRow {
  /** The day of the file it is in (the day the result is received). */
  day: number;
  id: string;
  merchant: Merchant;
  settle: number;
  amount: number;
  status: PayoutStatus;
  /** The day the status was reached (on or before `day`). */
  statusDate: number;
  /** The bank's (or the acquirer's) reason; '' for PAID. */
  reason: string;
  /** The account as the row shows it (masked, or now and then in full). */
  account: string;
  /** The payout it replaces (a re-payout after FAILED/RETURNED), else ''. */
  orig: string;
}

/** The first six digits of the settlement accounts' bank numbers. */
const ACCOUNT_BINS = ['622202', '621700', '622848', '621226', '955880', '622588'];
/** Share of rows that show the account in full. */
const FULL_ACCOUNT_RATE = 0.04;

/** A merchant's settlement account: its full number (19 digits) and its masked form. */
interface Account {
  full: string;
  masked: string;
}

export class PayoutWriter {
  rows = 0;
  /** Rows written that show the account in full. */
  fullAccounts = 0;
  private readonly byDay = new Map<number, PayoutRow[]>();
  private readonly accounts = new Map<Merchant, Account>();
  private seq = 0;

  constructor(
    private readonly files: DayFiles,
    private readonly rng: Rng,
    private readonly start: number,
    /** The chain's last day: rows of later days are not written. */
    private readonly end: number,
    /** Every file in the canonical layout (no BOM, LF, no quotes). */
    private readonly plain: boolean,
  ) {}

  /** A new payout id, made on `day`: PO, the date, a sequence. */
  newId(day: number): string {
    return `PO${formatIsoDate(day).replaceAll('-', '')}${pad(++this.seq, 8)}`;
  }

  /** A merchant's account (a new one, `renewed`, after its bank closed or refused the old). */
  account(m: Merchant, renewed = false): string {
    let a = this.accounts.get(m);
    if (!a || renewed) {
      const bin = this.rng.pick(ACCOUNT_BINS);
      const last4 = pad(this.rng.int(0, 9999), 4);
      a = { full: `${bin}${pad(this.rng.int(0, 999_999_999), 9)}${last4}`, masked: `${bin}******${last4}` };
      this.accounts.set(m, a);
    }
    // Until one is written, every row shows it in full.
    return this.rng.chance(FULL_ACCOUNT_RATE) || this.fullAccounts === 0 ? a.full : a.masked;
  }

  /** A payout row, for its day's file (none after the chain's end). */
  add(r: PayoutRow): void {
    if (r.day > this.end) return;
    if (r.day < this.start || r.statusDate > r.day) throw new Error(`payout ${r.id}: a row dated outside its chain`);
    let rows = this.byDay.get(r.day);
    if (!rows) {
      rows = [];
      this.byDay.set(r.day, rows);
    }
    rows.push(r);
    this.rows++;
    if (!r.account.includes('*')) this.fullAccounts++;
  }

  /** Writes every day's file, in day order (a day without a payout gets its header only). */
  write(): void {
    for (let d = this.start; d <= this.end; d++) {
      const drawn = drawStyle(PAYOUT_HEADER.length, this.rng, this.plain);
      // The columns in the header's order: only the BOM, the line ends and the quotes vary.
      const style = { ...drawn, order: PAYOUT_HEADER.map((_, i) => i) };
      const lines = (this.byDay.get(d) ?? []).map((r) =>
        styledLine(
          [
            r.id,
            r.merchant.id,
            formatIsoDate(r.settle),
            String(r.amount),
            'CNY',
            r.status,
            formatIsoDate(r.statusDate),
            r.reason,
            r.account,
            r.orig,
          ],
          style,
          this.rng,
        ),
      );
      writeFileSync(
        this.files.payoutFile(d),
        styledHeader(PAYOUT_HEADER, style) + lines.map((l) => l + style.eol).join(''),
      );
    }
  }
}
