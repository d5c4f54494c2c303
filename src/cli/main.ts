/**
 * The `recon` command line (DESIGN §8): yargs commands that read flags into typed options and call
 * the library. `main` reads the environment once (cli-env.ts) and writes to the streams it is given
 * (CliIo): bin/recon gives the process's, tests their own. Every failure ends as one line on stderr
 * and an exit code (failure.ts). Each command's own modules (the generator, the report, the export,
 * replay, status) are loaded by its handler: `recon run`, every night, does not pay for compiling
 * the others.
 */

import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError } from '../core/usage-error.js';
import { checkChoices } from './checks.js';
import { type CliEnv, type CliIo, cliEnv, processIo } from './cli-env.js';
import { addCommands, type Command } from './command.js';
import { auditCommand } from './commands/audit.js';
import { caseCommand } from './commands/case.js';
import { casesCommand } from './commands/cases.js';
import { dbCommand } from './commands/db.js';
import { exceptionsCommand } from './commands/exceptions.js';
import { genCommand } from './commands/gen.js';
import { rejectsCommand } from './commands/rejects.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { userCommand } from './commands/user.js';
import { reportFailure } from './failure.js';

/**
 * The commands of `recon`, in the order of its help and of the list a command line without one
 * gets. A new command is a module in commands/ (command.ts says what it exports) and a line here.
 */
const COMMANDS: readonly Command[] = [
  genCommand,
  runCommand,
  exceptionsCommand,
  rejectsCommand,
  reportCommand,
  statusCommand,
  casesCommand,
  caseCommand,
  userCommand,
  auditCommand,
  serveCommand,
  dbCommand,
];

/**
 * The command line of `argv`: the COMMANDS, and the settings of them all. yargs' own messages are
 * in English whatever LANG or LC_ALL say (.locale), as recon's are; .fail keeps the first line of
 * yargs' text (the lines below it list details), and choices are checked by checkChoices before
 * yargs would.
 */
export function buildCli(argv: string[], io: CliIo, env: CliEnv = cliEnv(io.env)): Argv {
  const cli = yargs(argv)
    .scriptName('recon')
    .locale('en')
    .usage(
      '$0 <command> [options]\n\nNightly settlement reconciliation of POS terminal journals against acquirer clearing files.',
    );
  return addCommands(cli, COMMANDS, { io, env }, 'command')
    .strict()
    .help()
    .version(false)
    .wrap(Math.min(110, io.stdout.columns ?? 100))
    .middleware(checkChoices as (argv: Record<string, unknown>) => void, true)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg.split('\n')[0]!);
    });
}

/**
 * yargs renders a command's whole help text before running its handler, to have it ready should
 * the handler fail; recon reports a failure in one line (.fail above) and never shows that text.
 * Rendering `run`'s help took ~60 ms of every run's start (string widths of each option line).
 * This reaches into yargs' usage object (not public API): where it is not there, nothing changes.
 */
function skipHelpCache(cli: Argv): void {
  type Internal = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (cli as unknown as Internal).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

export async function main(argv = hideBin(process.argv), io: CliIo = processIo()): Promise<number> {
  const env = cliEnv(io.env);
  if (io.stdout === process.stdout) {
    // A reader that stops early (`recon exceptions … | head`) is not an error.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  try {
    const cli = buildCli(argv, io, env);
    skipHelpCache(cli);
    await cli.parseAsync();
    return 0;
  } catch (e) {
    return reportFailure(e, io.stderr, env.debug);
  }
}
