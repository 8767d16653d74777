import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  clientTlsFromValues,
  ConfigError,
  integer,
  listenAddress,
  loadConfig,
  parseHostPort,
  type Environment,
} from '@gateway/shared';

/** Every variable the example core reads (see docs/deployment.md, "Gateway-core processes"). */
export const coreConfigShape = {
  /** host:port the HTTP server listens on. */
  CORE_LISTEN: listenAddress.default('127.0.0.1:8080'),
  /** The address Nginx should use to reach this process (default: CORE_LISTEN's host). */
  CORE_ADVERTISE_HOST: z.string().max(253).optional(),
  /** A name for this process, answered in every response. */
  CORE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
    .default('core'),
  /** Upstream group to join (the default group is rendered as `gateway_backend`). */
  CORE_GROUP: z
    .string()
    .regex(/^[a-z0-9_-]{1,63}$/, 'must be 1-63 lower-case letters, digits, "-" or "_"')
    .default('default'),
  CORE_WEIGHT: integer({ min: 1, max: 100, default: 1 }),
  /** Comma-separated host:port of the registry replicas. */
  REGISTRY_ADDRESSES: z.string().default('127.0.0.1:50051'),
  /** Bearer token of role `core` (or GATEWAY_CORE_TOKEN_FILE naming a file holding it). */
  GATEWAY_CORE_TOKEN: z.string().optional(),
  GATEWAY_CORE_TOKEN_FILE: z.string().optional(),
  /** TLS to the registries: their CA; with mTLS also this core's certificate and key. Unset: plaintext. */
  GATEWAY_TLS_CA_FILE: z.string().optional(),
  GATEWAY_TLS_CERT_FILE: z.string().optional(),
  GATEWAY_TLS_KEY_FILE: z.string().optional(),
  CORE_LEASE_SECONDS: integer({ min: 1, max: 3_600, default: 15 }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export type CoreConfig = ReturnType<typeof loadCoreConfig>;

export function loadCoreConfig(env: Environment) {
  const parsed = loadConfig(coreConfigShape, env);
  const listen = parseHostPort(parsed.CORE_LISTEN)!;
  if (listen.port === 0)
    throw new ConfigError('CORE_LISTEN', 'needs a fixed port: it is what the core registers');
  const registries = parsed.REGISTRY_ADDRESSES.split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (registries.length === 0 || registries.some((entry) => parseHostPort(entry) === undefined)) {
    throw new ConfigError('REGISTRY_ADDRESSES', 'must be a comma-separated list of host:port');
  }
  let token = parsed.GATEWAY_CORE_TOKEN;
  if (parsed.GATEWAY_CORE_TOKEN_FILE !== undefined) {
    try {
      token = readFileSync(parsed.GATEWAY_CORE_TOKEN_FILE, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(
        'GATEWAY_CORE_TOKEN_FILE',
        `cannot read it: ${(error as Error).message}`,
      );
    }
  }
  if (!token)
    throw new ConfigError('GATEWAY_CORE_TOKEN', 'is required (or GATEWAY_CORE_TOKEN_FILE)');
  if ((parsed.GATEWAY_TLS_CERT_FILE === undefined) !== (parsed.GATEWAY_TLS_KEY_FILE === undefined))
    throw new ConfigError(
      parsed.GATEWAY_TLS_CERT_FILE === undefined ? 'GATEWAY_TLS_CERT_FILE' : 'GATEWAY_TLS_KEY_FILE',
      'a client certificate needs GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE together',
    );
  return Object.freeze({
    ...parsed,
    tls: clientTlsFromValues({
      caFile: parsed.GATEWAY_TLS_CA_FILE,
      certFile: parsed.GATEWAY_TLS_CERT_FILE,
      keyFile: parsed.GATEWAY_TLS_KEY_FILE,
    }),
    listen,
    advertiseHost: parsed.CORE_ADVERTISE_HOST ?? listen.host,
    registries,
    token,
  });
}
