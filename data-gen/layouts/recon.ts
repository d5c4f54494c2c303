/** recon's own clearing layout (DESIGN §3.2): a CSV a day, in the day's file style. */
import { formatIsoDate } from '../../src/core/dates.js';
import type { DayFiles } from '../day-files.js';
import { styledLine } from '../file-sink.js';
import type { Rng } from '../rng.js';
import { isoTime } from '../text.js';
import type { ClearingLayout, ClearingRow } from './layout.js';

export class ReconLayout implements ClearingLayout {
  readonly keyless = false;

  /** `side`: clearing/, or clearing-recon/ (a bill's rows again in recon's layout). */
  constructor(
    private readonly files: DayFiles,
    private readonly side: 'clearing' | 'clearing-recon',
    private readonly rng: Rng,
    private readonly zone: number,
  ) {}

  row(r: ClearingRow): void {
    const t = r.t;
    const v = [
      r.type,
      t.merchant.id,
      t.terminal.id,
      t.stan,
      r.rrn,
      t.authCode,
      t.orderNo,
      t.origRrn,
      t.pan,
      isoTime(r.time, this.zone),
      formatIsoDate(r.day),
      formatIsoDate(r.settle),
      String(r.gross),
      String(r.fee),
      String(r.gross - r.fee),
      'CNY',
      r.status,
    ];
    this.files.sink(this.side, r.day).line(styledLine(v, this.files.style(this.side, r.day), this.rng));
  }

  closeStreams(d: number): void {
    this.files.sink(this.side, d).close();
  }
}
