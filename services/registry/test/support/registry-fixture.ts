import { createClient, type Client } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  serviceEntry,
  TEST_TOKENS,
  bearer,
  startInProcessService,
  withRedisServer,
  type InProcessService,
  LOOPBACK_INSTANCES_ENV,
} from '@gateway/testkit';
import { loadRegistryConfig } from '../../src/config.js';
import { startRegistry, type RunningRegistry } from '../../src/server.js';

/** The test kit's tokens, under the names this workspace's tests use. */
export { bearer, TEST_TOKENS as TOKENS, TEST_TOKENS_ENV as TOKENS_ENV } from '@gateway/testkit';

/** The compiled entry of the registry, for tests that run it as its own process. */
export const REGISTRY_ENTRY = serviceEntry('registry');

export type RegistryClient = Client<typeof RegistryServiceDefinition>;

/** A registry started in this process against `redisUrl`, with an admin client. */
export type RegistryFixture = InProcessService<RunningRegistry> & {
  readonly registry: RunningRegistry;
  readonly client: RegistryClient;
};

/** Eviction and revision polls fast enough for tests. */
const FAST_TIMINGS = {
  REGISTRY_EVICTION_INTERVAL: '100ms',
  REGISTRY_REVISION_POLL_INTERVAL: '200ms',
};

export async function startRegistryFixture(
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<RegistryFixture> {
  const service = await startInProcessService(
    { name: 'registry', load: loadRegistryConfig, start: startRegistry },
    { REDIS_URL: redisUrl, ...FAST_TIMINGS, ...LOOPBACK_INSTANCES_ENV, ...env },
  );
  const client = createClient(RegistryServiceDefinition, service.channel, {
    '*': bearer(TEST_TOKENS.admin),
  });
  return { ...service, registry: service.running, client };
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
