/**
 * `recon serve [--host 127.0.0.1] [--port 8080] [--db …]` (DESIGN §11): the operators' console on the
 * store (src/serve), until SIGINT or SIGTERM. It never creates a store: the store must exist (as for
 * `recon status`). On an embedded store it holds the store's lock while it runs, so a `recon run` on
 * that store is refused naming it; a server store the console and the runs share.
 */
import { UsageError } from '../../core/usage-error.js';
import { hasReconTables, migrate } from '../../store/migrate.js';
import { hasEmbeddedDatabase, openStore } from '../../store/open-store.js';
import type { Command } from '../command.js';
import { dbOption, storeTarget } from '../store-access.js';

export const serveCommand: Command = {
  name: 'serve',
  register: (cli, { io, env }) =>
    cli.command(
      'serve',
      'the operators’ web console on the store (log in, work the queue, approve, the audit trail)',
      (y) =>
        y
          .option('host', {
            describe: 'address to listen on (anything but 127.0.0.1 or ::1 lets other machines reach it)',
            type: 'string',
            default: '127.0.0.1',
          })
          .option('port', { describe: 'port to listen on (0: any free port)', type: 'number', default: 8080 })
          .option('idle-timeout', {
            describe: 'minutes without a request after which a session ends',
            type: 'number',
            default: 30,
          })
          .option('trust-proxy', {
            describe:
              'the TLS-terminating reverse proxy in front (IPs or CIDRs, comma-separated): its X-Forwarded-For and X-Forwarded-Proto are believed (Secure cookies, HSTS, the client address for login limits)',
            type: 'string',
          })
          .option('db', dbOption)
          .check((a) => {
            if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535)
              throw new UsageError('--port must be a port number 0-65535');
            const idle = Number(a['idle-timeout']);
            if (!(Number.isFinite(idle) && idle > 0))
              throw new UsageError('--idle-timeout must be a number of minutes > 0');
            return true;
          }),
      async (a) => {
        const [{ buildConsole }, { StoreLease }] = await Promise.all([
          import('../../serve/console-server.js'),
          import('../../serve/store-lease.js'),
        ]);
        const target = storeTarget(env, a.db);
        if (target.kind === 'embedded' && target.dir !== undefined && !hasEmbeddedDatabase(target.dir))
          throw new UsageError(`no store at ${target.dir} (run recon run or recon db migrate first)`);
        const store = await openStore(target);
        let app: Awaited<ReturnType<typeof buildConsole>> | undefined;
        try {
          if (!(await hasReconTables(store)))
            throw new UsageError(`no store at ${store.location} (run recon run or recon db migrate first)`);
          await migrate(store);
          app = await buildConsole(new StoreLease(store, target), {
            idleMinutes: a.idleTimeout,
            trustProxy: a.trustProxy,
            today: env.today,
            log: (line) => io.stderr.write(`recon serve: ${line}\n`),
          });
          const address = await app.listen({ host: a.host, port: a.port });
          io.stderr.write(
            `recon serve: the console of ${store.location} is at ${address} (${store.kind} store; Ctrl-C stops it)\n`,
          );
          await new Promise<void>((resolve) => {
            const stop = (signal: string) => {
              io.stderr.write(`recon serve: ${signal}: stopping\n`);
              resolve();
            };
            process.once('SIGINT', () => stop('SIGINT'));
            process.once('SIGTERM', () => stop('SIGTERM'));
          });
        } finally {
          // Closing the console closes its stores (and releases the embedded store's lock).
          if (app) await app.close();
          else await store.close();
        }
      },
    ),
};
