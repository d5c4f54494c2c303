/**
 * The people who work the findings (DESIGN §10): recon.user, with a role (viewer | operator |
 * supervisor) and, for the console, a password stored as an scrypt hash. Every change to a user is an
 * event in the audit trail. CLI actions name their actor (--as or RECON_USER), who must be an enabled
 * user with the role the action needs (`actorOf`).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { UsageError } from '../core/usage-error.js';
import type { Store } from '../store/store.js';
import { appendEvents } from './audit-chain.js';
import { ROLES, type Role, roleAtLeast } from './case-states.js';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, o: object) => Promise<Buffer>;

/**
 * scrypt's cost: N = 2^15, r = 8, p = 3, one of OWASP's equivalent minimums (Password Storage Cheat
 * Sheet: N = 2^17 with p = 1, or N = 2^15 with p = 3, …): 32 MiB of memory per hash instead of 128.
 * The parameters are stored with each hash, so they can be raised without breaking old passwords.
 */
const COST = { N: 1 << 15, r: 8, p: 3, maxmem: 64 << 20 };
const KEY_BYTES = 32;
/** Shortest password accepted: a console reachable by others needs more than a PIN. */
export const MIN_PASSWORD = 12;

export interface User {
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly hasPassword: boolean;
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_BYTES, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), want.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: COST.maxmem,
  });
  return got.length === want.length && timingSafeEqual(got, want);
}

export async function findUser(store: Store, name: string): Promise<User | undefined> {
  const rows = await store.query<{ name: string; role: Role; disabled: boolean; has_password: boolean }>(
    'select name, role, disabled, password_hash is not null as has_password from recon.user where name = $1',
    [name],
  );
  const u = rows[0];
  return u && { name: u.name, role: u.role, disabled: u.disabled, hasPassword: u.has_password };
}

export async function listUsers(store: Store): Promise<User[]> {
  const rows = await store.query<{ name: string; role: Role; disabled: boolean; has_password: boolean }>(
    'select name, role, disabled, password_hash is not null as has_password from recon.user order by name',
  );
  return rows.map((u) => ({ name: u.name, role: u.role, disabled: u.disabled, hasPassword: u.has_password }));
}

/**
 * The user acting, who must exist, be enabled and have at least `role`. `name` undefined: no --as
 * and no RECON_USER.
 */
export async function actorOf(store: Store, name: string | undefined, role: Role, what: string): Promise<User> {
  if (name === undefined || name === '')
    throw new UsageError(`${what} needs its actor: give --as NAME or set RECON_USER (a user with the role ${role})`);
  const u = await findUser(store, name);
  if (!u) throw new UsageError(`no user "${name}" (recon user add ${name} --role ${role})`);
  if (u.disabled) throw new UsageError(`user ${name} is disabled`);
  if (!roleAtLeast(u.role, role)) throw new UsageError(`${what} needs the role ${role}; ${name} is a ${u.role}`);
  return u;
}

function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role))
    throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(role)})`);
  return role as Role;
}

/**
 * Adds a user. The first user of a store may be added by anyone (someone has to be first) and must
 * be a supervisor; after that, only a supervisor adds users.
 */
export async function addUser(tx: Store, name: string, role: string, actor: string | undefined): Promise<User> {
  const r = checkRole(role);
  const count = await tx.query<{ n: number }>('select count(*)::int as n from recon.user');
  const first = (count[0]?.n ?? 0) === 0;
  let by = actor ?? name;
  if (first) {
    if (r !== 'supervisor')
      throw new UsageError(
        `the first user of a store must be a supervisor (who then adds the others): --role supervisor`,
      );
  } else by = (await actorOf(tx, actor, 'supervisor', 'adding a user')).name;
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(name))
    throw new UsageError(
      `a user name is 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit (got ${JSON.stringify(name)})`,
    );
  if (await findUser(tx, name)) throw new UsageError(`user ${name} exists already`);
  await tx.query('insert into recon.user (name, role) values ($1, $2)', [name, r]);
  await appendEvents(tx, [
    {
      actor: by,
      finding_id: null,
      action: 'user_add',
      from_state: null,
      to_state: null,
      reason: null,
      note: null,
      details: { user: name, role: r, ...(first ? { first: true } : {}) },
    },
  ]);
  return { name, role: r, disabled: false, hasPassword: false };
}

export async function disableUser(tx: Store, name: string, actor: string | undefined): Promise<void> {
  const by = await actorOf(tx, actor, 'supervisor', 'disabling a user');
  const u = await findUser(tx, name);
  if (!u) throw new UsageError(`no user "${name}"`);
  if (u.disabled) throw new UsageError(`user ${name} is disabled already`);
  await tx.query('update recon.user set disabled = true where name = $1', [name]);
  await appendEvents(tx, [
    {
      actor: by.name,
      finding_id: null,
      action: 'user_disable',
      from_state: null,
      to_state: null,
      reason: null,
      note: null,
      details: { user: name },
    },
  ]);
}

/**
 * Sets a user's console password. A user sets their own; a supervisor sets anyone's (a new user's
 * first password). The password itself is never stored or logged, nor put in the event.
 */
export async function setPassword(tx: Store, name: string, password: string, actor: string | undefined): Promise<void> {
  const u = await findUser(tx, name);
  if (!u) throw new UsageError(`no user "${name}"`);
  const by =
    actor === name
      ? await actorOf(tx, actor, 'viewer', 'setting a password')
      : await actorOf(tx, actor, 'supervisor', "setting another user's password");
  if ([...password].length < MIN_PASSWORD) throw new UsageError(`a password needs at least ${MIN_PASSWORD} characters`);
  await tx.query('update recon.user set password_hash = $2 where name = $1', [name, await hashPassword(password)]);
  await appendEvents(tx, [
    {
      actor: by.name,
      finding_id: null,
      action: 'user_passwd',
      from_state: null,
      to_state: null,
      reason: null,
      note: null,
      details: { user: name },
    },
  ]);
}

/** For the console's login: the user when the name and password are right and the user is enabled. */
export async function checkLogin(store: Store, name: string, password: string): Promise<User | undefined> {
  const rows = await store.query<{ role: Role; disabled: boolean; password_hash: string | null }>(
    'select role, disabled, password_hash from recon.user where name = $1',
    [name],
  );
  const u = rows[0];
  // The same work whether or not the user exists, so a wrong name answers as slowly as a wrong password.
  const ok = await passwordMatches(password, u?.password_hash ?? DUMMY_HASH);
  if (!u || !ok || u.disabled || u.password_hash === null) return undefined;
  return { name, role: u.role, disabled: false, hasPassword: true };
}

/** A hash no password matches (its key is random), checked when the user does not exist. */
const DUMMY_HASH = `scrypt$${COST.N}$${COST.r}$${COST.p}$${randomBytes(16).toString('base64')}$${randomBytes(KEY_BYTES).toString('base64')}`;
