import { join } from 'node:path';
import {
  freePort,
  isRunning,
  REPO_ROOT,
  startProcess,
  StopWaiting,
  waitFor,
} from '@gateway/testkit';
import { allOrFirstError } from '../lifecycle/all-or-first-error.js';
import { processPart } from '../lifecycle/process-part.js';
import type { StackParts } from '../lifecycle/stack-part.js';
import { relayOutput } from '../output/child-output.js';
import type { LineFormatter } from '../output/line-formatter.js';

export const CORE_ENTRY = join(REPO_ROOT, 'examples', 'gateway-core', 'dist', 'src', 'main.js');
const CORE_IDS = ['core-1', 'core-2'] as const;
/** The core's own stop guard is 10 s (deregister, then close). */
const CORE_GRACE_MS = 12_000;

export type RunningCore = { readonly id: string; readonly url: string };

/** Starts the example gateway-cores; each registers through the SDK's registrar. */
export async function startCores(options: {
  registryAddress: string;
  coreToken: string;
  logLevel: string;
  /** GATEWAY_TLS_* for the registrar when the services serve TLS. */
  tlsEnv: Readonly<Record<string, string>>;
  format: LineFormatter;
  parts: StackParts;
}): Promise<RunningCore[]> {
  const start = async (id: string): Promise<RunningCore> => {
    const port = await freePort();
    const core = startProcess(id, process.execPath, [CORE_ENTRY], {
      env: {
        PATH: process.env['PATH'] ?? '',
        CORE_LISTEN: `127.0.0.1:${port}`,
        CORE_ID: id,
        REGISTRY_ADDRESSES: options.registryAddress,
        GATEWAY_CORE_TOKEN: options.coreToken,
        LOG_LEVEL: options.logLevel,
        ...options.tlsEnv,
      },
      ownProcessGroup: true,
    });
    const flushed = relayOutput(id, core, options.format);
    options.parts.cores.push(
      processPart({ name: id, process: core, graceMs: CORE_GRACE_MS, flushed }),
    );
    await waitFor(
      `${id} to register`,
      () => {
        if (!isRunning(core)) throw new StopWaiting(`${id} exited: ${core.output().slice(-1_000)}`);
        return /registrar: registered/.test(core.output());
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    return { id, url: `http://127.0.0.1:${port}/` };
  };
  return await allOrFirstError(CORE_IDS.map(start));
}
