import { createChannel, createClient, Metadata, type Channel, type Client } from 'nice-grpc';
import { NodeHealthServiceDefinition, type NodeSpec } from '@gateway/proto/health';
import { createLogger, tokenTableFromConfig } from '@gateway/shared';
import { startRedisServer, type RedisServerHandle, serviceEntry } from '@gateway/testkit';
import { loadHealthConfig } from '../../src/config.js';
import { startHealth, type RunningHealth } from '../../src/server.js';

export const TOKENS = {
  admin: 'admin-token-0123456789',
  core: 'core-token-0123456789',
  sdk: 'sdk-token-0123456789',
} as const;

export const TOKENS_ENV = `admin:${TOKENS.admin},core:${TOKENS.core},sdk:${TOKENS.sdk}`;

/** The compiled entry of the health service, for tests that run it as its own process. */
export const HEALTH_ENTRY = serviceEntry('health');

export type HealthClient = Client<typeof NodeHealthServiceDefinition>;

export function bearer(token: string): { metadata: Metadata } {
  return { metadata: Metadata({ authorization: `Bearer ${token}` }) };
}

/** Admin and sdk clients on one channel to `address`. */
export function healthClients(address: string): {
  channel: Channel;
  admin: HealthClient;
  sdk: HealthClient;
} {
  const channel = createChannel(address);
  return {
    channel,
    admin: createClient(NodeHealthServiceDefinition, channel, { '*': bearer(TOKENS.admin) }),
    sdk: createClient(NodeHealthServiceDefinition, channel, { '*': bearer(TOKENS.sdk) }),
  };
}

/** A health service started in this process against `redisUrl`. */
export type HealthFixture = {
  readonly address: string;
  readonly health: RunningHealth;
  readonly admin: HealthClient;
  readonly sdk: HealthClient;
  close(): Promise<void>;
};

export async function startHealthFixture(
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<HealthFixture> {
  const config = loadHealthConfig({
    REDIS_URL: redisUrl,
    GRPC_LISTEN: '127.0.0.1:0',
    GATEWAY_TOKENS: TOKENS_ENV,
    HEALTH_WATCH_REVISION_POLL: '200ms',
    HEALTH_ALERT_RETRY_BACKOFF: '50ms',
    ...env,
  });
  const logger = createLogger('health-test', process.env['TEST_LOG_LEVEL'] ?? 'silent');
  const health = await startHealth(config, logger, tokenTableFromConfig(config));
  const address = `127.0.0.1:${health.port}`;
  const { channel, admin, sdk } = healthClients(address);
  return {
    address,
    health,
    admin,
    sdk,
    async close() {
      channel.close();
      await health.stop();
    },
  };
}

/** A fresh redis-server and one health service on it. */
export async function startRedisAndHealth(env: Record<string, string> = {}): Promise<{
  redis: RedisServerHandle;
  fixture: HealthFixture;
  close(): Promise<void>;
}> {
  const redis = await startRedisServer();
  const fixture = await startHealthFixture(redis.url, env);
  return {
    redis,
    fixture,
    async close() {
      await fixture.close();
      await redis.stop();
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
