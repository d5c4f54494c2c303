/**
 * Containers (issue 23, item 3), against the CLI (its `main`, in this process) and src/inputs/zip.ts:
 * - a zip entry that inflates past its declared size is refused as soon as it passes it, naming the
 *   file and the entry, with no more than the declared size written;
 * - a zip entry whose declared size is more than --max-inflate-ratio times its compressed size is
 *   refused before anything is written, and read when the flag is raised;
 * - a gzip input is refused once its output passes --max-inflate-ratio times its compressed size,
 *   with no more than that written to --spill-dir; the flag raises it, and a replay uses the ratio
 *   each later run was recorded with;
 * - every refusal is one line, exit 3, nothing committed, and the run's directories are removed;
 * - real files (the most compressible shipped layout, a ZM zip, and a gzip -9 journal) read with the
 *   default ratio.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generate } from '../../data-gen/generate.js';
import { zipOf } from '../../data-gen/zip-writer.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { InputError } from '../../src/inputs/errors.js';
import { extractZipEntry, listZip } from '../../src/inputs/zip.js';
import { tempDir } from '../helpers/chain.js';
import { type CliResult, recon, templateStoreAt, testStore, useKeptStores, useSharedPool } from '../helpers/cli.js';

useSharedPool();
useKeptStores();

const DAY = '2026-11-17';
/** The detail entry alipay-trade-bill reads (its zipEntry pattern is `_业务明细\.csv$`). */
const ALIPAY_ENTRY = '20880000000000010156_20261117_业务明细.csv';
/** 16 MiB of zeros: deflates to about 16 KB (a ratio of about 1000:1, deflate's most). */
const ZEROS = Buffer.alloc(16 << 20);

/** Bytes of every file under `dir`, now (0 for files removed while it looks). */
function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    try {
      n += statSync(join(e.parentPath, e.name)).size;
    } catch {
      // removed meanwhile
    }
  }
  return n;
}

/**
 * `recon run` with `--spill-dir` a fresh directory whose size is sampled every millisecond while the
 * run goes on (the decompression yields to the event loop between chunks): the result, the most
 * bytes seen there, and what is left there afterwards.
 */
async function watchedRun(cwd: string, args: readonly string[]): Promise<CliResult & { peak: number; left: number }> {
  const spill = tempDir('containers-spill');
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, bytesUnder(spill));
  }, 1);
  try {
    const r = await recon(cwd, ['run', '--date', DAY, ...args, '--spill-dir', spill]);
    return { ...r, peak: Math.max(peak, bytesUnder(spill)), left: readdirSync(spill).length };
  } finally {
    clearInterval(timer);
  }
}

async function runs(db: string): Promise<number> {
  const store = await testStore({ kind: 'embedded', dir: db });
  try {
    return (await store.query<{ n: number }>('select count(*)::int as n from recon.run'))[0]!.n;
  } finally {
    await store.close();
  }
}

/** `zip` with the declared (uncompressed) size of its one entry set to `size`, in both headers. */
function declaring(zip: Uint8Array, size: number): Buffer {
  const b = Buffer.from(zip);
  b.writeUInt32LE(size, 22); // the local header, at 0
  const central = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  b.writeUInt32LE(size, central + 24);
  return b;
}

describe('zip entries', () => {
  const cwd = tempDir('containers-zip');
  const db = templateStoreAt(join(cwd, 'st'));
  // An entry declaring 64 KiB that inflates to 16 MiB.
  const DECLARED = 64 << 10;
  const lying = join(cwd, 'lying.zip');
  writeFileSync(lying, declaring(zipOf([{ name: ALIPAY_ENTRY, data: ZEROS }]), DECLARED));
  // An entry that says truthfully it inflates to 16 MiB from about 16 KB: over the default 100:1.
  const honest = join(cwd, 'honest.zip');
  writeFileSync(honest, zipOf([{ name: ALIPAY_ENTRY, data: ZEROS }]));
  const alipay = ['--clearing-format', 'alipay-trade-bill', '--db', db];

  it('stops inflating an entry as soon as it passes its declared size', async () => {
    // Extracted into a stream that counts: never more than the declared size reaches it.
    const [entry] = listZip(lying, lying);
    let got = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        got += chunk.length;
        done();
      },
    });
    const out = await extractZipEntry(lying, entry!, sink, lying, 100).catch((e: unknown) => e);
    expect(got).toBeLessThanOrEqual(DECLARED);
    expect(out).toBeInstanceOf(InputError);
    expect((out as Error).message).toBe(
      `${lying}: zip entry ${ALIPAY_ENTRY} inflates past its declared size of ${DECLARED} bytes; refused as damaged or hostile`,
    );

    // Through the CLI: one line, exit 3, nothing committed, no more than the declared size on disk.
    const r = await watchedRun(cwd, ['--clearing', 'lying.zip', ...alipay]);
    expect(r.peak).toBeLessThanOrEqual(DECLARED);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(`recon: ${(out as Error).message}`);
    expect(r.left).toBe(0);
    expect(await runs(db)).toBe(0);
  });

  it('refuses an entry declared larger than --max-inflate-ratio times its compressed size, unless raised', async () => {
    const [entry] = listZip(honest, honest);
    expect(entry!.size / entry!.compressedSize).toBeGreaterThan(500);
    const r = await watchedRun(cwd, ['--clearing', 'honest.zip', ...alipay]);
    expect(r.peak).toBe(0);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      `recon: ${honest}: zip entry ${ALIPAY_ENTRY} declares ${ZEROS.length} bytes from ${entry!.compressedSize} compressed, more than --max-inflate-ratio 100 allows (${entry!.compressedSize * 100} bytes); raise it if the archive is genuine`,
    );
    expect(r.left).toBe(0);
    expect(await runs(db)).toBe(0);

    // Raised: extracted whole, then read (and refused for what it holds, not for its size).
    const raised = await watchedRun(cwd, ['--clearing', 'honest.zip', ...alipay, '--max-inflate-ratio', '2000']);
    expect(raised.code).toBe(3);
    expect(raised.stderr).not.toMatch(/inflate/);
    expect(raised.peak).toBeGreaterThan(0);
    expect(raised.left).toBe(0);
  });
});

describe('gzip inputs', () => {
  const cwd = tempDir('containers-gz');
  const db = templateStoreAt(join(cwd, 'st'));
  // 16 MiB of zeros in about 16 KB: a bomb at any sensible ratio.
  const bomb = join(cwd, 'bomb.csv.gz');
  writeFileSync(bomb, gzipSync(ZEROS, { level: 9 }));
  const bombBytes = statSync(bomb).size;

  it('refuses a gzip input past --max-inflate-ratio times its size, having written no more than that', async () => {
    const r = await watchedRun(cwd, ['--clearing', 'bomb.csv.gz', '--db', db]);
    expect(r.peak).toBeLessThanOrEqual(bombBytes * 100);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      `recon: ${bomb}: the gzip file decompresses to more than 100 times its ${bombBytes} bytes (--max-inflate-ratio 100: ${bombBytes * 100} bytes); refused as a decompression bomb, raise the flag if the file is genuine`,
    );
    expect(r.left).toBe(0);
    expect(await runs(db)).toBe(0);

    // A bound the output passes at once: nothing to speak of is written.
    const low = await watchedRun(cwd, ['--clearing', 'bomb.csv.gz', '--db', db, '--max-inflate-ratio', '1']);
    expect(low.code).toBe(3);
    expect(low.stderr).toMatch(/more than 1 times its \d+ bytes \(--max-inflate-ratio 1: \d+ bytes\)/);
    expect(low.peak).toBeLessThanOrEqual(bombBytes);

    // Raised past what zeros reach: decompressed, then refused for what it holds.
    const raised = await watchedRun(cwd, ['--clearing', 'bomb.csv.gz', '--db', db, '--max-inflate-ratio', '5000']);
    expect(raised.code).toBe(3);
    expect(raised.stderr).not.toMatch(/max-inflate-ratio/);
    expect(raised.left).toBe(0);
    expect(await runs(db)).toBe(0);
  });

  it('refuses a --max-inflate-ratio that is not a positive integer, naming the flag', async () => {
    for (const bad of ['0', '-5', '1.5', 'x']) {
      const r = await recon(cwd, [
        'run',
        '--date',
        DAY,
        '--clearing',
        'bomb.csv.gz',
        '--db',
        db,
        '--max-inflate-ratio',
        bad,
      ]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^recon: --max-inflate-ratio must be an integer ≥ 1, got /);
    }
  });
});

describe('real containers', () => {
  const cwd = tempDir('containers-real');
  const data = join(cwd, 'data');
  // UnionPay's fixed-width ZM files, blank-padded, are the most compressible layout recon reads
  // (about 21:1 deflated); a gzip -9 of recon's own CSV about 4-5:1.
  generate({
    date: '2026-11-16',
    days: 2,
    rows: 400,
    seed: 23,
    out: data,
    calendar: loadCalendar(undefined).spec,
    clearingFormat: 'unionpay-zm',
  });

  it('reads a ZM zip and a gzip -9 journal with the default ratio', async () => {
    const db = templateStoreAt(join(cwd, 'st'));
    const journal = join(data, 'journal', '2026-11-16.csv');
    execFileSync('gzip', ['-9', journal]);
    const r = await recon(cwd, [
      'run',
      '--date',
      '2026-11-16',
      '--data-dir',
      'data',
      '--clearing-format',
      'unionpay-zm',
      '--db',
      db,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { files: { path: string; rows: number }[] };
    expect(s.files.some((f) => f.path.endsWith('.csv.gz') && f.rows > 0)).toBe(true);
    expect(s.files.some((f) => f.path.endsWith('.zip') && f.rows > 0)).toBe(true);
  });

  it('records the ratio a run used, and a replay reruns a later date with it', async () => {
    const db = templateStoreAt(join(cwd, 'st-replay'));
    // The next day's journal with 4 MiB of blank lines (not rows): a genuine file at about 300:1.
    const dir = join(cwd, 'airy');
    for (const side of ['journal', 'clearing']) mkdirSync(join(dir, side), { recursive: true });
    copyFileSync(join(data, 'merchants.csv'), join(dir, 'merchants.csv'));
    const next = '2026-11-17';
    const journal = join(dir, 'journal', `${next}.csv.gz`);
    writeFileSync(
      journal,
      gzipSync(Buffer.concat([readFileSync(join(data, 'journal', `${next}.csv`)), Buffer.alloc(4 << 20, '\n')])),
    );
    for (const f of readdirSync(join(data, 'clearing')).filter((f) => f.startsWith(next)))
      copyFileSync(join(data, 'clearing', f), join(dir, 'clearing', f));
    const run = (date: string, from: string, ...more: string[]): Promise<CliResult> =>
      recon(cwd, ['run', '--date', date, '--data-dir', from, '--clearing-format', 'unionpay-zm', '--db', db, ...more]);

    expect((await run('2026-11-16', 'data')).code).toBe(0);
    const refused = await run(next, 'airy');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/--max-inflate-ratio 100/);
    const taken = await run(next, 'airy', '--max-inflate-ratio', '1000');
    expect(taken.code, taken.stderr).toBe(0);
    // The replay from the day before is given no flag: the later run reads its journal as it did.
    const replayed = await run('2026-11-16', 'data', '--replay', '--json');
    expect(replayed.code, replayed.stderr).toBe(0);
    expect((JSON.parse(replayed.stdout) as { replay: unknown[] }).replay).toHaveLength(2);
  });
});
