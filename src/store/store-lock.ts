/**
 * The embedded store's lock: PGlite is one process's database, so a process that opens a store
 * directory `D` first takes the lock file `D.lock`, and every other process is refused (never
 * interleaved) until it is released.
 *
 * Vocabulary:
 * - holder: the process whose record is in `D.lock`: `{"pid", "start", "since", "command"}`, where
 *   `start` is its start time in clock ticks since boot (/proc/PID/stat field 22), so that a pid
 *   reused by another process after a crash or a reboot is not taken for the holder.
 * - stale: a lock whose holder no longer runs (killed, crashed, a zombie, or its pid reused).
 *
 * Why it is safe without a kernel lock (Node has no flock):
 * - Taking: the record is written to a private file first, then hard-linked to `D.lock`. link(2)
 *   fails if the name exists, so exactly one process wins and the lock never exists without its
 *   record (an empty or half-written lock cannot be seen).
 * - Breaking a stale lock: only the process that wins a second link, to a claim named after the
 *   stale record (`D.lock.break-<id>`), may remove it, and it removes `D.lock` only if it still
 *   holds that record. A record names one process's life, so no one can put it back once removed:
 *   the check and the removal cannot be overtaken by a fresh holder. A claim whose own maker died
 *   is broken the same way, one level up. Losers go back to taking the lock, where link decides.
 */
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './store.js';

/** What a lock file says of its holder. */
export interface LockHolder {
  pid: number;
  /** Clock ticks since boot at the holder's start; undefined where /proc is not there. */
  start: string | undefined;
  /** When it took the lock (ISO 8601), if recorded. */
  since: string | undefined;
  /** The holder's command line (recon's arguments), if recorded. */
  command: string | undefined;
  /** The file's text: the holder's identity when breaking a stale lock. */
  text: string;
}

/** Attempts at taking the lock before giving up under contention (each failed one moves on by a step). */
const MAX_ATTEMPTS = 200;

/**
 * A process's start time (clock ticks since boot, /proc/PID/stat field 22) and whether it is a
 * zombie; null where /proc is not there (not Linux) or the process is gone.
 */
function procStat(pid: number): { start: string; zombie: boolean } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; fields follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { start: fields[19] ?? '', zombie: fields[0] === 'Z' };
  } catch {
    return null;
  }
}

/** Whether the holder still runs: its pid is alive, not a zombie, and started when it recorded. */
export function holderAlive(h: Pick<LockHolder, 'pid' | 'start'>): boolean {
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const st = procStat(h.pid);
  if (st === null) return true;
  if (st.zombie) return false;
  return h.start === undefined || h.start === st.start;
}

/** Reads a lock (or claim) file; null when it is gone. Records of older versions ("pid start") are read too. */
export function readHolder(path: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (typeof o.pid === 'number') {
      const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
      return { pid: o.pid, start: str(o.start), since: str(o.since), command: str(o.command), text };
    }
  } catch {
    // not JSON: the older "pid start" form
  }
  const [pidText, start] = text.trim().split(/\s+/);
  return { pid: Number(pidText), start, since: undefined, command: undefined, text };
}

function describeHolder(h: LockHolder): string {
  const parts = [`pid ${h.pid}`];
  if (h.command) parts.push(h.command);
  if (h.since) parts.push(`since ${h.since}`);
  return parts.join(', ');
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** Sleeps the thread briefly: another process is in the middle of a step we wait for. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Removes the stale lock (or claim) at `path` whose record is `stale`, if this process wins the
 * right to: see the module comment. Returns when this attempt is over, whatever its outcome; the
 * caller looks again.
 */
function breakStale(path: string, stale: LockHolder, record: string, depth: number): void {
  if (depth > 8) throw new StoreError(`cannot clear the stale lock ${path}: too many stale claims beside it`);
  const claim = `${path}.break-${createHash('sha256').update(stale.text).digest('hex').slice(0, 16)}`;
  try {
    linkSync(record, claim);
  } catch (e) {
    if (code(e) !== 'EEXIST') throw e;
    const breaker = readHolder(claim);
    if (breaker === null) return;
    if (holderAlive(breaker)) pause(2);
    else breakStale(claim, breaker, record, depth + 1); // its maker died while breaking
    return;
  }
  try {
    if (readHolder(path)?.text === stale.text) unlinkSync(path);
  } finally {
    unlinkSync(claim);
  }
}

/**
 * Takes the lock of the embedded store `dir` (the file `${dir}.lock`), or throws a StoreError naming
 * the process that holds it. Returns the release, which removes the lock only while it is still ours.
 */
export function lockStore(dir: string): () => void {
  const path = `${dir}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  const self = procStat(process.pid);
  const text = `${JSON.stringify({
    pid: process.pid,
    start: self?.start,
    since: new Date().toISOString(),
    command: ['recon', ...process.argv.slice(2)].join(' ').slice(0, 200),
  })}\n`;
  const record = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(record, text, { flag: 'wx' });
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        linkSync(record, path);
        return () => {
          // Only our own lock: a lock that is not ours was never ours to remove.
          if (readHolder(path)?.text === text) unlinkSync(path);
        };
      } catch (e) {
        if (code(e) !== 'EEXIST') throw e;
      }
      const holder = readHolder(path);
      if (holder === null) continue; // released in between: try again
      if (holder.pid === process.pid && holder.start === self?.start) {
        throw new StoreError(`the embedded store ${dir} is already open in this process`);
      }
      if (Number.isInteger(holder.pid) && holder.pid > 0 && holderAlive(holder)) {
        // The console holds the store for as long as it runs: waiting would not help.
        const serving = holder.command?.startsWith('recon serve') === true;
        throw new StoreError(
          `the embedded store ${dir} is in use by another recon process (${describeHolder(holder)}); ${
            serving
              ? 'it is the console (recon serve), which holds an embedded store while it runs: stop it first, or put the store on a PostgreSQL server, which the console and runs share'
              : 'wait for it to finish'
          }`,
        );
      }
      breakStale(path, holder, record, 0);
    }
    throw new StoreError(`could not lock the embedded store ${dir}: other processes kept taking and breaking its lock`);
  } finally {
    unlinkSync(record);
  }
}
