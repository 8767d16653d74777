import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { usageError } from '../exit-codes.js';

/**
 * A context file names the services and the token, so a command needs no flags:
 *
 *   { "registry": "127.0.0.1:50051", "health": "127.0.0.1:50052",
 *     "configPush": "127.0.0.1:50053", "token": "…" | "tokenFile": "/path",
 *     "tlsCaFile": "/ca.crt", "tlsCertFile": "/admin.crt", "tlsKeyFile": "/admin.key" }
 *
 * Every key is optional. `tokenFile` holds a bare token or GATEWAY_TOKENS lines
 * (`role:token`; the admin line is used). `tls*File` turn TLS on (CA, and the client
 * certificate and key for services that require one). A relative path is relative to the file.
 */
export type GatewayContext = {
  readonly registry?: string;
  readonly health?: string;
  readonly configPush?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly tlsCaFile?: string;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
};

const KEYS = [
  'registry',
  'health',
  'configPush',
  'token',
  'tokenFile',
  'tlsCaFile',
  'tlsCertFile',
  'tlsKeyFile',
] as const;
const PATH_KEYS: readonly string[] = ['tokenFile', 'tlsCaFile', 'tlsCertFile', 'tlsKeyFile'];

/**
 * Where a context file is looked for when neither --context nor GATEWAY_CONTEXT names one:
 * `.local-stack/context.json` in the working directory or the nearest parent that has one
 * (the local stack's, anywhere in the repository), then the user's.
 */
export function defaultContextPaths(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const configHome = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  const local: string[] = [];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    local.push(join(dir, '.local-stack', 'context.json'));
    if (dirname(dir) === dir) break;
  }
  return [...local, join(configHome, 'gateway', 'context.json')];
}

/** Parses and checks a context file's text; unknown keys and wrong types are usage errors. */
export function parseContext(text: string, path: string): GatewayContext {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw usageError(`context file ${path} is not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw usageError(`context file ${path} must hold a JSON object`);
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(KEYS as readonly string[]).includes(key))
      throw usageError(`context file ${path}: unknown key "${key}" (known: ${KEYS.join(', ')})`);
    if (typeof value !== 'string' || value === '')
      throw usageError(`context file ${path}: "${key}" must be a non-empty string`);
    context[key] =
      PATH_KEYS.includes(key) && !isAbsolute(value) ? resolve(dirname(path), value) : value;
  }
  return context;
}

/** The context in force: the named file (which must exist), else the first default that exists. */
export function loadContext(
  named: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
): { context: GatewayContext; path?: string } {
  const candidates = named ? [resolve(cwd, named)] : defaultContextPaths(cwd, env);
  for (const path of candidates) {
    if (!existsSync(path)) {
      if (named) throw usageError(`context file ${path} does not exist`);
      continue;
    }
    return { context: parseContext(readFileSync(path, 'utf8'), path), path };
  }
  return { context: {} };
}
