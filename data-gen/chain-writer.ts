/**
 * The rows of a generated chain, as the fates and the ordinary days ask for them: journal rows in
 * the day's journal file, clearing rows in the chain's clearing layout (and again in recon's, under
 * clearing-recon/, when asked; each counted into the expected payouts when the chain has a payout
 * leg), and at the end the merchants file.
 */
import { writeFileSync } from 'node:fs';
import type { DayFiles } from './day-files.js';
import type { ExpectedPayouts } from './expected-payouts.js';
import { styledLine } from './file-sink.js';
import type { GenCalendar } from './gen-calendar.js';
import type { ClearingLayout } from './layouts/layout.js';
import type { Rng } from './rng.js';
import { isoTime } from './text.js';
import { CYCLE_NAMES, expectedFeeOf, type Merchant, type Txn } from './world.js';

/** One clearing row as the fates and the ordinary days ask for it; what it leaves out is the usual. */
export interface ClearingOpts {
  /** SALE (default), REFUND, REVERSAL, RELEASE. */
  type?: string;
  settle: number;
  /** Default: the transaction's amount. */
  gross?: number;
  /** Default: the merchant's fee on gross (none on a refund). */
  fee?: number;
  /** SETTLED (default), HELD. */
  status?: string;
  /** The acquirer's time is the terminal's plus this (kept on the same business date). */
  jitterMs?: number;
  /** Default: the transaction's rrn. */
  rrn?: string;
}

export class ChainWriter {
  journalRows = 0;
  clearingRows = 0;

  constructor(
    private readonly files: DayFiles,
    private readonly layout: ClearingLayout,
    /** recon's layout under clearing-recon/, beside a bill layout. */
    private readonly reconCopy: ClearingLayout | null,
    private readonly rng: Rng,
    private readonly cal: GenCalendar,
    private readonly zone: number,
    /** The chain's last day: rows of later days are not written. */
    private readonly end: number,
    /** The expected payouts the clearing rows make, when the chain has payouts. */
    private readonly expected: ExpectedPayouts | null = null,
  ) {}

  journal(day: number, t: Txn): void {
    if (day > this.end) return;
    const v = [
      t.merchant.id,
      t.terminal.id,
      t.batchNo,
      t.stan,
      t.rrn,
      t.authCode,
      t.type,
      t.channel,
      t.orderNo,
      isoTime(t.time, this.zone),
      String(t.amount),
      'CNY',
      t.response,
      t.origRrn,
      t.pan,
    ];
    this.files.sink('journal', day).line(styledLine(v, this.files.style('journal', day), this.rng));
    this.journalRows++;
  }

  clearing(day: number, t: Txn, c: ClearingOpts): void {
    if (day > this.end) return;
    const gross = c.gross ?? t.amount;
    const fee = c.fee ?? (c.type === 'REFUND' ? 0 : expectedFeeOf(t.merchant, gross));
    let time = t.time + (c.jitterMs ?? 0);
    if (this.cal.businessDate(time) !== t.businessDate) time = t.time;
    const row = {
      day,
      t,
      type: c.type ?? 'SALE',
      time,
      gross,
      fee,
      settle: c.settle,
      status: c.status ?? 'SETTLED',
      rrn: c.rrn ?? t.rrn,
      seq: this.clearingRows,
    };
    this.layout.row(row);
    this.clearingRows++;
    this.reconCopy?.row(row);
    this.expected?.add(day, t.merchant, row.type, row.status, row.settle, gross - fee, time);
  }

  /** Every row of day d's files is made (later days only add to later files): closes and writes them. */
  closeDay(d: number): void {
    this.files.sink('journal', d).close();
    this.layout.closeStreams?.(d);
    this.reconCopy?.closeStreams?.(d);
    this.layout.writeWhole?.(d);
  }

  /** merchants.csv: cycle, rate and cap of every merchant, and its alias on the bills' platform. */
  writeMerchants(merchants: readonly Merchant[]): void {
    const alias = this.layout.alias?.bind(this.layout);
    const line = (m: Merchant): string =>
      `${m.id},${CYCLE_NAMES[m.cycle]},${m.mdr >= 0 ? m.mdr : ''},${m.cap >= 0 ? m.cap : ''}${alias ? `,${alias(m)}` : ''}`;
    writeFileSync(
      this.files.chainFile('merchants.csv'),
      `merchant_id,cycle,mdr_bps,fee_cap_minor${alias ? ',aliases' : ''}\n${merchants.map(line).join('\n')}\n`,
    );
  }
}
