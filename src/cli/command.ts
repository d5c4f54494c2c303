/**
 * A command of `recon` (DESIGN §8) is a module in commands/ exporting a `Command`; main.ts lists
 * them in the order of `recon --help`. A command reads its flags into the library's typed options
 * and calls the library (run, reports, store): nothing else.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { CliEnv, CliIo } from './cli-env.js';

/** What a command's handler works with: the streams and the environment `main` was given. */
export interface CliContext {
  readonly io: CliIo;
  readonly env: CliEnv;
}

export interface Command {
  /** What is typed after `recon` (or after its parent command, for a sub-command such as `db migrate`). */
  readonly name: string;
  /**
   * Adds the command to `cli` with yargs' `.command(name, help line, options, handler)`: the options
   * and their checks in the builder, so that the handler's flags are typed by them.
   */
  register(cli: Argv, ctx: CliContext): Argv;
}

/**
 * The flags a command's options (the builder it gives yargs) declare, as its handler gets them:
 * for a handler cut into functions that take the flags.
 */
export type FlagsOf<Builder extends (y: Argv) => unknown> =
  ReturnType<Builder> extends Argv<infer Flags> ? ArgumentsCamelCase<Flags> : never;

/** "a", "a or b", "a, b or c". */
function orList(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/**
 * `commands` added to `cli`, one of which must be given: without one, the usage error names them
 * all ("name a `what`: gen, run, … or db").
 */
export function addCommands(cli: Argv, commands: readonly Command[], ctx: CliContext, what: string): Argv {
  let withCommands = cli;
  for (const command of commands) withCommands = command.register(withCommands, ctx);
  return withCommands.demandCommand(1, `name a ${what}: ${orList(commands.map((c) => c.name))}`);
}
