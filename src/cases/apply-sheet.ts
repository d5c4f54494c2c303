/**
 * The spreadsheet loop (DESIGN §10): `recon cases --format csv` writes the queue with empty action,
 * reason, note and owner columns; a team fills them in and `recon case apply FILE.csv` reads the file
 * back. Every line is checked first and all lines apply in one transaction, in the file's order, or
 * none: the first line that does not fit is named with its column. A line with no action is left as
 * it is; the other columns (the queue's own) are not read.
 */
import { type CsvRecord, CsvSyntaxError, parseSmallCsv } from '../core/small-csv.js';
import { UsageError } from '../core/usage-error.js';
import type { Store } from '../store/store.js';
import { actOnCases, type CaseChange } from './case-actions.js';
import { checkId } from './case-detail.js';
import { ACTIONS, type Action, CaseRefusal } from './case-states.js';

/** A line of the sheet that does not fit: the file, its line and the column, and why. */
export class SheetError extends UsageError {
  constructor(file: string, line: number, column: string | undefined, why: string) {
    super(`${file}, line ${line}${column ? `, column ${column}` : ''}: ${why}`);
    this.name = 'SheetError';
  }
}

interface SheetLine {
  readonly line: number;
  readonly id: string;
  readonly action: Action;
  readonly reason: string;
  readonly note: string;
  readonly owner: string;
}

/** The lines of a filled-in sheet that ask for something, checked for form (not yet against the cases). */
export function readSheet(text: string, file: string): SheetLine[] {
  let records: CsvRecord[];
  try {
    records = parseSmallCsv(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new SheetError(file, e.line, undefined, e.message);
    throw e;
  }
  const header = records[0]?.fields.map((h) => h.trim());
  if (!header)
    throw new SheetError(file, 1, undefined, 'the file is empty: it needs the header recon cases --format csv writes');
  const at = (name: string): number => header.indexOf(name);
  for (const need of ['id', 'action'])
    if (at(need) < 0)
      throw new SheetError(file, 1, need, `the header has no column ${need} (recon cases --format csv writes it)`);
  const out: SheetLine[] = [];
  for (const r of records.slice(1)) {
    const get = (name: string): string => (at(name) < 0 ? '' : (r.fields[at(name)] ?? '').trim());
    if (r.fields.length === 1 && r.fields[0] === '') continue; // a blank line
    const action = get('action').toLowerCase();
    if (action === '') continue;
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new SheetError(file, r.line, 'action', `unknown action "${get('action')}" (one of ${ACTIONS.join(', ')})`);
    let id: string;
    try {
      id = checkId(get('id'));
    } catch (e) {
      throw new SheetError(file, r.line, 'id', (e as Error).message);
    }
    // A note typed in a cell that starts with "=" got an apostrophe from the export's formula guard.
    out.push({
      line: r.line,
      id,
      action: action as Action,
      reason: get('reason'),
      note: get('note'),
      owner: get('owner'),
    });
  }
  return out;
}

/**
 * Applies the sheet's lines as `actor`, in `tx`, in order; a refusal names its line and column. With
 * `dryRun` the caller rolls the transaction back: every line is still checked against the cases as
 * the lines before it left them.
 */
export async function applySheet(
  tx: Store,
  lines: readonly SheetLine[],
  file: string,
  actor: string,
): Promise<CaseChange[]> {
  const changes: CaseChange[] = [];
  for (const l of lines) {
    try {
      changes.push(
        ...(await actOnCases(tx, [l.id], {
          action: l.action,
          actor,
          ...(l.reason ? { reason: l.reason } : {}),
          ...(l.note ? { note: l.note } : {}),
          ...(l.owner ? { to: l.owner } : {}),
        })),
      );
    } catch (e) {
      if (e instanceof CaseRefusal) throw new SheetError(file, l.line, e.field, e.message);
      if (e instanceof UsageError) throw new SheetError(file, l.line, 'id', e.message);
      throw e;
    }
  }
  return changes;
}
