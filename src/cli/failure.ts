/**
 * How a command's failure ends: one line on stderr (its message, printable) and an exit code
 * (README "Exit codes"), never a stack trace unless RECON_DEBUG=1.
 */
import type { Writable } from 'node:stream';
import { printable } from '../core/printable.js';
import { UsageError } from '../core/usage-error.js';
import { InputError } from '../inputs/errors.js';
import { StoreError } from '../store/store.js';
import { EXIT_INPUT, EXIT_INTERNAL, EXIT_STORE, EXIT_USAGE } from './exit-codes.js';

/**
 * A command's outcome that is neither a usage, input or store error nor a bug, with its own exit code:
 * `recon audit verify` on a broken trail (exit 1, naming the first event that does not fit).
 */
export class ExitWith extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ExitWith';
  }
}

export function exitCodeOf(e: unknown): number {
  if (e instanceof ExitWith) return e.code;
  if (e instanceof UsageError) return EXIT_USAGE;
  if (e instanceof InputError) return EXIT_INPUT;
  if (e instanceof StoreError) return EXIT_STORE;
  return EXIT_INTERNAL;
}

/** yargs' messages of a wrong command line, after which recon points to its help. */
const SEE_HELP = /^(Missing required|Unknown argument|Not enough|Invalid values|Arguments .* mutually exclusive)/;

/** Writes the failure `e` to `stderr` (its stack too when `debug`) and returns its exit code. */
export function reportFailure(e: unknown, stderr: Writable, debug: boolean): number {
  const code = exitCodeOf(e);
  const msg = e instanceof Error ? e.message : String(e);
  const internal = code === EXIT_INTERNAL && !(e instanceof ExitWith);
  stderr.write(`recon: ${internal ? 'internal error: ' : ''}${printable(msg)}\n`);
  if (code === EXIT_USAGE && e instanceof UsageError && SEE_HELP.test(msg)) {
    stderr.write('recon: see recon --help\n');
  }
  if (debug && e instanceof Error && e.stack) stderr.write(`${e.stack}\n`);
  return code;
}
