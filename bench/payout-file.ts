/**
 * A payout result file for the macro benchmark (`npm run bench -- --payouts N`, issue 27): N rows in
 * recon's payout layout (DESIGN §3.5) for the bench date, one per merchant and settle date — the
 * merchants of the day's merchants file first, then made-up ones — over the run date and the day
 * before, 3% of them FAILED, RETURNED or HELD (each a finding), account numbers masked as an
 * acquirer writes them. Deterministic: the same N gives the same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PAYOUT_HEADER } from '../src/core/schema.js';

/** Every 100th row in turn: a failure, a return or a hold per 33 rows paid (3%). */
const FATES = [
  ['FAILED', 'AC04'],
  ['RETURNED', 'AC06'],
  ['HELD', ''],
] as const;

export function writePayoutFile(path: string, merchantsFile: string, date: string, rows: number): void {
  const merchants = readFileSync(merchantsFile, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0]!);
  const dayBefore = new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const lines = [PAYOUT_HEADER.join(',')];
  for (let i = 0; i < rows; i++) {
    const merchant = i < merchants.length ? merchants[i]! : String(898000390000000 + i);
    const settle = i % 2 === 0 ? date : dayBefore;
    const fate = i % 100 < FATES.length ? FATES[i % 100]! : (['PAID', ''] as const);
    const amount = 100_000 + ((i * 7919) % 9_000_000);
    const account = `622848******${String(1000 + (i % 9000))}`;
    lines.push(
      [`POB${String(i).padStart(9, '0')}`, merchant, settle, amount, 'CNY', fate[0], date, fate[1], account, ''].join(
        ',',
      ),
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}
