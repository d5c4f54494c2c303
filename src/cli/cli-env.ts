/**
 * What the CLI reads and where it writes: the environment (DATABASE_URL, RECON_DEBUG,
 * RECON_PROGRESS_SECONDS, RECON_SHARED_BUFFERS, RECON_FAULT, RECON_USER, RECON_TODAY), read here, once (cliEnv, STYLE 4), and
 * the streams `main` is given (CliIo): bin/recon gives the process's, tests their own.
 */
import type { Writable } from 'node:stream';
import { type Fault, parseFault } from '../core/fault.js';
import type { Pool } from '../run/pool.js';
import type { StoreTarget } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/** What the CLI takes from the environment, read once by `main`. */
export interface CliEnv {
  databaseUrl: string | undefined;
  debug: boolean;
  /** Interval of the plain progress lines (RECON_PROGRESS_SECONDS, default 10 s). */
  progressEveryMs: number;
  /** shared_buffers of an embedded store (RECON_SHARED_BUFFERS, e.g. 16MB); PostgreSQL's default when unset. */
  sharedBuffers: string | undefined;
  /** A fault for `run` to inject (RECON_FAULT, the crash tests' switch: core/fault.ts). */
  fault: Fault | undefined;
  /** Who acts on cases and users when --as is not given (RECON_USER). */
  user: string | undefined;
  /**
   * The date "overdue" counts from (RECON_TODAY, YYYY-MM-DD): by default today in the zone of the
   * latest run; set for scripts that report as of a date, and for tests.
   */
  today: string | undefined;
}

/**
 * Where the CLI writes and what environment it reads: the process's by default (bin/recon);
 * tests run commands in-process with their own streams and environment.
 */
export interface CliIo {
  stdout: Writable & { columns?: number };
  stderr: Writable & { isTTY?: boolean };
  /** What `recon user passwd` reads the new password from (the process's stdin by default). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /**
   * A worker pool for `run` to use instead of starting its own (a program that embeds recon, or
   * tests running many commands); its size stands for --workers, and its owner destroys it.
   */
  pool?: Pool;
  /**
   * Opens the store a command names, instead of openStore (a program that embeds recon and keeps
   * its stores open between commands, or tests running many commands on one store). The command
   * closes what it gets when it ends; what that does is the opener's to say.
   */
  openStore?: (target: StoreTarget, lean: boolean) => Promise<Store>;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/**
 * Reads the environment once (STYLE 4): DATABASE_URL, RECON_DEBUG, RECON_PROGRESS_SECONDS,
 * RECON_SHARED_BUFFERS, RECON_FAULT, RECON_USER, RECON_TODAY.
 */
export function cliEnv(env: CliIo['env']): CliEnv {
  const s = Number(env.RECON_PROGRESS_SECONDS ?? 10);
  return {
    databaseUrl: env.DATABASE_URL,
    debug: env.RECON_DEBUG === '1',
    progressEveryMs: Number.isFinite(s) && s > 0 ? s * 1000 : 10_000,
    sharedBuffers: env.RECON_SHARED_BUFFERS || undefined,
    fault: parseFault(env.RECON_FAULT),
    user: env.RECON_USER || undefined,
    today: env.RECON_TODAY || undefined,
  };
}
