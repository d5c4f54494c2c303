/**
 * CSV out to a stream, as every export of recon writes it: fast-csv (the reference of the dialect),
 * a header row even with no rows, a line break after the last row, and backpressure honoured (a row
 * waits for the stream to drain), so a million rows stream in bounded memory.
 */
import type { Writable } from 'node:stream';
import { format } from 'fast-csv';

export interface CsvWriter {
  write(cells: readonly string[]): Promise<void>;
  /** Ends the CSV (not `out`, which the caller owns). */
  end(): Promise<void>;
}

/** Resolves when `stream` may be written to again. */
export function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.once('drain', resolve));
}

export function csvWriter(headers: readonly string[], out: Writable): CsvWriter {
  const csv = format<string[], string[]>({
    headers: [...headers],
    alwaysWriteHeaders: true,
    includeEndRowDelimiter: true,
  });
  const done = new Promise<void>((resolve, reject) => {
    csv.on('error', reject);
    csv.on('end', resolve);
  });
  csv.pipe(out, { end: false });
  return {
    async write(cells) {
      if (!csv.write([...cells])) await drained(csv);
    },
    async end() {
      csv.end();
      await done;
    },
  };
}
