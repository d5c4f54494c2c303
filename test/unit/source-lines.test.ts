/**
 * A finding's source line read from its kept input file (src/serve/source-lines.ts): found by line
 * number in bounded chunks, card numbers masked, columns by the header in recon's own layout; and
 * each case where the store's values are shown instead, saying why: the file gone, compressed,
 * changed (size, mtime, a line without the finding's merchant), the line too far or too long.
 */
import { appendFileSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readSourceLine, type SourceRef } from '../../src/serve/source-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'recon-source-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const M = '898310148160568';
const HEADER = 'merchant_id,terminal_id,stan,order_no,pan_masked\n';
const row = (i: number, extra = '') =>
  `${M},T0000001,${String(i).padStart(6, '0')},"ord,${i}${extra}",622588******1234\n`;

/** A file of `n` rows after the header (line i + 1 holds row i), and a reference to its line `line`. */
function file(name: string, n: number, line: number, body?: string): SourceRef {
  const path = join(dir, name);
  writeFileSync(path, body ?? HEADER + Array.from({ length: n }, (_, i) => row(i + 1)).join(''));
  const st = statSync(path);
  return { side: 'journal', path, line, bytes: st.size, committedAt: st.mtimeMs + 1000, format: 'recon' };
}

describe('readSourceLine', () => {
  it('finds a line by its number, across chunks and through remembered places, with its columns', () => {
    const ref = file('big.csv', 120_000, 100_001); // ~6 MB: more than one chunk and one checkpoint
    for (const line of [100_001, 2, 99_999, 120_001]) {
      const got = readSourceLine({ ...ref, line }, M);
      expect(got.ok, JSON.stringify(got)).toBe(true);
      if (!got.ok) continue;
      expect(got.text).toBe(row(line - 1).trimEnd());
      expect(got.fields?.find(([k]) => k === 'order_no')?.[1]).toBe(`ord,${line - 1}`);
    }
    expect(readSourceLine({ ...ref, line: 120_002 }, M)).toEqual({
      ok: false,
      why: 'the file has fewer than 120002 lines',
    });
  });

  it('masks card numbers and reads CRLF lines, and GB18030 text of a profile', () => {
    const ref = file('pan.csv', 0, 2, `${HEADER}${M},T0000001,000001,x,4111111111111111\r\n`);
    expect(readSourceLine(ref, M)).toMatchObject({ ok: true, text: `${M},T0000001,000001,x,411111******1111` });
    const gbk = Buffer.concat([
      Buffer.from('交易时间,商户号\n'.replace(/./g, 'a')),
      Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x0a]),
    ]);
    const path = join(dir, 'bill.csv');
    writeFileSync(path, gbk);
    const st = statSync(path);
    expect(
      readSourceLine(
        { side: 'clearing', path, line: 2, bytes: st.size, committedAt: st.mtimeMs + 1, format: 'wechat-trade-bill' },
        M,
      ),
    ).toEqual({ ok: true, text: '你好', fields: null });
  });

  it("shows the store's values instead, saying why, when the file cannot give the line", () => {
    const ref = file('small.csv', 3, 2);
    const why = (r: SourceRef, limits?: { maxScanBytes: number; maxLineBytes: number }) => {
      const got = readSourceLine(r, M, limits);
      return got.ok ? 'shown' : got.why;
    };
    expect(why(ref)).toBe('shown');
    expect(why({ ...ref, path: join(dir, 'gone.csv') })).toBe('the file is gone');
    expect(why({ ...ref, bytes: ref.bytes + 1 })).toBe(
      `the file changed since the run (${ref.bytes} bytes now, ${ref.bytes + 1} when it was read)`,
    );
    expect(why({ ...ref, committedAt: ref.committedAt - 60_000 })).toBe(
      'the file was modified after the run that read it was committed',
    );
    expect(why(ref, undefined)).toBe('shown');
    // A line far into a file: each view counts one more stretch (here: a chunk) and remembers where it got.
    const far = file('far.csv', 60_000, 60_001);
    const counted: string[] = [];
    for (let got = readSourceLine(far, M, { maxScanBytes: 1, maxLineBytes: 1000 }); !got.ok; ) {
      counted.push(/\(line (\d+) so far/.exec(got.why)![1]!);
      expect(counted.length).toBeLessThan(10);
      got = readSourceLine(far, M, { maxScanBytes: 1, maxLineBytes: 1000 });
    }
    expect(counted.length).toBeGreaterThan(1);
    expect(counted.map(Number)).toEqual([...counted.map(Number)].sort((a, b) => a - b));
    expect(why(ref, { maxScanBytes: 1 << 20, maxLineBytes: 20 })).toBe('the line is longer than 20 bytes');
    expect(why(ref, undefined)).toBe('shown');
    // The same size, older than the run, but another merchant on the line: another file.
    const other = file('other.csv', 0, 2, HEADER + row(1).replace(M, '123456789012345'));
    expect(why(other)).toBe("the line no longer holds the finding's merchant: the file changed since the run");

    const gz = join(dir, 'day.csv.gz');
    writeFileSync(gz, gzipSync(HEADER + row(1)));
    const zst = statSync(gz);
    expect(why({ ...ref, path: gz, bytes: zst.size, committedAt: zst.mtimeMs + 1 })).toBe(
      'it is a gzip file: the run read a decompressed copy of its own, which is gone',
    );
    const zip = join(dir, 'day.zip');
    writeFileSync(zip, Buffer.from([0x50, 0x4b, 3, 4, 0, 0]));
    expect(why({ ...ref, path: zip })).toBe(
      'it is a zip archive: the run read an extracted copy of its own, which is gone',
    );
    // A file rewritten after the run with the same size: its mtime gives it away.
    appendFileSync(ref.path, '');
    utimesSync(ref.path, new Date(), new Date(ref.committedAt + 5000));
    expect(why(ref)).toBe('the file was modified after the run that read it was committed');
  });
});
