/**
 * Hand-written scenarios: a few journal and clearing rows per day, written as CSV files, run day by
 * day on a fresh in-memory store, and the findings read back as short lines such as
 * "2026-11-18 MISSING_CREDIT open 000001" (+ " days_late=2", " dups=2" when not zero).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPayoutKind } from '../../src/core/codes.js';
import { packagePath } from '../../src/core/package-path.js';
import { CLEARING_HEADER, JOURNAL_HEADER, PAYOUT_HEADER } from '../../src/core/schema.js';
import { queryExceptions } from '../../src/reports/exceptions-export.js';
import { fillRunOptions, type RunOptions } from '../../src/run/options.js';
import type { Pool } from '../../src/run/pool.js';
import { runDay } from '../../src/run/run-day.js';
import type { RunSummary } from '../../src/run/summary.js';
import { migrate } from '../../src/store/migrate.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from './chain.js';
import { openMemoryStore } from './stores.js';

export const MERCHANT = '898310148160568';
export const TERMINAL = '10023456';
export const FIXTURE_CALENDAR = packagePath('test/fixtures/calendar-autumn-2026.json');

export type JournalRow = Partial<Record<(typeof JOURNAL_HEADER)[number], string>> & { stan: string; txn_time: string };
export type ClearingRow = Partial<Record<(typeof CLEARING_HEADER)[number], string>> & {
  stan: string;
  txn_time: string;
  settle_date: string;
};

/** A card rrn made from the STAN, unique per STAN. */
export function rrnOf(stan: string): string {
  return `632010${stan}`;
}

export function sale(r: JournalRow): Record<string, string> {
  return {
    merchant_id: MERCHANT,
    terminal_id: TERMINAL,
    batch_no: '000001',
    rrn: rrnOf(r.stan),
    auth_code: `A${r.stan.slice(1)}`,
    txn_type: 'SALE',
    channel: 'CARD_CHIP',
    order_no: '',
    amount_minor: '10000',
    currency: 'CNY',
    response_code: '00',
    orig_rrn: '',
    pan_masked: '622588******1234',
    ...r,
  };
}

export function qrSale(r: JournalRow): Record<string, string> {
  return sale({ rrn: '', auth_code: '', channel: 'QR', pan_masked: '', order_no: `ORD${r.stan}`, ...r });
}

export function credit(r: ClearingRow): Record<string, string> {
  const base = {
    record_type: 'SALE',
    merchant_id: MERCHANT,
    terminal_id: TERMINAL,
    rrn: rrnOf(r.stan),
    auth_code: `A${r.stan.slice(1)}`,
    order_no: '',
    orig_rrn: '',
    pan_masked: '622588******1234',
    gross_minor: '10000',
    fee_minor: '60',
    currency: 'CNY',
    status: 'SETTLED',
    ...r,
  };
  return { net_minor: String(Number(base.gross_minor) - Number(base.fee_minor)), ...base };
}

export function qrCredit(r: ClearingRow): Record<string, string> {
  return credit({ rrn: '', auth_code: '', pan_masked: '', order_no: `ORD${r.stan}`, ...r });
}

export type PayoutRow = Partial<Record<(typeof PAYOUT_HEADER)[number], string>> & {
  payout_id: string;
  merchant_id: string;
  settle_date: string;
  status_date: string;
};

/** A payout result row (DESIGN §3.5): PAID, 9,940 (a 10,000 credit less its 60 fee) unless told. */
export function payout(r: PayoutRow): Record<string, string> {
  return {
    amount_minor: '9940',
    currency: 'CNY',
    status: 'PAID',
    reason_code: '',
    account_masked: '622202******1234',
    orig_payout_id: '',
    ...r,
  };
}

export interface ScenarioOptions {
  /** merchants.csv lines after the header, e.g. "898310148160568,T1,60,". */
  merchants?: string[];
  calendar?: string;
  run?: Partial<RunOptions>;
}

export class Scenario {
  readonly dir = tempDir('scenario');
  private readonly journals = new Map<string, Record<string, string>[]>();
  private readonly clearings = new Map<string, Record<string, string>[]>();
  /** Payout rows by the date of their file; none at all: the runs get no payout file. */
  private readonly payouts = new Map<string, (Record<string, string> | string)[]>();
  private store: Store | undefined;
  private fresh = false;
  readonly summaries: RunSummary[] = [];

  /** With `shared`, the scenario empties that store (every table of schema recon) before its first run. */
  constructor(
    private readonly pool: Pool,
    private readonly options: ScenarioOptions = {},
    private readonly shared?: Store,
  ) {
    mkdirSync(join(this.dir, 'journal'));
    mkdirSync(join(this.dir, 'clearing'));
  }

  journal(date: string, ...rows: Record<string, string>[]): this {
    this.journals.set(date, [...(this.journals.get(date) ?? []), ...rows]);
    return this;
  }

  /** The clearing file of `date` holds `rows` only from now on (a corrected file, for a rerun). */
  replaceClearing(date: string, ...rows: Record<string, string>[]): this {
    this.clearings.delete(date);
    return this.clearing(date, ...rows);
  }

  /** Clearing rows of the file of `date` (their clearing_date defaults to it). */
  clearing(date: string, ...rows: Record<string, string>[]): this {
    this.clearings.set(date, [
      ...(this.clearings.get(date) ?? []),
      ...rows.map((r) => ({ clearing_date: date, ...r })),
    ]);
    return this;
  }

  /** Payout rows of the file of `date`; a string is written as the line it is (a bad row). */
  payout(date: string, ...rows: (Record<string, string> | string)[]): this {
    this.payouts.set(date, [...(this.payouts.get(date) ?? []), ...rows]);
    return this;
  }

  private async open(): Promise<Store> {
    if (this.shared) {
      if (!this.fresh) {
        // Every table but the migration ledger and the audit trail emptied: cheaper than dropping and
        // migrating again. The trail refuses TRUNCATE (append-only); later events chain on.
        await migrate(this.shared);
        const tables = await this.shared.query<{ t: string }>(
          `select format('%I.%I', schemaname, tablename) as t from pg_tables
            where schemaname = 'recon' and tablename not in ('migration', 'case_event', 'audit_cut')`,
        );
        await this.shared.exec(`truncate table ${tables.map((r) => r.t).join(', ')}`);
        this.fresh = true;
      }
      return this.shared;
    }
    if (!this.store) {
      this.store = await openMemoryStore();
      await migrate(this.store);
    }
    return this.store;
  }

  /** Runs each date in order (an empty file for a side with no rows that day). */
  async run(...dates: string[]): Promise<this> {
    return this.runWith({}, ...dates);
  }

  /** As `run`, with these run options on top of the scenario's. */
  async runWith(extra: Partial<RunOptions>, ...dates: string[]): Promise<this> {
    const store = await this.open();
    const merchants = this.options.merchants ? join(this.dir, 'merchants.csv') : undefined;
    if (merchants)
      writeFileSync(merchants, `merchant_id,cycle,mdr_bps,fee_cap_minor\n${this.options.merchants!.join('\n')}\n`);
    for (const date of dates) {
      const write = (side: string, header: readonly string[], rows: (Record<string, string> | string)[]): string => {
        mkdirSync(join(this.dir, side), { recursive: true });
        const path = join(this.dir, side, `${date}.csv`);
        const line = (r: Record<string, string> | string): string =>
          typeof r === 'string' ? r : header.map((h) => r[h] ?? '').join(',');
        writeFileSync(path, `${header.join(',')}\n${rows.map((r) => `${line(r)}\n`).join('')}`);
        return path;
      };
      const journal = write('journal', JOURNAL_HEADER, this.journals.get(date) ?? []);
      const clearing = write('clearing', CLEARING_HEADER, this.clearings.get(date) ?? []);
      // Payout files from the first date that has payouts on (the leg starts with the first one).
      const payoutFrom = [...this.payouts.keys()].sort()[0];
      const payout =
        payoutFrom !== undefined && date >= payoutFrom
          ? [write('payout', PAYOUT_HEADER, this.payouts.get(date) ?? [])]
          : [];
      const options = fillRunOptions({
        date,
        journal: [journal],
        clearing: [clearing],
        payout,
        merchants,
        calendar: this.options.calendar,
        workers: 2,
        partitions: 3,
        ...this.options.run,
        ...extra,
      });
      this.summaries.push(await runDay(store, options, { pool: this.pool }));
    }
    return this;
  }

  /** Every finding of the runs so far, one short line each, sorted. */
  async findings(): Promise<string[]> {
    const store = await this.open();
    const dates = (await store.query<{ d: string }>('select run_date::text as d from recon.run order by run_date')).map(
      (r) => r.d,
    );
    const out: string[] = [];
    for (const d of dates) {
      for (const e of await queryExceptions(store, { date: d })) {
        let line = `${e.business_date} ${e.kind} ${e.status} ${e.stan}`;
        if (isPayoutKind(e.kind)) {
          // A payout finding: its merchant's last 2 digits, settle date, payout and amounts.
          line = `${e.business_date} ${e.kind} ${e.status} m${e.merchant_id.slice(-2)} ${e.settle_date}`;
          if (e.payout_id) line += ` ${e.payout_id}`;
          if (e.reason_code) line += ` ${e.reason_code}`;
          if (e.clearing_amount_minor) line += ` expected=${e.clearing_amount_minor}`;
          if (e.payout_amount_minor) line += ` paid=${e.payout_amount_minor}`;
        }
        if (e.days_late !== '0') line += ` days_late=${e.days_late}`;
        if (e.duplicate_count !== '0') line += ` dups=${e.duplicate_count}`;
        out.push(line);
      }
    }
    return out.sort();
  }

  async close(): Promise<void> {
    await this.store?.close();
  }
}
