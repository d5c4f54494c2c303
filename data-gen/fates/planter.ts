/**
 * What a planted fate is: a planter takes one transaction of a day and writes what befalls it —
 * its journal rows, its clearing rows, on whichever days they fall — and the findings a correct
 * engine must report for it (the truth), or none for the cases that must stay silent.
 *
 * Vocabulary
 * - candidate: a transaction of day D whose business date is D, offered to a fate, with its dates.
 * - eligible: the fate's consequence (its finding, or the silence it tests) falls inside the chain
 *   for this candidate, and the clearing layout can express it.
 * - chain: what a planter may use of the chain being generated (Chain below).
 */
import type { ClearingOpts } from '../chain-writer.js';
import type { GenCalendar } from '../gen-calendar.js';
import type { ClearingFormat } from '../layouts/layout.js';
import type { Rng } from '../rng.js';
import type { Truth } from '../truth.js';
import type { Txn } from '../world.js';

/** A transaction a fate may befall, with its dates as made. */
export interface Candidate {
  readonly t: Txn;
  /** The day it is made on: its journal's day and its business date. */
  readonly day: number;
  /** Expected settle date. */
  readonly expected: number;
  /** Deadline: the expected settle date plus the grace. */
  readonly deadline: number;
}

/** A candidate the fate befalls. */
export interface Planting extends Candidate {
  /** The acquirer's time jitter for its usual credit (0–2 s), drawn for every planting. */
  readonly jitterMs: number;
}

/** What a planter may use of the chain being generated. */
export interface Chain {
  readonly cal: GenCalendar;
  readonly rng: Rng;
  /** The chain's last day: rows and findings of later days are not written. */
  readonly end: number;
  /** The calendar's zone, in minutes east of UTC. */
  readonly zone: number;
  /** The clearing rows carry no terminal and no stan (a QR platform's bill): nor do findings on them. */
  readonly keyless: boolean;
  readonly truth: Truth;
  /** The deadline of an item of this business date under this cycle. */
  deadlineOf(businessDate: number, cycle: number): number;
  /** A journal row of `day`'s file. */
  journal(day: number, t: Txn): void;
  /** A clearing row of `day`'s file. */
  clearing(day: number, t: Txn, c: ClearingOpts): void;
  /** The usual credit: on its business date's file, settled when expected, with the planting's jitter. */
  credit(p: Planting): void;
  /** A new transaction on t's terminal (the next STAN, its own RRN / order number with `suffix`). */
  sibling(t: Txn, type: string, dtMs: number, amount: number, suffix: string): Txn;
}

export interface Planter {
  readonly fate: string;
  /** The clearing layouts that can express it (default: all). */
  readonly layouts?: readonly ClearingFormat[];
  eligible(c: Candidate, chain: Chain): boolean;
  /** Writes its rows and adds its findings to the truth. */
  plant(p: Planting, chain: Chain): void;
}

/** The DELAYED_CREDIT of a credit of `amount` expected on `expected` and settled on `settle`, raised by run `raised`. */
export function addDelayedCredit(
  chain: Chain,
  raised: number,
  keys: Txn,
  amount: number,
  expected: number,
  settle: number,
): void {
  const daysLate = chain.cal.daysLate(expected, settle);
  chain.truth.add(raised, 'DELAYED_CREDIT', 'open', keys, amount, amount, { daysLate });
}

/** A card transaction (QR rows have no rrn or auth code for passes 3 and 4). */
export function isCard(t: Txn): boolean {
  return t.channel !== 'QR';
}

/** Layouts with holds and settle dates of their own: recon's (a bill has no holds, and its profile takes the expected settle date). */
export const WITH_SETTLE_DATES: readonly ClearingFormat[] = ['recon'];
