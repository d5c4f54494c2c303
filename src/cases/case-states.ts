/**
 * The states of a case and what moves it (DESIGN §10): one table of transitions, checked in one
 * place (`plan`), so the CLI, the spreadsheet loop and the console refuse the same things with the
 * same words.
 *
 * Vocabulary:
 * - case: what people did about a finding; its state is theirs (the finding's own status, open or
 *   resolved, is the engine's);
 * - maker / checker (four eyes): the person who closes a case whose closing needs approval, and the
 *   supervisor, another person, who approves or rejects it;
 * - actor: who acted: a user's name, or `run D` for the engine (a run that resolves or reopens).
 *
 * States: new → assigned (an owner) → pending_approval (a closing awaits a checker) → closed (a
 * reason); closed → reopened → assigned. An operator acting on a new or reopened case becomes its
 * owner; a case can be closed from new, assigned or reopened.
 */
import { UsageError } from '../core/usage-error.js';

export const STATES = ['new', 'assigned', 'pending_approval', 'closed', 'reopened'] as const;
export type CaseState = (typeof STATES)[number];

/** Each role may do what the one before it may. */
export const ROLES = ['viewer', 'operator', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Why a case was closed. RESOLVED_BY_RUN is the engine's own; people give one of the others. */
export const REASONS = [
  'CREDITED_OUTSIDE',
  'MERCHANT_CONFIRMED',
  'ADJUSTMENT_POSTED',
  'RECOVERED',
  'WRITTEN_OFF',
  'NOT_AN_ERROR',
  'RESOLVED_BY_RUN',
] as const;
export type Reason = (typeof REASONS)[number];
export const PEOPLE_REASONS: readonly Reason[] = REASONS.filter((r) => r !== 'RESOLVED_BY_RUN');
/** Reasons that need a note saying why. */
export const NOTE_REASONS: readonly Reason[] = ['WRITTEN_OFF', 'NOT_AN_ERROR'];
/** Reasons that always need a checker, whatever the amount. */
export const FOUR_EYES_REASONS: readonly Reason[] = ['WRITTEN_OFF'];

/** What a person can do to a case. */
export const ACTIONS = ['assign', 'note', 'close', 'approve', 'reject', 'reopen'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * The transitions people make: from which states an action may start, the role it needs, and the
 * state it leads to (`same`: the state does not change; `assigned`: a new or reopened case becomes
 * the actor's and assigned, another stays as it is). close's target depends on four eyes (plan).
 */
export const TRANSITIONS: Readonly<
  Record<Action, { from: readonly CaseState[]; role: Role; to: CaseState | 'same' | 'owned' | 'closing' }>
> = {
  assign: { from: ['new', 'assigned', 'reopened'], role: 'operator', to: 'assigned' },
  note: { from: STATES, role: 'operator', to: 'owned' },
  close: { from: ['new', 'assigned', 'reopened'], role: 'operator', to: 'closing' },
  approve: { from: ['pending_approval'], role: 'supervisor', to: 'closed' },
  reject: { from: ['pending_approval'], role: 'supervisor', to: 'assigned' },
  reopen: { from: ['closed'], role: 'operator', to: 'reopened' },
};

/** The case as an action needs it. */
export interface CaseView {
  readonly findingId: string;
  readonly state: CaseState;
  readonly owner: string | null;
  readonly maker: string | null;
  readonly pendingReason: Reason | null;
  readonly pendingNote: string | null;
  /** The finding's amount at stake, in minor units (four eyes above the threshold). */
  readonly amountAtStake: number;
}

/** What a person asks: the action and its fields (as the CLI flags and the console's form fields). */
export interface Request {
  readonly action: Action;
  readonly actor: string;
  readonly role: Role;
  /** assign: the new owner (an enabled operator or supervisor). */
  readonly to?: string | undefined;
  readonly reason?: string | undefined;
  readonly note?: string | undefined;
}

/** What a request does to one case: the new state and owner, the event's fields. */
export interface Step {
  readonly from: CaseState;
  readonly to: CaseState;
  readonly owner: string | null;
  /** The closing's reason (close, approve), or the pending one (close needing approval). */
  readonly reason: Reason | null;
  readonly note: string | null;
  /** With state pending_approval: the maker and the closing that waits. */
  readonly maker: string | null;
  readonly pendingReason: Reason | null;
  readonly pendingNote: string | null;
}

/** The field of a request a refusal is about: the spreadsheet loop names its column. */
export type RequestField = 'action' | 'reason' | 'note' | 'owner';

/** A request refused for one case: said in one line, naming the case and what was wrong. */
export class CaseRefusal extends UsageError {
  constructor(
    readonly findingId: string,
    why: string,
    readonly field: RequestField = 'action',
  ) {
    super(`${findingId}: ${why}`);
    this.name = 'CaseRefusal';
  }
}

/**
 * Checks a request against the table and the rules of four eyes; returns what it does to the case,
 * or throws CaseRefusal saying why not. `threshold`: the store's approval threshold in minor units.
 */
export function plan(c: CaseView, r: Request, threshold: number): Step {
  const t = TRANSITIONS[r.action];
  const refuse = (why: string, field: RequestField = 'action'): never => {
    throw new CaseRefusal(c.findingId, why, field);
  };
  if (!roleAtLeast(r.role, t.role)) refuse(`${r.action} needs the role ${t.role}; ${r.actor} is a ${r.role}`);
  if (!t.from.includes(c.state))
    refuse(`cannot ${r.action} a case that is ${c.state.replace('_', ' ')} (only ${t.from.join(', ')})`);
  const note = r.note === undefined || r.note.trim() === '' ? null : r.note;
  const keep = {
    maker: null,
    pendingReason: null,
    pendingNote: null,
  };
  // An operator acting on a new or reopened case becomes its owner.
  const takes = c.state === 'new' || c.state === 'reopened';
  switch (r.action) {
    case 'assign': {
      if (r.to === undefined || r.to === '') refuse('assign needs --to (the new owner)', 'owner');
      return { from: c.state, to: 'assigned', owner: r.to!, reason: null, note, ...keep };
    }
    case 'note': {
      if (note === null) refuse('a note needs its text (-m)', 'note');
      if (takes) return { from: c.state, to: 'assigned', owner: r.actor, reason: null, note, ...keep };
      return {
        from: c.state,
        to: c.state,
        owner: c.owner,
        reason: null,
        note,
        maker: c.maker,
        pendingReason: c.pendingReason,
        pendingNote: c.pendingNote,
      };
    }
    case 'close': {
      const reason = checkReason(c.findingId, r.reason);
      if (NOTE_REASONS.includes(reason) && note === null)
        refuse(`closing as ${reason} needs a note saying why (-m)`, 'note');
      const owner = takes ? r.actor : c.owner;
      if (FOUR_EYES_REASONS.includes(reason) || c.amountAtStake >= threshold)
        return {
          from: c.state,
          to: 'pending_approval',
          owner,
          reason,
          note,
          maker: r.actor,
          pendingReason: reason,
          pendingNote: note,
        };
      return { from: c.state, to: 'closed', owner, reason, note, ...keep };
    }
    case 'approve': {
      if (c.maker === r.actor) refuse(`${r.actor} made this closing: another supervisor approves it (four eyes)`);
      return { from: c.state, to: 'closed', owner: c.owner, reason: c.pendingReason, note, ...keep };
    }
    case 'reject': {
      if (c.maker === r.actor) refuse(`${r.actor} made this closing: another supervisor rejects it (four eyes)`);
      if (note === null) refuse("a rejection needs the checker's note saying why (-m)", 'note');
      return { from: c.state, to: 'assigned', owner: c.owner ?? c.maker, reason: null, note, ...keep };
    }
    case 'reopen':
      return { from: c.state, to: 'reopened', owner: c.owner, reason: null, note, ...keep };
  }
}

function checkReason(findingId: string, reason: string | undefined): Reason {
  if (reason === undefined || reason === '')
    throw new CaseRefusal(findingId, `close needs --reason (one of ${PEOPLE_REASONS.join(', ')})`, 'reason');
  const r = reason.toUpperCase() as Reason;
  if (!PEOPLE_REASONS.includes(r))
    throw new CaseRefusal(
      findingId,
      r === 'RESOLVED_BY_RUN'
        ? "RESOLVED_BY_RUN is the engine's reason: a run gives it when it resolves the finding"
        : `unknown reason "${reason}" (one of ${PEOPLE_REASONS.join(', ')})`,
      'reason',
    );
  return r;
}
