/**
 * The one definition of a finding's columns (src/core/finding-columns.ts) is the table the
 * migrations make (recon.exception: every column, its type, NULL or not; the table's own order
 * matters to nothing, as every statement names its columns), and the lists derived from it are the
 * contract's: the §8 export columns, the COPY list and the generator's truth columns.
 */
import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, FINDING_COLUMNS, type FindingColumn, TRUTH_COLUMNS } from '../../src/core/finding-columns.js';
import { EXCEPTION_COLUMNS, PAYOUT_FINDING_COLUMNS } from '../../src/core/store-columns.js';
import { openMemoryStore } from '../helpers/stores.js';

/** information_schema's name of each type the definition uses. */
const SQL_TYPE: Record<FindingColumn['type'], string> = {
  date: 'date',
  text: 'text',
  'char(1)': 'character(1)',
  integer: 'integer',
  bigint: 'bigint',
  timestamptz: 'timestamp with time zone',
};

describe('finding columns', () => {
  it('are the columns of recon.exception as migrated, with their types', async () => {
    const store = await openMemoryStore();
    try {
      const table = await store.query<{ name: string; type: string; nullable: string }>(
        `select column_name as name,
                data_type || coalesce('(' || character_maximum_length || ')', '') as type,
                is_nullable as nullable
           from information_schema.columns
          where table_schema = 'recon' and table_name = 'exception'
          order by column_name`,
      );
      const defined = (FINDING_COLUMNS as readonly FindingColumn[])
        .map((c) => ({ name: c.name, type: SQL_TYPE[c.type], nullable: c.nullable ? 'YES' : 'NO' }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      expect(table, 'a column of recon.exception is defined in src/core/finding-columns.ts, as it is').toEqual(defined);
    } finally {
      await store.close();
    }
  });

  it('give the §8 export columns, the COPY lists without what later runs set, and the truth columns', () => {
    // DESIGN §8's columns, then the payout leg's at the end (issue 27: §6.2 rule 4).
    expect(EXPORT_COLUMNS).toEqual(
      'id,business_date,kind,status,merchant_id,terminal_id,rrn,stan,order_no,txn_time,journal_amount_minor,clearing_amount_minor,fee_minor,expected_fee_minor,expected_settle_date,settle_date,days_late,duplicate_count,journal_source,clearing_source,payout_id,reason_code,account_masked,payout_amount_minor,payout_source'.split(
        ',',
      ),
    );
    const later = ['id', 'resolved_on'];
    const payout = ['payout_id', 'reason_code', 'account_masked', 'payout_amount_minor', 'p_run', 'p_file', 'p_line'];
    expect(EXCEPTION_COLUMNS).toEqual(
      FINDING_COLUMNS.map((c) => c.name).filter((n) => !later.includes(n) && !payout.includes(n)),
    );
    expect(PAYOUT_FINDING_COLUMNS).toEqual(['id', ...EXCEPTION_COLUMNS, ...payout]);
    expect(TRUTH_COLUMNS.every((c) => (EXPORT_COLUMNS as readonly string[]).includes(c))).toBe(true);
    expect(TRUTH_COLUMNS).toContain('days_late');
    expect(TRUTH_COLUMNS).not.toContain('txn_time');
  });
});
