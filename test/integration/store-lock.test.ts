/**
 * The embedded store's lock (src/store/store-lock.ts) under contention: processes that start at the
 * same moment take it one at a time — with a free lock, after a stale lock left by a dead process,
 * and while holders die holding it (each stale lock is broken by exactly one of the others). What
 * is checked is the intervals the holders logged (one clock for all processes): no two overlap,
 * and every contender got its turn. Refusals name the holder.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/package-path.js';
import { lockStore } from '../../src/store/store-lock.js';
import { tempDir } from '../helpers/chain.js';

const CONTENDER = packagePath('test/helpers/lock-contender.mjs');
const N = 6;

function exited(args: string[]): Promise<{ code: number | null; pid: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, pid: child.pid!, stderr }));
  });
}

/** A pid that no process has now: one of a process that has exited. */
async function deadPid(): Promise<number> {
  return (await exited(['-e', ''])).pid;
}

interface Held {
  pid: number;
  from: bigint;
  to: bigint;
}

async function contend(dir: string, stale: string | null): Promise<{ held: Held[]; leftovers: string[] }> {
  if (stale !== null) writeFileSync(`${dir}.lock`, stale);
  const log = `${dir}.log`;
  writeFileSync(log, '');
  const startAt = String(Date.now() + 800);
  const runs = Array.from({ length: N }, (_, i) =>
    exited([CONTENDER, dir, startAt, '25', log, i % 2 === 0 ? 'leave' : 'release']),
  );
  for (const r of await Promise.all(runs)) expect(r.code, r.stderr).toBe(0);
  const held = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [pid, from, to] = l.split(' ');
      return { pid: Number(pid), from: BigInt(from!), to: BigInt(to!) };
    })
    .sort((a, b) => (a.from < b.from ? -1 : 1));
  const leftovers = readdirSync(dirname(dir)).filter((f) => f.startsWith(`${basename(dir)}.lock`));
  return { held, leftovers };
}

function expectOneAtATime(held: Held[]): void {
  expect(held).toHaveLength(N);
  expect(new Set(held.map((h) => h.pid)).size).toBe(N);
  for (let i = 1; i < held.length; i++) {
    expect(
      held[i]!.from >= held[i - 1]!.to,
      `pid ${held[i]!.pid} took the lock while ${held[i - 1]!.pid} held it`,
    ).toBe(true);
  }
}

describe('the embedded store lock', () => {
  it(`lets ${N} processes started at the same moment in one at a time, while half of them die holding it`, async () => {
    const dir = join(tempDir('lock'), 'db');
    const { held, leftovers } = await contend(dir, null);
    expectOneAtATime(held);
    // No temporary record or claim stays behind; at most the lock of the last holder, if it died.
    expect(leftovers.filter((f) => f !== 'db.lock')).toEqual([]);
  });

  it('breaks a stale lock of a dead process only once, whichever form it was written in', async () => {
    for (const stale of [
      JSON.stringify({ pid: await deadPid(), start: '1', since: '2026-11-20T01:00:00Z', command: 'recon run' }),
      `${await deadPid()} 12345`, // the form of earlier versions
      `${process.pid} 1`, // a live pid, but not the process that wrote it (reused after a crash)
      '', // an empty file (never written by this version, which links a complete record)
    ]) {
      const dir = join(tempDir('lock-stale'), 'db');
      const { held, leftovers } = await contend(dir, stale);
      expectOneAtATime(held);
      expect(leftovers.filter((f) => f !== 'db.lock')).toEqual([]);
    }
  });

  it('refuses while a live process holds it, naming that process, and is free again once released', () => {
    const dir = join(tempDir('lock-live'), 'db');
    const release = lockStore(dir);
    const record = JSON.parse(readFileSync(`${dir}.lock`, 'utf8')) as { pid: number; since: string; command: string };
    expect(record.pid).toBe(process.pid);
    expect(() => lockStore(dir)).toThrow(/is already open in this process/);
    // Another live holder, as a second process sees it.
    writeFileSync(`${dir}.lock`, JSON.stringify({ ...record, pid: process.ppid, start: undefined }));
    expect(() => lockStore(dir)).toThrow(
      new RegExp(`is in use by another recon process \\(pid ${process.ppid}, recon[^,]*, since ${record.since}\\)`),
    );
    release(); // not ours any more: left alone
    expect(readFileSync(`${dir}.lock`, 'utf8')).toContain(`"pid":${process.ppid}`);
    writeFileSync(`${dir}.lock`, readFileSync(`${dir}.lock`, 'utf8').replace(`"pid":${process.ppid}`, '"pid":0'));
    const again = lockStore(dir);
    again();
    expect(readdirSync(dirname(dir)).filter((f) => f.startsWith('db.lock'))).toEqual([]);
  });
});
