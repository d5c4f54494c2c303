/**
 * `recon user add|disable|passwd|list`: the people who work the findings (DESIGN §10; cases/users.ts).
 * The first user of a store is a supervisor anyone may add; after that a supervisor (--as or
 * RECON_USER) adds and disables users. `passwd` reads the new password from stdin (its first line),
 * never from a flag, which would leave it in the shell's history and in `ps`.
 */
import { UsageError } from '../../core/usage-error.js';
import type { Store } from '../../store/store.js';
import { addCommands, type Command } from '../command.js';
import { dbOption, withExistingStore, withStore } from '../store-access.js';

const asOption = { describe: 'who does it (default: $RECON_USER)', type: 'string' } as const;

const add: Command = {
  name: 'add',
  register: (cli, { io, env }) =>
    cli.command(
      'add <name>',
      'add a user (the first user of a store is a supervisor, added by anyone)',
      (y) =>
        y
          .positional('name', { describe: 'the user name', type: 'string', demandOption: true })
          .option('role', {
            describe: 'what the user may do',
            choices: ['viewer', 'operator', 'supervisor'] as const,
            demandOption: true,
          })
          .option('as', asOption)
          .option('db', dbOption),
      async (a) => {
        const { addUser } = await import('../../cases/users.js');
        await withStore({ io, env }, a.db, (store) =>
          store.transaction((tx) => addUser(tx, a.name, a.role, a.as ?? env.user)),
        );
        io.stdout.write(`user ${a.name} added, ${a.role}\n`);
      },
    ),
};

const disable: Command = {
  name: 'disable',
  register: (cli, { io, env }) =>
    cli.command(
      'disable <name>',
      'disable a user: no more logins or actions (the user stays in the audit trail)',
      (y) =>
        y
          .positional('name', { describe: 'the user name', type: 'string', demandOption: true })
          .option('as', asOption)
          .option('db', dbOption),
      async (a) => {
        const { disableUser } = await import('../../cases/users.js');
        await withExistingStore({ io, env }, a.db, (store) =>
          store.transaction((tx) => disableUser(tx, a.name, a.as ?? env.user)),
        );
        io.stdout.write(`user ${a.name} disabled\n`);
      },
    ),
};

/** The first line of `input` (a password typed or piped), without its line break. */
async function firstLine(input: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!input) throw new UsageError('recon user passwd reads the new password from stdin, and there is none');
  const chunks: Buffer[] = [];
  for await (const c of input) {
    chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
    if (Buffer.concat(chunks).includes(10)) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
}

const passwd: Command = {
  name: 'passwd',
  register: (cli, { io, env }) =>
    cli.command(
      'passwd <name>',
      "set a user's console password, read from stdin (a user sets their own; a supervisor anyone's)",
      (y) =>
        y
          .positional('name', { describe: 'the user name', type: 'string', demandOption: true })
          .option('as', asOption)
          .option('db', dbOption),
      async (a) => {
        if (io.stdin?.isTTY) io.stderr.write(`new password for ${a.name} (the line is shown as typed): `);
        const password = await firstLine(io.stdin);
        const { setPassword } = await import('../../cases/users.js');
        await withExistingStore({ io, env }, a.db, (store) =>
          store.transaction((tx) => setPassword(tx, a.name, password, a.as ?? env.user ?? a.name)),
        );
        io.stdout.write(`password of ${a.name} set\n`);
      },
    ),
};

const list: Command = {
  name: 'list',
  register: (cli, { io, env }) =>
    cli.command(
      'list',
      'the users, their roles, and whether they can log in to the console',
      (y) => y.option('db', dbOption),
      async (a) => {
        const { listUsers } = await import('../../cases/users.js');
        const users = await withExistingStore({ io, env }, a.db, (store: Store) => listUsers(store), true);
        io.stdout.write('name                 role         console\n');
        for (const u of users)
          io.stdout.write(
            `${u.name.padEnd(20)} ${u.role.padEnd(12)} ${u.disabled ? 'disabled' : u.hasPassword ? 'yes' : 'no password'}\n`,
          );
      },
    ),
};

export const userCommand: Command = {
  name: 'user',
  register: (cli, ctx) =>
    cli.command('user', 'the people who work the findings: add, disable, passwd, list', (y) =>
      addCommands(y, [add, disable, passwd, list], ctx, 'user command'),
    ),
};
