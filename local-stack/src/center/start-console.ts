import { join } from 'node:path';
import { isRunning, REPO_ROOT, startProcess, StopWaiting, waitFor } from '@gateway/testkit';
import { processPart } from '../lifecycle/process-part.js';
import type { StackParts } from '../lifecycle/stack-part.js';
import { relayOutput } from '../output/child-output.js';
import type { LineFormatter } from '../output/line-formatter.js';
import { CONSOLE_PORT, STACK_HOST } from '../ports/fixed-ports.js';

/** gatewayctl, compiled. */
export const GATEWAYCTL_ENTRY = join(REPO_ROOT, 'cli', 'dist', 'src', 'main.js');
/** The console ends its streams at once on SIGTERM; a gather in flight is bounded by its call timeout. */
const CONSOLE_GRACE_MS = 12_000;

/**
 * Starts `gatewayctl console` on 127.0.0.1:8088 against the stack's services (addresses and
 * the admin token in its environment) and waits for it to print its address.
 */
export async function startConsole(options: {
  registry: string;
  health: string;
  configPush: string;
  adminToken: string;
  /** GATEWAY_TLS_* when the stack runs with TLS (what a client of the services presents). */
  tlsEnv: Readonly<Record<string, string>>;
  format: LineFormatter;
  parts: StackParts;
}): Promise<string> {
  const child = startProcess(
    'console',
    process.execPath,
    [GATEWAYCTL_ENTRY, 'console', '--listen', `${STACK_HOST}:${CONSOLE_PORT}`],
    {
      env: {
        PATH: process.env['PATH'] ?? '',
        GATEWAY_REGISTRY: options.registry,
        GATEWAY_HEALTH: options.health,
        GATEWAY_CONFIG_PUSH: options.configPush,
        GATEWAY_TOKEN: options.adminToken,
        ...options.tlsEnv,
      },
      ownProcessGroup: true,
    },
  );
  const flushed = relayOutput('console', child, options.format);
  options.parts.console.push(
    processPart({ name: 'console', process: child, graceMs: CONSOLE_GRACE_MS, flushed }),
  );
  await waitFor(
    'the console to serve',
    () => {
      if (!isRunning(child))
        throw new StopWaiting(`the console exited: ${child.output().slice(-1_000)}`);
      return /serving http:\/\//.test(child.output());
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  return `http://${STACK_HOST}:${CONSOLE_PORT}/`;
}
