import { createChannel, createClient, type Channel, type Client } from 'nice-grpc';
import { NodeHealthServiceDefinition, type NodeSpec } from '@gateway/proto/health';
import {
  serviceEntry,
  TEST_TOKENS,
  bearer,
  startInProcessService,
  startNginx,
  withRedisServer,
  type InProcessService,
  type NginxHandle,
  type RedisServerHandle,
} from '@gateway/testkit';
import { loadHealthConfig } from '../../src/config.js';
import { startHealth, type RunningHealth } from '../../src/server.js';

/** The test kit's tokens, under the names this workspace's tests use. */
export { bearer, TEST_TOKENS as TOKENS, TEST_TOKENS_ENV as TOKENS_ENV } from '@gateway/testkit';

/** The compiled entry of the health service, for tests that run it as its own process. */
export const HEALTH_ENTRY = serviceEntry('health');

export type HealthClient = Client<typeof NodeHealthServiceDefinition>;

/** Admin and sdk clients on `channel`. */
function healthClientsOn(channel: Channel): { admin: HealthClient; sdk: HealthClient } {
  return {
    admin: createClient(NodeHealthServiceDefinition, channel, { '*': bearer(TEST_TOKENS.admin) }),
    sdk: createClient(NodeHealthServiceDefinition, channel, { '*': bearer(TEST_TOKENS.sdk) }),
  };
}

/** Admin and sdk clients on a channel of their own to `address`. */
export function healthClients(address: string): {
  channel: Channel;
  admin: HealthClient;
  sdk: HealthClient;
} {
  const channel = createChannel(address);
  return { channel, ...healthClientsOn(channel) };
}

/** A health service started in this process against `redisUrl`, with admin and sdk clients. */
export type HealthFixture = InProcessService<RunningHealth> & {
  readonly health: RunningHealth;
  readonly admin: HealthClient;
  readonly sdk: HealthClient;
};

/** Watch revision polls and alert retries fast enough for tests. */
const FAST_TIMINGS = { HEALTH_WATCH_REVISION_POLL: '200ms', HEALTH_ALERT_RETRY_BACKOFF: '50ms' };

export async function startHealthFixture(
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<HealthFixture> {
  const service = await startInProcessService(
    { name: 'health', load: loadHealthConfig, start: startHealth },
    { REDIS_URL: redisUrl, ...FAST_TIMINGS, ...env },
  );
  const { admin, sdk } = healthClientsOn(service.channel);
  return { ...service, health: service.running, admin, sdk };
}

/** A fresh redis-server and one health service on it. */
export function startRedisAndHealth(env: Record<string, string> = {}) {
  return withRedisServer<HealthFixture>((redisUrl) => startHealthFixture(redisUrl, env));
}

/** A fresh redis-server, a health service on it, and an nginx on `nodeHost` for it to probe. */
export async function startHealthWithNginx(nodeHost: string): Promise<{
  redis: RedisServerHandle;
  nginx: NginxHandle;
  fixture: HealthFixture;
  close: () => Promise<void>;
}> {
  const { redis, fixture, close } = await startRedisAndHealth();
  const nginx = await startNginx({ host: nodeHost }).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return {
    redis,
    nginx,
    fixture,
    async close() {
      await close();
      await nginx.stop();
    },
  };
}

/** A valid node for AddNode: probed at http://ip:port/healthz. */
export function nodeSpec(ip: string, port: number, overrides: Partial<NodeSpec> = {}): NodeSpec {
  return {
    ip,
    healthUrl: `http://${ip}:${port}/healthz`,
    ssh: { host: '', port: 0, user: 'deploy', hostKey: '' },
    configPath: '/etc/nginx/conf.d/gateway-upstream.conf',
    label: '',
    ...overrides,
  };
}
