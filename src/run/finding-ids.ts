/**
 * Each new finding's id (DESIGN §10; core/finding-id.ts), written with the finding. The workers
 * encode findings as CSV rows of EXCEPTION_COLUMNS; before a COPY into recon.exception the
 * coordinator puts each row's id in front of it: from the row's kind, subject side and line, and the
 * sha256 of the subject's file, one of this run's (its fingerprints) or of an earlier run's
 * (recon.input_file). Setting the ids by an UPDATE after the COPY cost ~150 ms for 4,500 findings
 * (each row written again, every index of recon.exception with it).
 */
import { findingId } from '../core/finding-id.js';
import { EXCEPTION_COLUMNS } from '../core/store-columns.js';
import type { Store } from '../store/store.js';
import type { FilePlan } from './plan-file.js';

/** The columns of a COPY of findings with their ids: the id, then what the workers encode. */
export const FINDING_COPY_COLUMNS: readonly string[] = ['id', ...EXCEPTION_COLUMNS];

/** Positions, in an encoded row, of the fields an id is made of (they come before any free text). */
const KIND = EXCEPTION_COLUMNS.indexOf('kind');
const SIDE = EXCEPTION_COLUMNS.indexOf('s_side');
const RUN = EXCEPTION_COLUMNS.indexOf('s_run');
const FILE = EXCEPTION_COLUMNS.indexOf('s_file');
const LINE = EXCEPTION_COLUMNS.indexOf('s_line');
const LAST = Math.max(KIND, SIDE, RUN, FILE, LINE);

export class FindingIds {
  private constructor(private readonly shaOf: ReadonlyMap<string, string>) {}

  /** The files a finding of run `date` may point into: this run's (`shas`, in plan order) and the earlier runs'. */
  static async of(tx: Store, date: string, plans: readonly FilePlan[], shas: readonly string[]): Promise<FindingIds> {
    const shaOf = new Map<string, string>();
    for (const r of await tx.query<{ run: string; file: number; sha256: string }>(
      'select run_date::text as run, file_no as file, sha256 from recon.input_file where run_date < $1::date',
      [date],
    ))
      shaOf.set(`${r.run}:${r.file}`, r.sha256);
    for (const [i, p] of plans.entries()) shaOf.set(`${date}:${p.fileNo}`, shas[i]!);
    return new FindingIds(shaOf);
  }

  /** The id of the finding `kind` whose subject is line `line` of file `file` of run `run` on `side`. */
  idOf(kind: string, side: string, run: string, file: number, line: number): string {
    return findingId(kind, side, this.shaOf.get(`${run}:${file}`) ?? `run:${run}:${file}`, line);
  }

  /** CSV rows of EXCEPTION_COLUMNS as rows of FINDING_COPY_COLUMNS: each with its id in front. */
  prepend(rows: Uint8Array): Uint8Array {
    if (rows.length === 0) return rows;
    const text = new TextDecoder().decode(rows);
    const out: string[] = [];
    let at = 0;
    while (at < text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const line = text.slice(at, end);
      at = end + 1;
      if (line === '') continue;
      // The key fields are dates, codes and numbers: no quotes, no commas, before any text field.
      const f = line.split(',', LAST + 1);
      const run = f[RUN]!;
      const file = f[FILE]!;
      const sha = this.shaOf.get(`${run}:${Number(file)}`) ?? `run:${run}:${file}`;
      out.push(`${findingId(f[KIND]!, f[SIDE]!, sha, Number(f[LINE]))},${line}\n`);
    }
    return new TextEncoder().encode(out.join(''));
  }
}
