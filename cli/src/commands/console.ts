import type { Command } from 'commander';
import { withClients } from '../command-context.js';
import { runConsole } from '../console/run-console.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { integerIn, listenAddress } from './parse-values.js';

type ConsoleFlags = { listen: { host: string; port: number }; maxClients: number };

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description(
      'serve the status screen as a live, read-only web page (server-sent events from the services’ watch streams) until Ctrl-C / SIGTERM',
    )
    .option('--listen <host:port>', 'address to serve on', listenAddress, {
      host: '127.0.0.1',
      port: 8088,
    })
    .option('--max-clients <n>', 'open pages at most (one more gets 503)', integerIn(1, 1000), 32)
    .action(async (options: ConsoleFlags, command: Command) => {
      await withClients(command, async ({ clients }) => {
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await runConsole({
            clients,
            host: options.listen.host,
            port: options.listen.port,
            maxClients: options.maxClients,
            stop: controller.signal,
            onListening: (address) =>
              process.stdout.write(`gatewayctl console: serving http://${address}/\n`),
          });
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
            throw new CliError(
              ExitCode.FAILED,
              `console: cannot listen on ${options.listen.host}:${options.listen.port}: ${code}`,
            );
          throw error;
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      });
    });
}
