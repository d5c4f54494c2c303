/**
 * The naive baseline: fast-csv row objects and a Map keyed by strings, single-threaded — what a
 * quick script would do. Counts the core categories. Prints one JSON line.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'fast-csv';

type Row = Record<string, string>;

function keyOf(r: Row): string {
  return r.order_no ? `${r.merchant_id}|O|${r.order_no}` : `${r.merchant_id}|${r.terminal_id}|${r.rrn}`;
}

function rows(path: string, onRow: (r: Row) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    createReadStream(path)
      .pipe(parse<Row, Row>({ headers: (h) => h.map((x) => (x ?? '').replace(/^\uFEFF/, '')) }))
      .on('error', reject)
      .on('data', onRow)
      .on('end', () => resolve());
  });
}

const [journalPath, clearingPath] = process.argv.slice(2) as [string, string];
const t0 = performance.now();
const journal = new Map<string, { amount: number; credits: number; approved: boolean }>();
await rows(journalPath, (r) => {
  if (r.txn_type === 'SALE' || r.txn_type === 'PREAUTH_COMPLETION')
    journal.set(keyOf(r), { amount: Number(r.amount_minor), credits: 0, approved: r.response_code === '00' });
});
let matched = 0;
let unmatched = 0;
let amountMismatch = 0;
let duplicates = 0;
await rows(clearingPath, (r) => {
  if (r.record_type !== 'SALE' || r.status !== 'SETTLED') return;
  const j = journal.get(keyOf(r));
  if (!j) {
    unmatched++;
    return;
  }
  if (j.credits++ > 0) {
    duplicates++;
    return;
  }
  matched++;
  if (Number(r.gross_minor) !== j.amount) amountMismatch++;
});
let missing = 0;
for (const j of journal.values()) if (j.approved && j.credits === 0) missing++;
process.stdout.write(
  `${JSON.stringify({ matched, missing, unmatched, amountMismatch, duplicates, seconds: (performance.now() - t0) / 1000 })}\n`,
);
