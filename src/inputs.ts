/**
 * Finding a date's input files in a data directory laid out as `recon gen` writes it:
 * DIR/journal/D*.csv, DIR/clearing/D*.csv and DIR/merchants.csv (DESIGN §8 --data-dir); the inputs
 * may also be gzip-compressed as D*.csv.gz.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from './errors.js';

export interface DayFiles {
  journal: string[];
  clearing: string[];
  merchants: string | undefined;
}

export function dataDirFiles(dir: string, date: string): DayFiles {
  if (!existsSync(dir)) throw new InputError(dir, 'data directory not found');
  const list = (sub: string): string[] => {
    const d = join(dir, sub);
    if (!existsSync(d)) return [];
    return readdirSync(d)
      .filter((f) => f.startsWith(date) && (f.endsWith('.csv') || f.endsWith('.csv.gz') || f.endsWith('.zip')))
      .sort()
      .map((f) => join(d, f));
  };
  const merchants = join(dir, 'merchants.csv');
  return {
    journal: list('journal'),
    clearing: list('clearing'),
    merchants: existsSync(merchants) ? merchants : undefined,
  };
}
