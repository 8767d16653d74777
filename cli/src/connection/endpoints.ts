import { readFileSync } from 'node:fs';
import { clientTlsFromValues, type ClientTlsFiles } from '@gateway/shared/tls-client';
import { parse as parseYaml } from 'yaml';
import { usageError } from '../exit-codes.js';
import { loadContext } from './context-file.js';

export type ServiceKey = 'registry' | 'health' | 'configPush';

/** Where the services are and the bearer token to present. */
export type Endpoints = {
  readonly registry: string;
  readonly health: string;
  readonly configPush: string;
  readonly token: string | undefined;
  /** TLS files (CA, client certificate + key); undefined: plaintext. */
  readonly tls: ClientTlsFiles | undefined;
  /** The context file used, if any. */
  readonly contextPath: string | undefined;
  /** Per-call bound for unary calls (ms). */
  readonly timeoutMs: number;
};

export type ConnectionFlags = {
  registry?: string;
  health?: string;
  configPush?: string;
  token?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  context?: string;
  timeout?: string;
};

const DEFAULTS = {
  registry: '127.0.0.1:50051',
  health: '127.0.0.1:50052',
  configPush: '127.0.0.1:50053',
} as const;

const ENV_NAMES = {
  registry: 'GATEWAY_REGISTRY',
  health: 'GATEWAY_HEALTH',
  configPush: 'GATEWAY_CONFIG_PUSH',
} as const;

const ADDRESS = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/;

/** Flags first, then the environment, then the context file, then the services' defaults. */
export function resolveEndpoints(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Endpoints {
  const { context, path } = loadContext(
    flags.context ?? (env['GATEWAY_CONTEXT'] || undefined),
    cwd,
    env,
  );
  const pick = (key: ServiceKey): string => {
    const address =
      flags[key] ?? (env[ENV_NAMES[key]] || undefined) ?? context[key] ?? DEFAULTS[key];
    if (!ADDRESS.test(address)) throw usageError(`${key} address "${address}" must be host:port`);
    return address;
  };
  const token =
    flags.token ??
    (env['GATEWAY_TOKEN'] || undefined) ??
    context.token ??
    (context.tokenFile ? readTokenFile(context.tokenFile) : undefined);
  const tls = clientTlsFromValues({
    caFile: flags.tlsCa ?? (env['GATEWAY_TLS_CA_FILE'] || undefined) ?? context.tlsCaFile,
    certFile: flags.tlsCert ?? (env['GATEWAY_TLS_CERT_FILE'] || undefined) ?? context.tlsCertFile,
    keyFile: flags.tlsKey ?? (env['GATEWAY_TLS_KEY_FILE'] || undefined) ?? context.tlsKeyFile,
  });
  if (tls && (tls.certFile === undefined) !== (tls.keyFile === undefined))
    throw usageError('a client certificate needs both --tls-cert and --tls-key');
  return {
    registry: pick('registry'),
    health: pick('health'),
    configPush: pick('configPush'),
    token,
    tls,
    contextPath: path,
    timeoutMs: parseTimeout(flags.timeout ?? '10s'),
  };
}

/**
 * A bare token, GATEWAY_TOKENS lines of which the admin one is taken, or the services'
 * YAML/JSON token file (`tokens:` list) of which the first admin entry is taken. A `#`
 * starts a comment only at the start of a line or after white space, as for the
 * services: a `#` inside a token is part of it.
 */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(
      `cannot read token file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (/^\s*["']?tokens["']?\s*:|^\s*\{\s*"tokens"/m.test(text))
    return adminOfTokenDocument(text, path);
  const entries = text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .flatMap((line) => line.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const admin = entries.find((entry) => entry.startsWith('admin:'));
  if (admin) return admin.slice('admin:'.length);
  if (entries.length === 1 && !entries[0]?.includes(':')) return entries[0];
  throw usageError(`token file ${path} holds neither a bare token nor an admin:<token> line`);
}

/** "10s", "500ms", "2m" or plain milliseconds. */
export function parseTimeout(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw usageError(`--timeout "${text}" is not a duration (e.g. 10s, 500ms)`);
  const factor =
    match[2] === 'm' ? 60_000 : match[2] === 'ms' || match[2] === undefined ? 1 : 1_000;
  const ms = Number(match[1]) * factor;
  if (ms < 100 || ms > 600_000) throw usageError('--timeout must lie between 100ms and 10m');
  return ms;
}

/** The first admin token of a services' token document; errors never quote the file. */
function adminOfTokenDocument(text: string, path: string): string {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch {
    throw usageError(`token file ${path} is not valid YAML or JSON`);
  }
  const entries = (document as { tokens?: unknown } | null)?.tokens;
  const admin = Array.isArray(entries)
    ? (entries as Array<{ role?: unknown; token?: unknown }>).find(
        (entry) => entry.role === 'admin' && typeof entry.token === 'string',
      )
    : undefined;
  if (typeof admin?.token !== 'string')
    throw usageError(`token file ${path} holds no admin entry (role: admin, token: …)`);
  return admin.token;
}
