/**
 * The files of a generated chain's days: DIR/journal/D.csv, DIR/clearing/D.csv (or a layout's own
 * files), DIR/clearing-recon/D.csv and DIR/payout/D.csv (written whole, data-gen/payout-writer.ts).
 * Every day's files can be written from the start: rows of a day can be made on earlier days (an
 * after-cutoff sale is cleared the next day, a late credit days later). A day file is opened on its
 * first line and closed when its day is done; lines are buffered and written in large pieces, so a
 * file of any size never becomes one string. The list of files, in the order they were opened or
 * written, is the generation's manifest (data-gen/manifest.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatIsoDate } from '../src/core/dates.js';
import { CLEARING_HEADER, JOURNAL_HEADER } from '../src/core/schema.js';
import { drawStyle, FileSink, type FileStyle, styledHeader } from './file-sink.js';
import { clearOwnFiles } from './manifest.js';
import type { Rng } from './rng.js';

/** The folders of day files: journals, clearing files, and recon's layout of bills' rows. */
export type DaySide = 'journal' | 'clearing' | 'clearing-recon';

export interface DayFilesOptions {
  out: string;
  start: number;
  end: number;
  /** Every file in the canonical layout (no BOM, LF, header order, no quotes). */
  plain: boolean;
  /** Whether clearing-recon/ is written. */
  reconCopy: boolean;
  /** Write into a directory that holds day files no earlier generation wrote. */
  force: boolean;
}

export class DayFiles {
  /** Every file written, in order. */
  readonly files: string[] = [];
  private readonly sinks = new Map<string, FileSink>();
  private readonly journalStyles = new Map<number, FileStyle>();
  private readonly clearingStyles = new Map<number, FileStyle>();

  /**
   * Draws every day's file styles up front (so rows can be formatted as they are made), then
   * clears what an earlier generation wrote into `out` and makes the folders.
   */
  constructor(
    private readonly o: DayFilesOptions,
    rng: Rng,
  ) {
    for (let d = o.start; d <= o.end; d++) {
      this.journalStyles.set(d, drawStyle(JOURNAL_HEADER.length, rng, o.plain));
      this.clearingStyles.set(d, drawStyle(CLEARING_HEADER.length, rng, o.plain));
    }
    // A directory generated into before: the day files an earlier generation left (other dates,
    // other merchants' bills, another layout) would be read by a run as this one's. Only the files
    // its manifest lists, still as written, are removed; a directory holding other day files is
    // refused unless forced (data-gen/manifest.ts).
    clearOwnFiles(o.out, o.force);
    mkdirSync(join(o.out, 'journal'), { recursive: true });
    mkdirSync(join(o.out, 'clearing'), { recursive: true });
    if (o.reconCopy) mkdirSync(join(o.out, 'clearing-recon'), { recursive: true });
  }

  /** How day `day`'s file of `side` is written (clearing-recon/ as clearing/). */
  style(side: DaySide, day: number): FileStyle {
    return (side === 'journal' ? this.journalStyles : this.clearingStyles).get(day)!;
  }

  /**
   * Day `day`'s file of `side`, opened on first use: by `open` when given (a bill with its own
   * header), else as a CSV of recon's layout with its styled header.
   */
  sink(side: DaySide, day: number, open?: (path: string, style: FileStyle) => FileSink): FileSink {
    const key = `${side}:${day}`;
    let sink = this.sinks.get(key);
    if (!sink) {
      const style = this.style(side, day);
      const path = join(this.o.out, side, `${formatIsoDate(day)}.csv`);
      this.files.push(path);
      if (open) sink = open(path, style);
      else {
        sink = new FileSink(path, style.eol);
        sink.raw(styledHeader(side === 'journal' ? JOURNAL_HEADER : CLEARING_HEADER, style));
      }
      this.sinks.set(key, sink);
    }
    return sink;
  }

  /** The path of a clearing file written whole (a merchant's zipped bill), listed as written. */
  clearingFile(name: string): string {
    const path = join(this.o.out, 'clearing', name);
    this.files.push(path);
    return path;
  }

  /** The path of day `day`'s payout file (its folder made on first use), listed as written. */
  payoutFile(day: number): string {
    const dir = join(this.o.out, 'payout');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${formatIsoDate(day)}.csv`);
    this.files.push(path);
    return path;
  }

  /** The path of a file of the chain (merchants.csv, truth.csv), listed as written. */
  chainFile(name: string): string {
    const path = join(this.o.out, name);
    this.files.push(path);
    return path;
  }
}
