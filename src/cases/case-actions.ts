/**
 * People acting on cases (DESIGN §10): one request (assign, note, close, approve, reject, reopen) on
 * one or many cases, in one transaction: every case is checked first (case-states.ts `plan`), and
 * either all change, each with its event in the audit trail, or none (the first refusal is thrown).
 * `dryRun` checks and reports without changing anything. The CLI, the spreadsheet loop and the
 * console all act through `actOnCases`.
 */
import { UsageError } from '../core/usage-error.js';
import type { Store } from '../store/store.js';
import { appendEvents, type NewEvent } from './audit-chain.js';
import {
  CaseRefusal,
  type CaseState,
  type CaseView,
  plan,
  type Reason,
  type Request,
  type Role,
  type Step,
} from './case-states.js';
import { approvalThreshold } from './settings.js';
import { actorOf, findUser } from './users.js';

/** A case changed since the person acting saw it (the console's expectSeq): reload it and act again. */
export class CaseChanged extends UsageError {
  constructor(readonly findingId: string) {
    super(`${findingId}: the case changed since it was shown (reload it and act again)`);
    this.name = 'CaseChanged';
  }
}

/** One case's change, as planned (and, unless a dry run, made). */
export interface CaseChange {
  readonly findingId: string;
  readonly step: Step;
  /** The event's seq (0 in a dry run). */
  readonly seq: number;
}

interface CaseRow {
  finding_id: string;
  state: CaseState;
  owner: string | null;
  reason: Reason | null;
  maker: string | null;
  pending_reason: Reason | null;
  pending_note: string | null;
  amount_at_stake: string | number | null;
  last_seq: string;
}

/** The role each action needs of its actor (the table's, for the actor check before any case). */
const NEEDS: Record<Request['action'], Role> = {
  assign: 'operator',
  note: 'operator',
  close: 'operator',
  approve: 'supervisor',
  reject: 'supervisor',
  reopen: 'operator',
};

/**
 * Applies `request` (its actor's name, without the role: looked up here) to the cases of `ids`, in
 * `tx`. Unknown ids, a disabled or unknown actor, an owner who cannot own cases, and any case the
 * request does not fit are refused before anything changes. `expectSeq` (the console): per id, the
 * case's last event seq as the person saw it; a case changed since is refused.
 */
export async function actOnCases(
  tx: Store,
  ids: readonly string[],
  request: Omit<Request, 'role'>,
  options: { dryRun?: boolean; expectSeq?: ReadonlyMap<string, number> } = {},
): Promise<CaseChange[]> {
  const actor = await actorOf(tx, request.actor, NEEDS[request.action], `${request.action}`);
  if (request.action === 'assign' && request.to) {
    const owner = await findUser(tx, request.to);
    const refuse = (why: string): never => {
      throw new CaseRefusal(ids[0] ?? '', `--to ${request.to}: ${why}`, 'owner');
    };
    if (!owner) refuse('no such user');
    else if (owner.disabled) refuse('the user is disabled');
    else if (owner.role === 'viewer') refuse('a viewer cannot own cases');
  }
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw new UsageError('no case to act on: give finding ids, or filters that select some');
  // Locked in id order, so two people acting on overlapping sets at once wait rather than deadlock.
  const rows = await tx.query<CaseRow>(
    `select c.finding_id, c.state, c.owner, c.reason, c.maker, c.pending_reason, c.pending_note, e.amount_at_stake,
            c.last_seq::text as last_seq
       from recon.case c left join recon.exception e on e.id = c.finding_id
      where c.finding_id = any($1::text[])
      order by c.finding_id
        for update of c`,
    [unique],
  );
  const found = new Map(rows.map((r) => [r.finding_id, r]));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0)
    throw new UsageError(
      `no case ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` (and ${missing.length - 3} more)` : ''}: a finding id is F and 12 characters, as recon exceptions and recon cases show it`,
    );
  const threshold = await approvalThreshold(tx);
  const req: Request = { ...request, role: actor.role };
  const planned = unique.map((id) => {
    const r = found.get(id)!;
    const seen = options.expectSeq?.get(id);
    if (seen !== undefined && seen !== Number(r.last_seq)) throw new CaseChanged(id);
    const view: CaseView = {
      findingId: id,
      state: r.state,
      owner: r.owner,
      maker: r.maker,
      pendingReason: r.pending_reason,
      pendingNote: r.pending_note,
      amountAtStake: Number(r.amount_at_stake ?? 0),
    };
    return { id, step: plan(view, req, threshold) };
  });
  if (options.dryRun) return planned.map((p) => ({ findingId: p.id, step: p.step, seq: 0 }));
  const events: NewEvent[] = planned.map((p) => ({
    actor: actor.name,
    finding_id: p.id,
    action: request.action,
    from_state: p.step.from,
    to_state: p.step.to,
    reason: p.step.reason,
    note: p.step.note,
    details:
      request.action === 'assign' || p.step.owner !== found.get(p.id)!.owner
        ? { owner: p.step.owner }
        : p.step.to === 'pending_approval'
          ? { awaits: 'approval' }
          : null,
  }));
  const stored = await appendEvents(tx, events);
  await tx.query(
    `update recon.case c
        set state = u.state, owner = u.owner, reason = u.reason, maker = u.maker,
            pending_reason = u.pending_reason, pending_note = u.pending_note,
            last_seq = u.seq, updated_at = now()
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
         as u(id, state, owner, reason, maker, pending_reason, pending_note, seq)
      where c.finding_id = u.id`,
    [
      planned.map((p) => p.id),
      planned.map((p) => p.step.to),
      planned.map((p) => p.step.owner),
      // A note on a closed case keeps its reason.
      planned.map((p) => (p.step.to === 'closed' ? (p.step.reason ?? found.get(p.id)!.reason) : null)),
      planned.map((p) => p.step.maker),
      planned.map((p) => p.step.pendingReason),
      planned.map((p) => p.step.pendingNote),
      stored.map((e) => e.seq),
    ],
  );
  return planned.map((p, i) => ({ findingId: p.id, step: p.step, seq: stored[i]!.seq }));
}

/** What a dry run's transaction carries out of itself, to be rolled back. */
class RolledBack<T> extends Error {
  constructor(readonly value: T) {
    super('dry run: rolled back');
  }
}

/**
 * `fn` in one transaction of `store`: committed, or with `dryRun` done and then rolled back, so that a
 * dry run checks everything a real one would (each step against what the steps before it did) and
 * changes nothing. Returns what `fn` returned.
 */
export async function changeOrDryRun<T>(store: Store, dryRun: boolean, fn: (tx: Store) => Promise<T>): Promise<T> {
  if (!dryRun) return store.transaction(fn);
  try {
    await store.transaction(async (tx) => {
      throw new RolledBack(await fn(tx));
    });
  } catch (e) {
    if (e instanceof RolledBack) return e.value as T;
    throw e;
  }
  throw new Error('internal: a dry run committed');
}
