import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createChannel, createClient, type Channel, type Client } from 'nice-grpc';
import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import { NodeHealthServiceDefinition } from '@gateway/proto/health';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  bearer,
  generateSshKey,
  LOOPBACK_INSTANCES_ENV,
  serviceEntry,
  startServiceProcess,
  tempDir,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  type ServiceName,
  type ServiceProcess,
} from '@gateway/testkit';

export type RegistryClient = Client<typeof RegistryServiceDefinition>;
export type HealthClient = Client<typeof NodeHealthServiceDefinition>;
export type ConfigPushClient = Client<typeof ConfigPushServiceDefinition>;

export type ServiceOptions = {
  /** Process name in logs: 'registry-a'. */
  readonly name?: string;
  readonly env?: Record<string, string>;
  /** Node flags before the entry (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
};

/**
 * The per-token limits (GATEWAY_TOKEN_RATE / _BURST / _MAX_STREAMS) lifted: these benchmarks drive a
 * service with one token as a whole fleet would with many, and measure the service's
 * work, not the policy that refuses one token's flood (token-flood measures that).
 */
export const UNLIMITED_TOKENS_ENV = {
  GATEWAY_TOKEN_RATE: '1000000',
  GATEWAY_TOKEN_BURST: '1000000',
  GATEWAY_TOKEN_MAX_STREAMS: '100000',
} as const;

/**
 * Starts one service from its compiled entry as its own process, as in production (client
 * and service never share an event loop), on `redisUrl`, with the test kit's tokens and
 * warn-level logs (a storm at info level measures the logger).
 */
export function startService(
  service: ServiceName,
  redisUrl: string,
  options: ServiceOptions = {},
): Promise<ServiceProcess> {
  return startServiceProcess({
    name: options.name ?? service,
    entry: serviceEntry(service),
    env: {
      REDIS_URL: redisUrl,
      GATEWAY_TOKENS: TEST_TOKENS_ENV,
      LOG_LEVEL: 'warn',
      ...UNLIMITED_TOKENS_ENV,
      ...(service === 'registry' ? LOOPBACK_INSTANCES_ENV : {}),
      ...options.env,
    },
    nodeArgs: options.nodeArgs,
    timeoutMs: 30_000,
  });
}

/**
 * config-push needs an SSH key and a known_hosts file to start; with no node in the
 * inventory it never connects, and still renders (RenderConfig) and watches the registry.
 */
export function configPushFiles(): Record<string, string> {
  const dir = tempDir('bench-config-push');
  const { privateKeyPath } = generateSshKey(dir);
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, '');
  return {
    CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: privateKeyPath,
    CONFIG_PUSH_KNOWN_HOSTS_FILE: knownHosts,
  };
}

type Role = keyof typeof TEST_TOKENS;

/** A channel with the gRPC client defaults (4 MiB receive limit) to `address`. */
export function channelTo(address: string): Channel {
  return createChannel(address);
}

export function registryClient(channel: Channel, role: Role = 'admin'): RegistryClient {
  return createClient(RegistryServiceDefinition, channel, { '*': bearer(TEST_TOKENS[role]) });
}

export function healthClient(channel: Channel, role: Role = 'admin'): HealthClient {
  return createClient(NodeHealthServiceDefinition, channel, { '*': bearer(TEST_TOKENS[role]) });
}

export function configPushClient(channel: Channel, role: Role = 'admin'): ConfigPushClient {
  return createClient(ConfigPushServiceDefinition, channel, { '*': bearer(TEST_TOKENS[role]) });
}
