/**
 * Progress of a long run on stderr (DESIGN §8). On a terminal: one live line (stage, MB read of the
 * total, rows, rows/s, ETA of the scan, partitions joined). Elsewhere (cron, CI): a plain line every
 * 10 seconds while the run works, so a log shows where a slow or stuck run was; a run shorter than
 * that prints none. `--quiet` turns both off. The run reports stages and counts; the reporter
 * decides what to show.
 */

export interface Progress {
  stage(name: string): void;
  /** Bytes scanned so far of `total`, and rows so far. */
  scanned(bytes: number, total: number, rows: number): void;
  /** Join tasks done of `total`. */
  joined(done: number, total: number): void;
  done(): void;
}

export const silentProgress: Progress = { stage() {}, scanned() {}, joined() {}, done() {} };

/** What the run is doing now, as one line of text. */
class State {
  private readonly t0 = performance.now();
  private stageName = 'starting';
  private stageStart = this.t0;
  private bytes = 0;
  private total = 0;
  private rows = 0;
  private joinedDone = 0;
  private joinedTotal = 0;

  stage(name: string): void {
    this.stageName = name;
    this.stageStart = performance.now();
  }

  scanned(bytes: number, total: number, rows: number): void {
    this.bytes = bytes;
    this.total = total;
    this.rows = rows;
  }

  joined(done: number, total: number): void {
    this.joinedDone = done;
    this.joinedTotal = total;
  }

  elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  text(): string {
    const now = performance.now();
    if (this.stageName === 'scanning' && this.total > 0) {
      const s = (now - this.stageStart) / 1000;
      const rate = this.rows / Math.max(s, 0.001);
      const left = this.bytes > 0 ? (s * (this.total - this.bytes)) / this.bytes : NaN;
      const pct = Math.floor((100 * this.bytes) / this.total);
      return `scanning ${mb(this.bytes)}/${mb(this.total)} MB (${pct}%), ${this.rows.toLocaleString('en-US')} rows, ${Math.round(rate).toLocaleString('en-US')} rows/s${Number.isFinite(left) && this.bytes < this.total ? `, ETA ${Math.ceil(left)} s` : ''}`;
    }
    if (this.stageName === 'joining' && this.joinedTotal > 0)
      return `joining: ${this.joinedDone}/${this.joinedTotal} partitions`;
    return this.stageName;
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(0);
}

/** The live line on a terminal, redrawn at most 10 times a second. */
export function ttyProgress(out: NodeJS.WriteStream = process.stderr): Progress {
  const state = new State();
  let last = 0;
  const draw = (force: boolean): void => {
    const now = performance.now();
    if (!force && now - last < 100) return;
    last = now;
    out.write(`\r\x1b[2Krecon: ${state.text()} [${state.elapsed().toFixed(0)} s]`);
  };
  return {
    stage(name) {
      state.stage(name);
      draw(true);
    },
    scanned(bytes, total, rows) {
      state.scanned(bytes, total, rows);
      draw(bytes >= total);
    },
    joined(done, total) {
      state.joined(done, total);
      draw(done >= total);
    },
    done() {
      out.write('\r\x1b[2K');
    },
  };
}

/** Plain log lines every `everyMs` while the run works (cron, CI): `recon: progress [+12 s] …`. */
export function logProgress(out: NodeJS.WritableStream = process.stderr, everyMs = 10_000): Progress {
  const state = new State();
  let timer: NodeJS.Timeout | undefined;
  const start = (): void => {
    timer ??= setInterval(
      () => out.write(`recon: progress [+${state.elapsed().toFixed(0)} s] ${state.text()}\n`),
      everyMs,
    );
    timer.unref();
  };
  return {
    stage(name) {
      start();
      state.stage(name);
    },
    scanned(bytes, total, rows) {
      state.scanned(bytes, total, rows);
    },
    joined(done, total) {
      state.joined(done, total);
    },
    done() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
