/**
 * How a command's failure ends: one line on stderr (its message, printable) and an exit code
 * (README "Exit codes"), never a stack trace unless RECON_DEBUG=1.
 */
import type { Writable } from 'node:stream';
import { UsageError } from '../core/usage-error.js';
import { InputError } from '../inputs/errors.js';
import { StoreError } from '../store/store.js';
import { EXIT_INPUT, EXIT_INTERNAL, EXIT_STORE, EXIT_USAGE } from './exit-codes.js';

export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return EXIT_USAGE;
  if (e instanceof InputError) return EXIT_INPUT;
  if (e instanceof StoreError) return EXIT_STORE;
  return EXIT_INTERNAL;
}

/**
 * Characters a message must not print as they are: controls (C0 with the line break, DEL, C1), the
 * line and paragraph separators, lone surrogates, and invisible format characters (bidi overrides,
 * zero-width spaces, the BOM) except the joiners that Arabic, Indic scripts and emoji need.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/**
 * A message as one line that shows what it holds: each UNPRINTABLE character escaped as \uXXXX (a
 * UTF-16 file's NUL bytes, a file name's line break or terminal escape), any other text, Chinese
 * file and column names included, as it is. Every failure `main` reports passes through here.
 */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    if (c === '\u200c' || c === '\u200d') return c;
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/** yargs' messages of a wrong command line, after which recon points to its help. */
const SEE_HELP = /^(Missing required|Unknown argument|Not enough|Invalid values|Arguments .* mutually exclusive)/;

/** Writes the failure `e` to `stderr` (its stack too when `debug`) and returns its exit code. */
export function reportFailure(e: unknown, stderr: Writable, debug: boolean): number {
  const code = exitCodeOf(e);
  const msg = e instanceof Error ? e.message : String(e);
  stderr.write(`recon: ${code === EXIT_INTERNAL ? 'internal error: ' : ''}${printable(msg)}\n`);
  if (code === EXIT_USAGE && e instanceof UsageError && SEE_HELP.test(msg)) {
    stderr.write('recon: see recon --help\n');
  }
  if (debug && e instanceof Error && e.stack) stderr.write(`${e.stack}\n`);
  return code;
}
