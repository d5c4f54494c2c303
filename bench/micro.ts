/**
 * Micro benchmarks (tinybench) of the hot path's pieces: the scanner (into 16 partitions and into
 * one), key hashing, the hash table, the Arrow wrapping and thread hand-off of a batch, the journal
 * window records, and COPY encoding.
 * Each reports a rate in its own unit (MB/s or rows/s).
 */
import { MessageChannel } from 'node:worker_threads';
import { Bench } from 'tinybench';
import { toArrow } from '../src/core/arrow.js';
import { concatBatches, type RowBatch, transferList } from '../src/core/batch.js';
import { ByteWriter } from '../src/core/byte-writer.js';
import { parseIsoDate } from '../src/core/dates.js';
import { KeyTable } from '../src/core/key-table.js';
import { hashRrnKey } from '../src/core/keys.js';
import type { MerchantTable } from '../src/core/merchants.js';
import { FIELD_COUNT, mapHeader } from '../src/core/schema.js';
import { loadCalendar } from '../src/inputs/calendar.js';
import { writeOpenItem } from '../workers/encode.js';
import { rowParserFor, scanBytes } from '../workers/scan.js';
import { newDateCache, VALS_LENGTH } from '../workers/scan-gen.js';
import { WindowWriter } from '../workers/window-records.js';

export interface MicroResult {
  name: string;
  rate: number;
  unit: string;
}

/** Runs the micro benchmarks on `sample` (the bytes of a journal file, header included). */
export async function runMicro(sample: Uint8Array, merchants: MerchantTable, quick: boolean): Promise<MicroResult[]> {
  const nl = sample.indexOf(10);
  const columns = mapHeader(
    'journal',
    new TextDecoder()
      .decode(sample.subarray(0, nl))
      .replace(/^\uFEFF/, '')
      .replace(/\r$/, '')
      .split(','),
  );
  const body = sample.subarray(nl + 1);
  const calendar = loadCalendar(undefined).spec;
  const runDay = parseIsoDate('2026-11-19');
  const scanTask = {
    chunk: 0,
    side: 'journal' as const,
    fields: columns.fields,
    state: false,
    fileNo: 1,
    runDay,
    partitions: 16,
    grace: 1,
    calendar,
    merchants,
  };
  const scanOnce = (partitions: number): RowBatch[] =>
    scanBytes(body, 0, body.length, { ...scanTask, partitions }).batches;
  const once = scanBytes(body, 0, body.length, { ...scanTask, partitions: 1, extras: true });
  const batch = once.batches[0]!;
  const extras = once.extras!;
  const rows = batch.length;

  const keys = new Float64Array(rows);
  for (let i = 0; i < rows; i++)
    keys[i] = hashRrnKey(batch.merchant_id[i]!, batch.terminal_id[i]!, batch.rrn_hi[i]!, batch.rrn_lo[i]!);
  const { port1, port2 } = new MessageChannel();
  port2.on('message', (m: RowBatch) => port2.postMessage(m, transferList([m])));
  const roundTrip = (b: RowBatch): Promise<RowBatch> =>
    new Promise((resolve) => {
      port1.once('message', resolve);
      port1.postMessage(b, transferList([b]));
    });
  let travelling: RowBatch = concatBatches([batch]);

  // The generated row function alone (DESIGN §9 step 2): parse every record, write nothing.
  const parse = rowParserFor('journal', columns.fields, false);
  const vals = new Float64Array(VALS_LENGTH);
  const ts = new Int32Array(FIELD_COUNT);
  const te = new Int32Array(FIELD_COUNT);
  const dates = newDateCache();
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const parseAll = (): number => {
    let p = 0;
    let careful = 0;
    while (p < body.length) {
      const next = parse(body, dv, p, body.length, vals, ts, te, dates);
      if (next < 0) {
        careful++;
        const nl = body.indexOf(10, p);
        p = nl < 0 ? body.length : nl + 1;
      } else p = next;
    }
    return careful;
  };

  const bench = new Bench({ time: quick ? 100 : 1500, warmupTime: quick ? 20 : 300 });
  bench
    .add('scan row function alone (journal, parse only)', () => {
      if (parseAll() > rows / 100) throw new Error('most rows went to the careful path');
    })
    .add('scan (journal bytes → 16 partitions)', () => {
      scanOnce(16);
    })
    .add('key hashing (merchant, terminal, rrn)', () => {
      let h = 0;
      for (let i = 0; i < rows; i++)
        h ^= hashRrnKey(batch.merchant_id[i]!, batch.terminal_id[i]!, batch.rrn_hi[i]!, batch.rrn_lo[i]!);
      if (h === 0.5) throw new Error('unreachable');
    })
    .add('hash table build + probe', () => {
      const t = new KeyTable(rows);
      for (let i = 0; i < rows; i++) t.insert(keys[i]!, i);
      let found = 0;
      for (let i = 0; i < rows; i++) if (t.find(keys[i]!) >= 0) found++;
      if (found !== rows) throw new Error('probe lost rows');
    })
    // Rows go to their partition's batch as they are parsed: against one partition, this shows
    // what partitioning costs the scan.
    .add('scan (journal bytes → 1 partition)', () => {
      scanOnce(1);
    })
    .add('Arrow wrap + transfer round trip', async () => {
      toArrow(travelling);
      travelling = await roundTrip(travelling);
    })
    .add('journal window records (add + sort)', () => {
      const w = new WindowWriter(runDay);
      for (let i = 0; i < rows; i++) w.add(batch, i, true);
      w.finish();
    })
    // COPY encoding: the rows as COPY binary tuples of recon.open_item (the widest table a run writes).
    .add('COPY encoding (open items, binary)', () => {
      const w = new ByteWriter(1 << 20);
      for (let i = 0; i < rows; i++) writeOpenItem(w, runDay, batch, i, true, 0, extras, i);
      if (w.bytes().length === 0) throw new Error('nothing encoded');
    });
  await bench.run();
  port1.close();
  port2.close();

  const perRun: Record<string, [number, string]> = {
    'scan row function alone (journal, parse only)': [body.length / 1e6, 'MB/s'],
    'scan (journal bytes → 16 partitions)': [body.length / 1e6, 'MB/s'],
    'key hashing (merchant, terminal, rrn)': [rows, 'rows/s'],
    'hash table build + probe': [rows, 'rows/s'],
    'scan (journal bytes → 1 partition)': [body.length / 1e6, 'MB/s'],
    'Arrow wrap + transfer round trip': [rows, 'rows/s'],
    'journal window records (add + sort)': [rows, 'rows/s'],
    'COPY encoding (open items, binary)': [rows, 'rows/s'],
  };
  return bench.tasks.map((t) => {
    const r = t.result;
    const ops = r.state === 'completed' ? r.throughput.mean : NaN;
    const [per, unit] = perRun[t.name]!;
    return { name: t.name, rate: ops * per, unit };
  });
}
