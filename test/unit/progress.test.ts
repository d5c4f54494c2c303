/**
 * Progress lines: the live terminal line and the plain periodic lines for logs say the stage, the
 * bytes read of the total with a percentage, rows, rows/s and the scan's ETA, and partitions joined;
 * the log lines stop when the run is done.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logProgress, ttyProgress } from '../../src/run/progress.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { stream, text: () => text };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('progress', () => {
  it('prints plain lines periodically for a log, and none after the run is done', async () => {
    const out = capture();
    const p = logProgress(out.stream, 30);
    p.stage('scanning');
    await sleep(20);
    p.scanned(50e6, 200e6, 400_000);
    await sleep(60);
    p.stage('joining');
    p.joined(3, 16);
    await sleep(60);
    p.done();
    const before = out.text();
    await sleep(80);
    expect(out.text()).toBe(before);
    const lines = before.trim().split('\n');
    expect(lines.every((l) => /^recon: progress \[\+\d+ s\] /.test(l))).toBe(true);
    expect(lines.some((l) => /scanning 50\/200 MB \(25%\), 400,000 rows, [\d,]+ rows\/s, ETA \d+ s$/.test(l))).toBe(
      true,
    );
    expect(lines.at(-1)).toMatch(/joining: 3\/16 partitions$/);
  });

  it('redraws one live line on a terminal', () => {
    const out = capture();
    const p = ttyProgress(out.stream as unknown as NodeJS.WriteStream);
    p.stage('scanning');
    p.scanned(100e6, 100e6, 1_000_000);
    p.stage('joining');
    p.joined(16, 16);
    p.done();
    const frames = out
      .text()
      .split('\r\x1b[2K')
      .filter((f) => f !== '');
    expect(frames[0]).toMatch(/^recon: scanning \[\d+ s\]$/);
    expect(frames).toContainEqual(
      expect.stringMatching(/^recon: scanning 100\/100 MB \(100%\), 1,000,000 rows, [\d,]+ rows\/s \[\d+ s\]$/),
    );
    expect(frames.at(-1)).toMatch(/^recon: joining: 16\/16 partitions \[\d+ s\]$/);
    expect(out.text().endsWith('\r\x1b[2K')).toBe(true);
  });
});
