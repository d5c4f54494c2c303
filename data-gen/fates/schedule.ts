/**
 * Which fate befalls which transaction of a day: every fate is planted `perFate` times a day on
 * transactions where it is eligible, spread over the day (one try every `gap` transactions), the
 * fates offered in rotating order so that each gets its turn first.
 */

import type { ClearingFormat } from '../layouts/layout.js';
import type { Rng } from '../rng.js';
import type { Txn } from '../world.js';
import { PLANTERS } from './index.js';
import type { Candidate, Chain, Planter, Planting } from './planter.js';

export class DaySchedule {
  /** Plantings left today, per planter. */
  private readonly left: number[];
  private toPlant: number;
  /** The planter offered first. */
  private turn: number;
  private readonly gap: number;
  private nextTry: number;

  /** Day `day` of `rows` transactions, in layout `format`. */
  constructor(
    private readonly day: number,
    rows: number,
    perFate: number,
    private readonly format: ClearingFormat,
    private readonly rng: Rng,
  ) {
    this.left = PLANTERS.map(() => perFate);
    this.toPlant = PLANTERS.length * perFate;
    this.turn = rng.int(0, PLANTERS.length - 1);
    this.gap = Math.max(1, Math.floor(rows / (this.toPlant + 1)));
    this.nextTry = this.gap;
  }

  /**
   * Plants a fate on transaction `i` of the day when one is due and eligible; returns what it
   * planted, or null (the transaction is then an ordinary one).
   */
  plant(i: number, t: Txn, chain: Chain): string | null {
    if (i < this.nextTry || this.toPlant === 0 || t.businessDate !== this.day) return null;
    let candidate: Candidate | undefined;
    for (let k = 0; k < PLANTERS.length; k++) {
      const f = (this.turn + k) % PLANTERS.length;
      const planter = PLANTERS[f]!;
      if (this.left[f]! === 0 || !this.expresses(planter)) continue;
      // The candidate's dates, once it is offered to a fate the layout can express.
      candidate ??= {
        t,
        day: this.day,
        expected: t.expected,
        deadline: chain.deadlineOf(t.businessDate, t.merchant.cycle),
      };
      if (!planter.eligible(candidate, chain)) continue;
      this.left[f]!--;
      this.toPlant--;
      this.turn = (f + 1) % PLANTERS.length;
      const planting: Planting = { ...candidate, jitterMs: this.rng.int(0, 2) * 1000 };
      planter.plant(planting, chain);
      this.nextTry += this.gap;
      return planter.fate;
    }
    return null;
  }

  private expresses(p: Planter): boolean {
    return p.layouts === undefined || p.layouts.includes(this.format);
  }
}
