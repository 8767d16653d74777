import { createChannel, createClient, type Channel, type Client } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { createLogger, tokenTableFromConfig } from '@gateway/shared';
import {
  serviceEntry,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  bearer,
  withRedisServer,
} from '@gateway/testkit';
import { loadRegistryConfig } from '../../src/config.js';
import { startRegistry, type RunningRegistry } from '../../src/server.js';

/** The test kit's tokens, under the names this workspace's tests use. */
export { bearer, TEST_TOKENS as TOKENS, TEST_TOKENS_ENV as TOKENS_ENV } from '@gateway/testkit';

/** The compiled entry of the registry, for tests that run it as its own process. */
export const REGISTRY_ENTRY = serviceEntry('registry');

export type RegistryClient = Client<typeof RegistryServiceDefinition>;

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
    GATEWAY_TOKENS: TEST_TOKENS_ENV,
    REGISTRY_EVICTION_INTERVAL: '100ms',
    REGISTRY_REVISION_POLL_INTERVAL: '200ms',
    ...env,
  });
  const logger = createLogger('registry-test', process.env['TEST_LOG_LEVEL'] ?? 'silent');
  const registry = await startRegistry(config, logger, tokenTableFromConfig(config));
  const address = `127.0.0.1:${registry.port}`;
  const channel = createChannel(address);
  const client = createClient(RegistryServiceDefinition, channel, {
    '*': bearer(TEST_TOKENS.admin),
  });
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
export function startRedisAndRegistry(env: Record<string, string> = {}) {
  return withRedisServer<RegistryFixture>((redisUrl) => startRegistryFixture(redisUrl, env));
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
