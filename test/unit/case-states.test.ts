/**
 * The transitions of a case (src/cases/case-states.ts `plan`): who may do what from which state,
 * four eyes (WRITTEN_OFF, or a closing at or above the threshold, waits for another supervisor), and
 * the reasons that need a note. Each refusal says why in words a person can act on.
 */
import { describe, expect, it } from 'vitest';
import { type CaseView, plan, type Request, TRANSITIONS } from '../../src/cases/case-states.js';
import { hashPassword, passwordMatches } from '../../src/cases/users.js';

const THRESHOLD = 1_000_000;
const base: CaseView = {
  findingId: 'FAAAAAAAAAAAA',
  state: 'new',
  owner: null,
  maker: null,
  pendingReason: null,
  pendingNote: null,
  amountAtStake: 10_000,
};
const olga: Pick<Request, 'actor' | 'role'> = { actor: 'olga', role: 'operator' };
const sue: Pick<Request, 'actor' | 'role'> = { actor: 'sue', role: 'supervisor' };
const sam: Pick<Request, 'actor' | 'role'> = { actor: 'sam', role: 'supervisor' };
const vic: Pick<Request, 'actor' | 'role'> = { actor: 'vic', role: 'viewer' };

describe('plan', () => {
  it('lets an operator acting on a new case own it, and close it with a reason', () => {
    expect(plan(base, { ...olga, action: 'note', note: 'called the acquirer' }, THRESHOLD)).toMatchObject({
      from: 'new',
      to: 'assigned',
      owner: 'olga',
    });
    expect(plan(base, { ...olga, action: 'close', reason: 'merchant_confirmed' }, THRESHOLD)).toMatchObject({
      to: 'closed',
      owner: 'olga',
      reason: 'MERCHANT_CONFIRMED',
    });
    expect(
      plan({ ...base, state: 'assigned', owner: 'ann' }, { ...olga, action: 'assign', to: 'olga' }, THRESHOLD),
    ).toMatchObject({
      to: 'assigned',
      owner: 'olga',
    });
  });

  it('refuses what a role may not do, and actions from the wrong state', () => {
    expect(() => plan(base, { ...vic, action: 'close', reason: 'RECOVERED' }, THRESHOLD)).toThrow(
      'FAAAAAAAAAAAA: close needs the role operator; vic is a viewer',
    );
    expect(() =>
      plan({ ...base, state: 'pending_approval', maker: 'olga' }, { ...olga, action: 'approve' }, THRESHOLD),
    ).toThrow('approve needs the role supervisor');
    expect(() =>
      plan({ ...base, state: 'closed' }, { ...olga, action: 'close', reason: 'RECOVERED' }, THRESHOLD),
    ).toThrow('cannot close a case that is closed (only new, assigned, reopened)');
    expect(() => plan(base, { ...olga, action: 'reopen' }, THRESHOLD)).toThrow('cannot reopen a case that is new');
    for (const [action, from] of Object.entries(TRANSITIONS)) expect(from.from.length, action).toBeGreaterThan(0);
  });

  it('needs a reason, a known one, and a note for WRITTEN_OFF and NOT_AN_ERROR', () => {
    expect(() => plan(base, { ...olga, action: 'close' }, THRESHOLD)).toThrow('close needs --reason');
    expect(() => plan(base, { ...olga, action: 'close', reason: 'PAID' }, THRESHOLD)).toThrow('unknown reason "PAID"');
    expect(() => plan(base, { ...olga, action: 'close', reason: 'RESOLVED_BY_RUN' }, THRESHOLD)).toThrow(
      "the engine's reason",
    );
    expect(() => plan(base, { ...olga, action: 'close', reason: 'NOT_AN_ERROR' }, THRESHOLD)).toThrow('needs a note');
    expect(() => plan(base, { ...olga, action: 'close', reason: 'WRITTEN_OFF', note: '  ' }, THRESHOLD)).toThrow(
      'needs a note',
    );
    expect(plan(base, { ...olga, action: 'close', reason: 'NOT_AN_ERROR', note: 'test terminal' }, THRESHOLD).to).toBe(
      'closed',
    );
  });

  it('sends WRITTEN_OFF, and any closing at or above the threshold, to a checker who is not the maker', () => {
    const written = plan(base, { ...olga, action: 'close', reason: 'WRITTEN_OFF', note: 'under 1 yuan' }, THRESHOLD);
    expect(written).toMatchObject({ to: 'pending_approval', maker: 'olga', pendingReason: 'WRITTEN_OFF' });
    const big = { ...base, amountAtStake: THRESHOLD };
    expect(plan(big, { ...olga, action: 'close', reason: 'RECOVERED' }, THRESHOLD).to).toBe('pending_approval');
    expect(
      plan({ ...big, amountAtStake: THRESHOLD - 1 }, { ...olga, action: 'close', reason: 'RECOVERED' }, THRESHOLD).to,
    ).toBe('closed');
    // A supervisor's own closing needs another supervisor too.
    const own = plan(big, { ...sue, action: 'close', reason: 'RECOVERED' }, THRESHOLD);
    expect(own).toMatchObject({ to: 'pending_approval', maker: 'sue' });
    const pending: CaseView = {
      ...big,
      state: 'pending_approval',
      owner: 'sue',
      maker: 'sue',
      pendingReason: 'RECOVERED',
    };
    expect(() => plan(pending, { ...sue, action: 'approve' }, THRESHOLD)).toThrow(
      'sue made this closing: another supervisor approves it (four eyes)',
    );
    expect(plan(pending, { ...sam, action: 'approve' }, THRESHOLD)).toMatchObject({
      to: 'closed',
      reason: 'RECOVERED',
    });
    // A rejection returns it to assigned, with the checker's note.
    expect(() => plan(pending, { ...sam, action: 'reject' }, THRESHOLD)).toThrow("needs the checker's note");
    expect(plan(pending, { ...sam, action: 'reject', note: 'get the bank slip' }, THRESHOLD)).toMatchObject({
      to: 'assigned',
      owner: 'sue',
      note: 'get the bank slip',
      maker: null,
      pendingReason: null,
    });
  });
});

describe('passwords', () => {
  it('are scrypt hashes with their parameters and a salt: the same password hashes differently, and matches', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await passwordMatches('correct horse battery', a)).toBe(true);
    expect(await passwordMatches('correct horse batterY', a)).toBe(false);
    expect(await passwordMatches('x', 'plain')).toBe(false);
  });
});
