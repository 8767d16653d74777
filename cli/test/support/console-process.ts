import { waitFor } from '@gateway/testkit';
import { spawnCli, type CliProcess } from './run-cli.js';

/** A running `gatewayctl console` and the address it printed. */
export type ConsoleProcess = { readonly url: string; readonly cli: CliProcess };

/** Starts `gatewayctl console` on a free port in `cwd` (its context file names the services). */
export async function startConsole(
  cwd: string,
  args: readonly string[] = [],
): Promise<ConsoleProcess> {
  const cli = spawnCli(['console', '--listen', '127.0.0.1:0', ...args], {
    cwd,
    timeoutMs: 600_000,
  });
  let url = '';
  await waitFor(
    'the console to print its address',
    () => {
      url = /serving (http:\/\/\S+?)\/?$/m.exec(cli.output())?.[1] ?? '';
      return url !== '';
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  return { url, cli };
}
