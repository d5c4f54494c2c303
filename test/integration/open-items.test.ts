/**
 * Open items go to the store as COPY binary tuples (encode.ts writeOpenItem) and come back, for the
 * next run, as CSV in the input layout (run-store.ts openItemsQuery): every column of every row
 * read back equals what the scanner read from the input, on both stores. The columns batches do not
 * carry are read back by locator as the settle task does (extras.ts): from the input file for the
 * run's own rows, and from the store's rows for carried ones.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExtraColumns } from '../../src/core/batch.js';
import { ByteWriter } from '../../src/core/byte-writer.js';
import { formatIsoDate, parseIsoDate } from '../../src/core/dates.js';
import { emptyMerchants } from '../../src/core/merchants.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { parseHeaderLine } from '../../src/run/plan-file.js';
import { binaryCopyHeader, binaryCopyTrailer } from '../../src/store/binary-copy.js';
import { OPEN_ITEM_COLUMNS, openItemsQuery } from '../../src/store/run-store.js';
import { writeOpenItem } from '../../workers/encode.js';
import { readExtras } from '../../workers/extras.js';
import { scanBytes } from '../../workers/scan.js';
import { generateChain } from '../helpers/chain.js';
import { canonical, fastCsvRows, rowStrings, scanFile } from '../helpers/scan-file.js';
import { storeCases } from '../helpers/stores.js';

const DAY = '2026-11-19';
const NEXT = '2026-11-20';

/** Every row of a batch, in order. */
const allRows = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** The extra columns' entries [0, n) as plain arrays, to compare two readings. */
function plain(x: ExtraColumns, n: number): unknown {
  return {
    length: x.length,
    batch_no: Array.from(x.batch_no.subarray(0, n)),
    currency: Array.from(x.currency.subarray(0, n)),
    net: Array.from(x.net.subarray(0, 2 * n)),
    clearing_date: Array.from(x.clearing_date.subarray(0, n)),
    pan: Array.from(x.pan_masked.offsets.subarray(0, n + 1)),
    panBytes: Array.from(x.pan_masked.bytes.subarray(0, x.pan_masked.offsets[n])),
  };
}

for (const sc of storeCases()) {
  describe(`open items on ${sc.name}`, () => {
    afterAll(() => sc.dispose());

    it('read back as the scanner read them, every column of every row, both sides', async () => {
      const { dir } = generateChain(DAY, 1, 1500, 9);
      const store = await sc.open();
      try {
        const runDay = parseIsoDate(DAY);
        const ctx = { runDay, grace: 1, calendar: loadCalendar(undefined).spec, merchants: emptyMerchants() };
        const scanned = (['journal', 'clearing'] as const).map((side) => {
          const path = join(dir, side, `${DAY}.csv`);
          // Small chunks: locators in chunks after the first are offsets in the file, not in the chunk.
          const s = scanFile(path, side, 32 << 10);
          const sources = { files: [{ fileNo: 1, path, fields: s.fields }], store: null };
          const x = readExtras(s.batch, allRows(s.batch.length), side, sources, ctx);
          expect(plain(x, s.batch.length), side).toEqual(plain(s.extras, s.batch.length));
          return { side, s, x };
        });
        expect(scanned[0]!.s.results.length).toBeGreaterThan(4);
        const w = new ByteWriter(1 << 10);
        for (const { side, s, x } of scanned)
          for (let i = 0; i < s.batch.length; i++)
            writeOpenItem(w, runDay, s.batch, i, side === 'journal', i % 7, x, i);
        await store.transaction(async (tx) => {
          await tx.query(
            `insert into recon.run values ($1::date, 'committed', now(), now(), 0, 1, '{}'::jsonb, '{}'::jsonb)`,
            [DAY],
          );
          await tx.copyIn(
            'recon.open_item',
            OPEN_ITEM_COLUMNS,
            [binaryCopyHeader(), w.bytes(), binaryCopyTrailer()],
            'binary',
          );
        });
        for (const { side, s } of scanned) {
          const bytes = await store.copyOut(openItemsQuery(side, parseIsoDate(NEXT)));
          const csv = new TextDecoder().decode(bytes);
          const back = (await fastCsvRows(csv)).map(canonical);
          expect(back.length).toBe(s.batch.length);
          // The next run scans these rows as carried ones, and reads their lines back from the same bytes.
          const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
          shared.set(bytes);
          const nl = shared.indexOf(10);
          const fields = parseHeaderLine(shared.subarray(0, nl), side, 'open items', true).fields;
          const carried = scanBytes(shared, nl + 1, shared.length, {
            ...ctx,
            runDay: parseIsoDate(NEXT),
            chunk: 0,
            side,
            fields,
            state: true,
            fileNo: 0,
            partitions: 1,
            extras: true,
          });
          const cb = carried.batches[0]!;
          expect(cb.length).toBe(s.batch.length);
          const again = readExtras(
            cb,
            allRows(cb.length),
            side,
            { files: [], store: { bytes: shared, fields } },
            {
              ...ctx,
              runDay: parseIsoDate(NEXT),
            },
          );
          expect(plain(again, cb.length), `${side} carried`).toEqual(plain(s.extras, s.batch.length));
          for (let i = 0; i < s.batch.length; i++) {
            const want = rowStrings(s.batch, i, s.names, s.extras);
            const { src_run, src_file, src_line, flags, ...got } = back[i]!;
            expect(got, `${side} row ${i + 1}`).toEqual(want);
            expect([src_run, Number(src_file), Number(src_line), Number(flags)]).toEqual([
              formatIsoDate(s.batch.src_run[i]!),
              s.batch.src_file[i],
              s.batch.src_line[i],
              i % 7,
            ]);
          }
        }
      } finally {
        await store.close();
      }
    });
  });
}
