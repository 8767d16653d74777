import { createChannel, createClient, Metadata, type Channel, type Client } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { createLogger, tokenTableFromConfig } from '@gateway/shared';
import { startRedisServer, type RedisServerHandle, serviceEntry } from '@gateway/testkit';
import { loadRegistryConfig } from '../../src/config.js';
import { startRegistry, type RunningRegistry } from '../../src/server.js';

export const TOKENS = {
  admin: 'admin-token-0123456789',
  core: 'core-token-0123456789',
  sdk: 'sdk-token-0123456789',
} as const;

export const TOKENS_ENV = `admin:${TOKENS.admin},core:${TOKENS.core},sdk:${TOKENS.sdk}`;

/** The compiled entry of the registry, for tests that run it as its own process. */
export const REGISTRY_ENTRY = serviceEntry('registry');

export type RegistryClient = Client<typeof RegistryServiceDefinition>;

export function bearer(token: string): { metadata: Metadata } {
  return { metadata: Metadata({ authorization: `Bearer ${token}` }) };
}

/** A registry started in this process against `redisUrl`, with a client per role. */
export type RegistryFixture = {
  readonly address: string;
  readonly registry: RunningRegistry;
  readonly channel: Channel;
  readonly client: RegistryClient;
  close(): Promise<void>;
};

export async function startRegistryFixture(
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<RegistryFixture> {
  const config = loadRegistryConfig({
    REDIS_URL: redisUrl,
    GRPC_LISTEN: '127.0.0.1:0',
    GATEWAY_TOKENS: TOKENS_ENV,
    REGISTRY_EVICTION_INTERVAL: '100ms',
    REGISTRY_REVISION_POLL_INTERVAL: '200ms',
    ...env,
  });
  const logger = createLogger('registry-test', process.env['TEST_LOG_LEVEL'] ?? 'silent');
  const registry = await startRegistry(config, logger, tokenTableFromConfig(config));
  const address = `127.0.0.1:${registry.port}`;
  const channel = createChannel(address);
  const client = createClient(RegistryServiceDefinition, channel, { '*': bearer(TOKENS.admin) });
  return {
    address,
    registry,
    channel,
    client,
    async close() {
      channel.close();
      await registry.stop();
    },
  };
}

/** A fresh redis-server and one registry on it. */
export async function startRedisAndRegistry(env: Record<string, string> = {}): Promise<{
  redis: RedisServerHandle;
  fixture: RegistryFixture;
  close(): Promise<void>;
}> {
  const redis = await startRedisServer();
  const fixture = await startRegistryFixture(redis.url, env);
  return {
    redis,
    fixture,
    async close() {
      await fixture.close();
      await redis.stop();
    },
  };
}

/** A valid instance spec for Register, with overrides. */
export function spec(overrides: Record<string, unknown> = {}) {
  return {
    group: 'default',
    host: '127.0.0.1',
    port: 8080,
    weight: 1,
    failTimeout: undefined,
    backup: false,
    adminState: 0,
    metadata: {},
    ...overrides,
  };
}
