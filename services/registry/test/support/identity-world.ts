import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  bearer,
  startRedisServer,
  startServiceProcess,
  tempDir,
  type RedisServerHandle,
  type ServiceProcess,
} from '@gateway/testkit';
import { REGISTRY_ENTRY } from './registry-fixture.js';

/** The secrets of the token file the identity tests give the registry. */
export const SECRETS = {
  admin: 'ops-admin-secret-0123',
  /** A second admin token, as during a rotation. */
  admin2: 'ops-admin-secret-next-4567',
  coreA: 'core-a-secret-0123456',
  coreB: 'core-b-secret-0123456',
  orders: 'orders-core-secret-0123',
  sdk: 'sdk-main-secret-012345',
} as const;

/** Core A and B (any group), "orders" scoped to its group with a quota of 2, one sdk token. */
export const TOKENS_FILE = `tokens:
  - { name: ops, role: admin, token: ${SECRETS.admin} }
  - { name: ops-next, role: admin, token: ${SECRETS.admin2} }
  - { name: core-a, role: core, token: ${SECRETS.coreA} }
  - { name: core-b, role: core, token: ${SECRETS.coreB} }
  - name: orders-core
    role: core
    token: ${SECRETS.orders}
    groups: [orders]
    quota: 2
  - { name: sdk-main, role: sdk, token: ${SECRETS.sdk} }
`;

export type RegistryClient = ReturnType<typeof registryClient>;

export function registryClient(channel: Channel, secret: string) {
  return createClient(RegistryServiceDefinition, channel, { '*': bearer(secret) });
}

/** A registry process with the token file above, its JSON log lines collected in full. */
export type IdentityWorld = {
  readonly redis: RedisServerHandle;
  readonly registry: ServiceProcess;
  readonly channel: Channel;
  readonly client: (secret: string) => RegistryClient;
  /** Every JSON line the registry wrote so far. */
  logLines(): Array<Record<string, unknown>>;
  close(): Promise<void>;
};

export async function startIdentityWorld(env: Record<string, string> = {}): Promise<IdentityWorld> {
  const redis = await startRedisServer();
  const tokensFile = join(tempDir('identity'), 'tokens.yaml');
  writeFileSync(tokensFile, TOKENS_FILE, { mode: 0o600 });
  let text = '';
  const registry = await startServiceProcess({
    name: 'registry-identity',
    entry: REGISTRY_ENTRY,
    env: {
      REDIS_URL: redis.url,
      GATEWAY_TOKENS_FILE: tokensFile,
      LOG_LEVEL: 'info',
      REGISTRY_EVICTION_INTERVAL: '100ms',
      ...env,
    },
    timeoutMs: 60_000,
    onSpawn: (child) =>
      child.child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString())),
  });
  const channel = createChannel(registry.address);
  return {
    redis,
    registry,
    channel,
    client: (secret) => registryClient(channel, secret),
    logLines: () =>
      text
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async close() {
      channel.close();
      await registry.stop();
      await redis.stop();
    },
  };
}

/** A valid instance on a routable (not loopback) host. */
export function instanceOn(host: string, overrides: Record<string, unknown> = {}) {
  return {
    group: 'default',
    host,
    port: 8080,
    weight: 1,
    failTimeout: undefined,
    backup: false,
    adminState: 0,
    metadata: {},
    ...overrides,
  };
}
