/**
 * Progress of a long run on stderr (DESIGN §8): a live line when stderr is a TTY, nothing
 * otherwise. The run reports stages and byte counts; the reporter decides what to show.
 */

export interface Progress {
  stage(name: string): void;
  /** Bytes scanned so far of `total`, and rows so far. */
  scanned(bytes: number, total: number, rows: number): void;
  done(): void;
}

export const silentProgress: Progress = { stage() {}, scanned() {}, done() {} };

export function ttyProgress(out: NodeJS.WriteStream = process.stderr): Progress {
  const t0 = performance.now();
  let last = 0;
  const line = (text: string): void => {
    out.write(`\r\x1b[2K${text}`);
  };
  return {
    stage(name) {
      line(`recon: ${name}`);
    },
    scanned(bytes, total, rows) {
      const now = performance.now();
      if (now - last < 100 && bytes < total) return;
      last = now;
      const s = (now - t0) / 1000;
      line(`recon: scanning ${(bytes / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB, ${rows.toLocaleString('en-US')} rows, ${Math.round(rows / Math.max(s, 0.001)).toLocaleString('en-US')} rows/s`);
    },
    done() {
      out.write('\r\x1b[2K');
    },
  };
}
