/**
 * Open items go to the store as COPY binary tuples (encode.ts writeOpenItem) and come back, for the
 * next run, as CSV in the input layout (run-store.ts openItemsQuery): every column of every row
 * read back equals what the scanner read from the input, on both stores.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/core/byte-writer.js';
import { formatIsoDate, parseIsoDate } from '../../src/core/dates.js';
import { binaryCopyHeader, binaryCopyTrailer } from '../../src/store/binary-copy.js';
import { OPEN_ITEM_COLUMNS, openItemsQuery } from '../../src/store/run-store.js';
import { writeOpenItem } from '../../workers/encode.js';
import { generateChain } from '../helpers/chain.js';
import { canonical, fastCsvRows, rowStrings, scanFile } from '../helpers/scan-file.js';
import { storeCases } from '../helpers/stores.js';

const DAY = '2026-11-19';
const NEXT = '2026-11-20';

for (const sc of storeCases()) {
  describe(`open items on ${sc.name}`, () => {
    afterAll(() => sc.dispose());

    it('read back as the scanner read them, every column of every row, both sides', async () => {
      const { dir } = generateChain(DAY, 1, 1500, 9);
      const store = await sc.open();
      try {
        const runDay = parseIsoDate(DAY);
        const scanned = (['journal', 'clearing'] as const).map((side) => ({
          side,
          s: scanFile(join(dir, side, `${DAY}.csv`), side),
        }));
        const w = new ByteWriter(1 << 10);
        for (const { side, s } of scanned)
          for (let i = 0; i < s.batch.length; i++) writeOpenItem(w, runDay, s.batch, i, side === 'journal', i % 7);
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
          const csv = new TextDecoder().decode(await store.copyOut(openItemsQuery(side, parseIsoDate(NEXT))));
          const back = (await fastCsvRows(csv)).map(canonical);
          expect(back.length).toBe(s.batch.length);
          for (let i = 0; i < s.batch.length; i++) {
            const want = rowStrings(s.batch, i, s.names);
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
