import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseLogFormat, type LogFormat } from './output/log-format.js';

/** The repository's root (this file runs as local-stack/dist/src/stack-options.js). */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The local stack's settings, from its environment (all optional). */
export type StackOptions = {
  /** LOCAL_STACK_DIR: tokens, config-push's SSH key, the pid file (default `.local-stack/`). */
  readonly stateDir: string;
  /** The local data plane (two nodes, two cores): as root, unless LOCAL_STACK_NODES=0. */
  readonly dataPlane: boolean;
  /** LOCAL_STACK_LOG=pretty|json; default pretty on a terminal, json otherwise. */
  readonly logFormat: LogFormat;
  /** LOG_LEVEL of every process (default info). */
  readonly logLevel: string;
  /** LOCAL_STACK_TLS=off|tls|mtls: how the services serve gRPC (default off: plaintext on loopback). */
  readonly tls: StackTls;
};

export type StackTls = 'off' | 'tls' | 'mtls';

function chooseTls(setting: string | undefined): StackTls {
  if (setting === undefined || setting === '' || setting === 'off') return 'off';
  if (setting === 'tls' || setting === 'mtls') return setting;
  throw new Error(`LOCAL_STACK_TLS: must be off, tls or mtls, not ${JSON.stringify(setting)}`);
}

export function stackOptions(env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): StackOptions {
  return {
    stateDir: env['LOCAL_STACK_DIR'] || join(REPO_ROOT, '.local-stack'),
    dataPlane: process.getuid?.() === 0 && env['LOCAL_STACK_NODES'] !== '0',
    logFormat: chooseLogFormat(env['LOCAL_STACK_LOG'], stdoutIsTTY),
    logLevel: env['LOG_LEVEL'] || 'info',
    tls: chooseTls(env['LOCAL_STACK_TLS']),
  };
}
