import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createChannel, createClient, type Channel, type Client } from 'nice-grpc';
import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { pino } from 'pino';
import {
  bearer,
  startInProcessService,
  CONFIG_PUSH_TEST_TIMINGS,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  freePort,
  generateSshKey,
  startRedisServer,
  startServiceProcess,
  tempDir,
  testLogStream,
  type RedisServerHandle,
  type ServiceProcess,
  serviceEntry,
  LOOPBACK_INSTANCES_ENV,
} from '@gateway/testkit';
import { loadConfigPushConfig } from '../../src/config.js';
import { startConfigPush, type RunningConfigPush } from '../../src/server.js';
import {
  APPLY_SCRIPT,
  startAlertReceiver,
  startGatewayNode,
  type AlertReceiver,
  type GatewayNode,
} from '@gateway/testkit';
import { addNodeToInventory, setNodeStatus } from './node-state.js';

export const ADMIN_TOKEN = TEST_TOKENS.admin;
export const CORE_TOKEN = TEST_TOKENS.core;
export { bearer, TEST_TOKENS_ENV as TOKENS_ENV } from '@gateway/testkit';

/** Compiled entries, for tests that run services as their own processes. */
export const CONFIG_PUSH_ENTRY = serviceEntry('config-push');
export const REGISTRY_ENTRY = serviceEntry('registry');

export type ConfigPushClient = Client<typeof ConfigPushServiceDefinition>;
export type RegistryClient = Client<typeof RegistryServiceDefinition>;

/** The environment of a config-push replica in these tests (short timings, the repo's apply script). */
export function configPushEnv(
  redisUrl: string,
  privateKeyPath: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    GATEWAY_TOKENS: TEST_TOKENS_ENV,
    CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: privateKeyPath,
    CONFIG_PUSH_KNOWN_HOSTS_FILE: join(tempDir('known-hosts'), 'known_hosts'),
    CONFIG_PUSH_REMOTE_COMMAND: APPLY_SCRIPT,
    ...CONFIG_PUSH_TEST_TIMINGS,
    CONFIG_PUSH_SSH_CONNECT_TIMEOUT: '3s',
    ...extra,
  };
}

/** A config-push replica in this process. */
export type InProcessConfigPush = {
  readonly running: RunningConfigPush;
  readonly channel: Channel;
  readonly client: ConfigPushClient;
  close(): Promise<void>;
};

export async function startInProcessConfigPush(
  env: Record<string, string>,
  options: { logLines?: string[] } = {},
): Promise<InProcessConfigPush> {
  const lines = options.logLines;
  // The lines are kept in the run's logs too (its secret scan reads them).
  const kept = lines ? testLogStream('config-push-test') : undefined;
  const service = await startInProcessService(
    { name: 'config-push', load: loadConfigPushConfig, start: startConfigPush },
    env,
    // With logLines, every debug line is kept for the test to count (and nothing is printed).
    lines
      ? pino(
          { level: 'debug' },
          {
            write: (line: string) => {
              lines.push(line);
              kept?.write(line);
            },
          },
        )
      : undefined,
  );
  const client = createClient(ConfigPushServiceDefinition, service.channel, {
    '*': bearer(ADMIN_TOKEN),
  });
  return { running: service.running, channel: service.channel, client, close: service.close };
}

/** A push world, a webhook receiving config-push's alerts, and config-push in this process. */
export type AlertingPushWorld = {
  readonly world: PushWorld;
  readonly webhook: AlertReceiver;
  readonly push: InProcessConfigPush;
};

export async function startAlertingPushWorld(
  env: Record<string, string> = {},
): Promise<AlertingPushWorld> {
  const world = await startPushWorld();
  const webhook = await startAlertReceiver();
  const push = await startInProcessConfigPush(
    configPushEnv(world.redis.url, world.privateKeyPath, {
      CONFIG_PUSH_ALERT_WEBHOOK_URL: webhook.url,
      ...env,
    }),
  );
  return { world, webhook, push };
}

/** A small HTTP server standing for a gateway-core instance: answers its name. */
export type Backend = { readonly port: number; readonly name: string; close(): Promise<void> };

export async function startBackend(name: string): Promise<Backend> {
  const port = await freePort();
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    response.end(name);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, name, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * The whole set-up of the acceptance tests: redis-server, the registry as its own
 * process, two gateway nodes (nginx + sshd on 127.0.0.2 and 127.0.0.3) in the inventory
 * and UP, and the SSH key config-push logs in with.
 */
export type PushWorld = {
  readonly redis: RedisServerHandle;
  readonly registryProcess: ServiceProcess;
  readonly registryChannel: Channel;
  readonly registry: RegistryClient;
  readonly nodes: readonly GatewayNode[];
  readonly privateKeyPath: string;
  register(group: string, port: number, extra?: Record<string, unknown>): Promise<number>;
  deregister(group: string, port: number): Promise<number>;
  close(): Promise<void>;
};

export async function startPushWorld(
  options: {
    ips?: string[];
    sshUser?: string;
    nginxBinary?: string;
    /** More registry variables (e.g. to lift the per-token rate limit for a storm). */
    registryEnv?: Record<string, string>;
  } = {},
): Promise<PushWorld> {
  const key = generateSshKey();
  const redis = await startRedisServer();
  const registryProcess = await startServiceProcess({
    name: 'registry',
    entry: REGISTRY_ENTRY,
    env: {
      REDIS_URL: redis.url,
      GATEWAY_TOKENS: TEST_TOKENS_ENV,
      LOG_LEVEL: 'warn',
      REGISTRY_LEASE_MAX: '1h',
      REGISTRY_REVISION_POLL_INTERVAL: '500ms',
      ...LOOPBACK_INSTANCES_ENV,
      ...options.registryEnv,
    },
  });
  const registryChannel = createChannel(registryProcess.address);
  const registry = createClient(RegistryServiceDefinition, registryChannel, {
    '*': bearer(ADMIN_TOKEN),
  });
  const nodes: GatewayNode[] = [];
  for (const ip of options.ips ?? ['127.0.0.2', '127.0.0.3']) {
    const node = await startGatewayNode(ip, key.publicKey, {
      ...(options.sshUser ? { sshUser: options.sshUser } : {}),
      ...(options.nginxBinary ? { nginxBinary: options.nginxBinary } : {}),
    });
    nodes.push(node);
    await addNodeToInventory(redis.client, node.spec());
    await setNodeStatus(redis.client, ip, 'UP');
  }
  return {
    redis,
    registryProcess,
    registryChannel,
    registry,
    nodes,
    privateKeyPath: key.privateKeyPath,
    async register(group, port, extra = {}) {
      const response = await registry.register({
        instance: {
          group,
          host: '127.0.0.1',
          port,
          weight: 1,
          backup: false,
          adminState: 0,
          metadata: {},
          ...extra,
        },
        leaseDuration: { seconds: 3600, nanos: 0 },
      });
      return response.revision;
    },
    async deregister(group, port) {
      return (await registry.deregister({ instanceId: `${group}/127.0.0.1/${port}` })).revision;
    },
    async close() {
      registryChannel.close();
      for (const node of nodes) await node.stop();
      await registryProcess.stop();
      await redis.stop();
    },
  };
}

/** GET through a node's nginx on a fresh connection: status and body. */
export async function getThrough(
  node: GatewayNode,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${node.nginx.url}/`, {
    headers: { connection: 'close', ...headers },
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: await response.text() };
}
