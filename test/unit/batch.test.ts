/** The row batch is Arrow layout: it wraps as an Arrow RecordBatch without copying and survives IPC. */

import { join } from 'node:path';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { fromArrow, toArrow } from '../../src/core/arrow.js';
import {
  allocBatch,
  appendRow,
  COLUMNS,
  concatBatches,
  type RowBatch,
  sealBatch,
  selectRows,
} from '../../src/core/batch.js';
import { getI64, setI64 } from '../../src/core/int64.js';
import { strAt } from '../../src/core/utf8.js';
import { generateChain } from '../helpers/chain.js';
import { scanFile } from '../helpers/scan-file.js';

function sample(): RowBatch {
  const { dir } = generateChain('2026-11-19', 1, 500, 3);
  return scanFile(join(dir, 'clearing', '2026-11-19.csv'), 'clearing').batch;
}

describe('Int64 words', () => {
  it('hold every integer up to 2^53 exactly, negative ones too', () => {
    const w = new Int32Array(2);
    for (const v of [
      0,
      1,
      -1,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 32 + 5,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      1_763_651_890_000,
    ]) {
      setI64(w, 0, v);
      expect(getI64(w, 0)).toBe(v);
      expect(new BigInt64Array(w.buffer)[0]).toBe(BigInt(v));
    }
  });
});

describe('row batch ↔ Arrow', () => {
  it('wraps the same memory and round-trips through Arrow IPC', () => {
    const b = sample();
    const rb = toArrow(b);
    expect(rb.numRows).toBe(b.length);
    expect(rb.getChild('merchant_id')!.get(3)).toBe(b.merchant_id[3]);
    expect(rb.getChild('order_no')!.get(3)).toBe(strAt(b.order_no, 3));
    expect(rb.getChild('amount')!.get(3)).toBe(BigInt(getI64(b.amount, 3)));
    expect((rb.getChild('order_no')!.data[0]!.values as Uint8Array).buffer).toBe(b.order_no.bytes.buffer);
    expect((rb.getChild('merchant_id')!.data[0]!.values as Float64Array).buffer).toBe(b.merchant_id.buffer);

    const back = fromArrow(tableFromIPC(tableToIPC(new Table(rb))).batches[0]!);
    expect(back.length).toBe(b.length);
    for (let i = 0; i < b.length; i += 37) {
      expect(back.rrn_hi[i]).toBe(b.rrn_hi[i]);
      expect(back.rrn_lo[i]).toBe(b.rrn_lo[i]);
      expect(strAt(back.order_no, i)).toBe(strAt(b.order_no, i));
      expect(getI64(back.txn_time, i)).toBe(getI64(b.txn_time, i));
      expect(getI64(back.fee, i)).toBe(getI64(b.fee, i));
      expect(back.settle_date[i]).toBe(b.settle_date[i]);
      expect(back.status[i]).toBe(b.status[i]);
    }
  });

  it('concatenates and appends rows without losing a byte', () => {
    const b = sample();
    const half = Math.floor(b.length / 2);
    const a1 = allocBatch(4);
    const a2 = allocBatch(4);
    for (let i = 0; i < b.length; i++) appendRow(i < half ? a1 : a2, b, i);
    const whole = concatBatches([sealBatch(a1), sealBatch(a2)], [0, 100]);
    expect(whole.length).toBe(b.length);
    for (let i = 0; i < b.length; i++) {
      expect(strAt(whole.order_no, i)).toBe(strAt(b.order_no, i));
      expect(whole.src_line[i]).toBe(b.src_line[i]! + (i < half ? 0 : 100));
    }
  });

  it('selects rows in any order, every column equal to appending them one by one', () => {
    const b = sample();
    const rows = Int32Array.from({ length: b.length }, (_, i) => (i * 7919) % b.length).filter((_, k) => k % 3 !== 1);
    const picked = selectRows(b, rows, rows.length);
    const appended = allocBatch(4);
    for (const i of rows) appendRow(appended, b, i);
    expect(picked.length).toBe(rows.length);
    for (const [name, kind] of COLUMNS) {
      for (let k = 0; k < rows.length; k++) {
        if (kind === 'utf8') {
          const col = name as 'order_no';
          expect(strAt(picked[col], k)).toBe(strAt(appended[col], k));
        } else if (kind === 'i64' || kind === 'time') {
          const col = name as 'amount';
          expect(getI64(picked[col], k)).toBe(getI64(appended[col], k));
        } else {
          const col = name as 'merchant_id';
          expect(picked[col][k]).toBe(appended[col][k]);
        }
      }
    }
    expect(selectRows(b, rows, 0).length).toBe(0);
  });
});
