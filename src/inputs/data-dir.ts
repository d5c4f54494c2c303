/**
 * Finding a date's input files in a data directory laid out as `recon gen` writes it:
 * DIR/journal/D*.csv, DIR/clearing/D*.csv, DIR/payout/D*.csv (optional, DESIGN §3.5) and
 * DIR/merchants.csv (DESIGN §8 --data-dir); the inputs
 * may also be gzip-compressed as D*.csv.gz, or zip archives D*.zip (profiles that read zips).
 *
 * Extensions are matched in any case (`D.CSV`, `D.Csv.Gz`, `D-x.ZIP` are read). A file in journal/ or
 * clearing/ whose name starts with the date but ends otherwise (`D.txt`, `D.csv.bak`, `D.csv.gz.part`)
 * is refused: it is most likely an input of the day under a name recon does not read, and a run
 * without it would report its rows as missing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from './errors.js';

export interface DayFiles {
  journal: string[];
  clearing: string[];
  payout: string[];
  merchants: string | undefined;
}

/** The extensions read, lower case (a name is compared in lower case). */
const READ_EXTENSIONS = ['.csv', '.csv.gz', '.zip'] as const;

export function dataDirFiles(dir: string, date: string): DayFiles {
  if (!existsSync(dir)) throw new InputError(dir, 'data directory not found');
  const list = (sub: string): string[] => {
    const d = join(dir, sub);
    if (!existsSync(d)) return [];
    const named = readdirSync(d).filter((f) => f.startsWith(date));
    const stray = named.find((f) => !READ_EXTENSIONS.some((x) => f.toLowerCase().endsWith(x)));
    if (stray !== undefined)
      throw new InputError(
        join(d, stray),
        `named for ${date} but not an input recon reads: it reads ${sub}/${date}*.csv, .csv.gz or .zip (in any case); rename it, or move it out of ${sub}/`,
      );
    return named.sort().map((f) => join(d, f));
  };
  const merchants = join(dir, 'merchants.csv');
  return {
    journal: list('journal'),
    clearing: list('clearing'),
    payout: list('payout'),
    merchants: existsSync(merchants) ? merchants : undefined,
  };
}
