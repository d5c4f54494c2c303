/**
 * The PostgreSQL role recon needs (README "Reliability"): a login role that owns schema recon, with
 * CONNECT and TEMPORARY on its database and nothing else, can migrate, run, re-run, replay and
 * export. A server-only concern (PGlite has no roles): this file runs when DATABASE_URL is set,
 * which CI always does.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { generateChain } from '../helpers/chain.js';
import { recon } from '../helpers/cli.js';
import { serverAdmin as as } from '../helpers/server-admin.js';

const serverUrl = process.env.DATABASE_URL;

describe.runIf(serverUrl)('a least-privilege PostgreSQL role', () => {
  const suffix = randomBytes(5).toString('hex');
  const db = `recon_role_${suffix}`;
  const role = `recon_app_${suffix}`;
  const at = (user: string | undefined, database: string): string => {
    const u = new URL(serverUrl!);
    if (user !== undefined) u.username = user;
    u.pathname = `/${database}`;
    return u.toString();
  };

  afterAll(async () => {
    await as(serverUrl!, async (c) => {
      await c.query(`drop database if exists ${db} with (force)`);
      await c.query(`drop role if exists ${role}`);
    });
  });

  it('migrates, runs, replays and exports with only its schema, CONNECT and TEMPORARY', async () => {
    await as(serverUrl!, async (c) => {
      await c.query(`create role ${role} login`);
      await c.query(`create database ${db}`);
    });
    await as(at(undefined, db), async (c) => {
      await c.query(`revoke all on database ${db} from public`);
      await c.query(`grant connect, temporary on database ${db} to ${role}`);
      await c.query(`create schema recon authorization ${role}`);
    });
    const url = at(role, db);
    const { dir } = generateChain('2026-11-16', 2, 1500, 41);
    expect((await recon(dir, ['db', 'migrate', '--db', url])).code).toBe(0);
    for (const d of ['2026-11-16', '2026-11-17', '2026-11-17']) {
      const r = await recon(dir, ['run', '--date', d, '--data-dir', dir, '--db', url, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
    }
    const replay = await recon(dir, [
      'run',
      '--date',
      '2026-11-16',
      '--data-dir',
      dir,
      '--db',
      url,
      '--quiet',
      '--replay',
    ]);
    expect(replay.code, replay.stderr).toBe(0);
    const x = await recon(dir, ['exceptions', '--date', '2026-11-17', '--db', url]);
    expect(x.code, x.stderr).toBe(0);
    expect(x.stdout.trim().split('\n').length).toBeGreaterThan(5);
    // …and the role really has no more than that.
    await as(url, async (c) => {
      await expect(c.query('create schema other')).rejects.toThrow(/permission denied for database/);
      await expect(c.query('create table public.t (a int)')).rejects.toThrow(/permission denied for schema public/);
    });
  });
});
