/**
 * The DuckDB baseline (@duckdb/node-api): both files read with explicit types (by column name), a full outer join on
 * the match key (QR: merchant + order number; cards: merchant + terminal + rrn), and the core
 * categories counted — the query a user would write by hand. `threads` is the first argument.
 * Prints one JSON line.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [threads, journalPath, clearingPath] = process.argv.slice(2) as [string, string, string];
const t0 = performance.now();
const db = await DuckDBInstance.create(':memory:', { threads });
const con = await db.connect();
const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const journalColumns = `{'merchant_id': 'VARCHAR', 'terminal_id': 'VARCHAR', 'batch_no': 'VARCHAR', 'stan': 'VARCHAR', 'rrn': 'VARCHAR',
  'auth_code': 'VARCHAR', 'txn_type': 'VARCHAR', 'channel': 'VARCHAR', 'order_no': 'VARCHAR', 'txn_time': 'TIMESTAMPTZ',
  'amount_minor': 'BIGINT', 'currency': 'VARCHAR', 'response_code': 'VARCHAR', 'orig_rrn': 'VARCHAR', 'pan_masked': 'VARCHAR'}`;
const clearingColumns = `{'record_type': 'VARCHAR', 'merchant_id': 'VARCHAR', 'terminal_id': 'VARCHAR', 'stan': 'VARCHAR', 'rrn': 'VARCHAR',
  'auth_code': 'VARCHAR', 'order_no': 'VARCHAR', 'orig_rrn': 'VARCHAR', 'pan_masked': 'VARCHAR', 'txn_time': 'TIMESTAMPTZ',
  'clearing_date': 'DATE', 'settle_date': 'DATE', 'gross_minor': 'BIGINT', 'fee_minor': 'BIGINT', 'net_minor': 'BIGINT',
  'currency': 'VARCHAR', 'status': 'VARCHAR'}`;
const key = `case when coalesce(order_no, '') <> '' then merchant_id || '|O|' || order_no else merchant_id || '|' || terminal_id || '|' || coalesce(rrn, '') end`;
const reader = await con.runAndReadAll(`
  with j as (
    select ${key} as k, amount_minor, response_code
      from read_csv(${quote(journalPath)}, header = true, types = ${journalColumns})
     where txn_type in ('SALE', 'PREAUTH_COMPLETION')
  ), c as (
    select ${key} as k, gross_minor, row_number() over (partition by ${key}) as n
      from read_csv(${quote(clearingPath)}, header = true, types = ${clearingColumns})
     where record_type = 'SALE' and status = 'SETTLED'
  )
  select
    count(*) filter (where j.k is not null and c.k is not null and c.n = 1) as matched,
    count(*) filter (where c.k is null and j.response_code = '00') as missing,
    count(*) filter (where j.k is null) as unmatched,
    count(*) filter (where j.k is not null and c.n = 1 and c.gross_minor <> j.amount_minor) as amount_mismatch,
    count(*) filter (where j.k is not null and c.n > 1) as duplicates
  from j full outer join c on j.k = c.k`);
const row = reader.getRowObjects()[0] ?? {};
const out: Record<string, number> = {};
for (const [k, v] of Object.entries(row)) out[k] = Number(v);
process.stdout.write(`${JSON.stringify({ ...out, seconds: (performance.now() - t0) / 1000 })}\n`);
